/**
 * Which test files of the unit/integration suite run where (read by vitest.config.ts). Both lists are checked
 * by server/db/suite-files.test.ts: every entry must exist, and a store-free file must not reach the data layer.
 */

/** Where the suite looks for tests that may touch the store; the PostgreSQL run looks only here. */
export const STORE_TEST_GLOBS = ['server/**/*.test.ts', 'test/integration/**/*.test.ts', 'bench/**/*.test.ts'];

/**
 * Tests of several nodes sharing one Redis — cluster mode, which needs PostgreSQL: the PostgreSQL run only,
 * where `npm run test:pg` has made sure of Redis first (scripts/ensure-redis.mjs); the SQLite run leaves them out.
 */
export const CLUSTER_TEST_GLOBS = ['server/**/*.cluster.test.ts', 'test/integration/**/*.cluster.test.ts'];

/** Tests that never touch the store, wherever they live: the SQLite run only. */
export const STORE_FREE_TEST_GLOBS = ['media/**/*.test.ts', 'shared/**/*.test.ts', 'client/lib/**/*.test.ts', 'client/pages/**/*.test.ts'];

/**
 * Files under STORE_TEST_GLOBS that never reach the data layer: no store, no test app, no server process —
 * nothing they import, however indirectly, leads there. The PostgreSQL run leaves them out, as it would only
 * run them a second time unchanged. A file that comes to use the store fails server/db/suite-files.test.ts
 * until it is taken off this list.
 */
export const STORE_FREE_TESTS = [
  'bench/recording.quick.test.ts',
  'bench/recording/measure.test.ts',
  'server/config.test.ts',
  'server/core/file-store.test.ts',
  'server/courseware/converter.test.ts',
  'server/courseware/jobs.test.ts',
  'server/courseware/kind.test.ts',
  'server/db/boundaries.test.ts',
  'server/db/suite-files.test.ts',
  'server/evaluation/attachments/content-type.test.ts',
  'server/evaluation/resources/indicators.test.ts',
  'server/evaluation/review/canonical.test.ts',
  'server/evidence/lesson-report/build-report.test.ts',
  'server/evidence/link-health/rollup.test.ts',
  'server/evidence/metrics.test.ts',
  'server/evidence/usage/disparity.test.ts',
  'server/evidence/usage/figures.test.ts',
  'server/evidence/usage/lesson-rollup.test.ts',
  'server/evidence/usage/usage-equity.test.ts',
  'server/lessons/features/board/board.test.ts',
  'server/lessons/features/board/export-pdf.test.ts',
  'server/lessons/features/chat/chat.test.ts',
  'server/lessons/features/hands/hands.test.ts',
  'server/lessons/features/observing/observing.test.ts',
  'server/lessons/features/polls/polls.test.ts',
  'server/lessons/features/recording/recording.test.ts',
  'server/lessons/features/stage/stage.test.ts',
  'server/lessons/handshake.test.ts',
  'server/lessons/kept-media.test.ts',
  'server/lessons/live-lesson.test.ts',
  'server/lessons/participant-changes.test.ts',
  'server/lessons/request-pipeline.test.ts',
  'server/lessons/turn-credentials.test.ts',
  'server/materials/visibility.test.ts',
  'server/policy/policy.test.ts',
  'server/recordings/capture/track-writer.test.ts',
  'server/recordings/render/layout.test.ts',
  'server/recordings/storage.test.ts',
  'server/recordings/viewing/ranges.test.ts',
  'server/research/evidence/figures.test.ts',
  'server/research/sessions/membership.test.ts',
  'server/teaching/schedule.test.ts',
  'test/integration/netlab.test.ts',
];

/**
 * Files whose outcome depends on timing the machine must keep: network lab links with shaped delay and loss,
 * real media through a worker, recordings and their A/V sync, stalled and killed servers. The suite runs them
 * one at a time after everything else, so nothing of the suite competes with them for the CPU.
 */
export const RUN_ALONE_TESTS = [
  // The network lab: namespaces, shaped links, a forwarder process — and its profiles' delays.
  'test/integration/netlab.test.ts',
  'test/integration/lesson-stall-lab.test.ts',
  'test/integration/lesson-stall.test.ts',
  // A server killed with kill -9 must have written what it acknowledged, within a bound.
  'test/integration/crash-durability.test.ts',
  // Two node processes, one killed with kill -9: its lessons re-placed within 10 s.
  'test/integration/several-nodes.cluster.test.ts',
  // Real media: RTP through a worker, frame and packet counts, FFmpeg recording and rendering.
  'media/lesson-media-rtp.test.ts',
  // Link adaptation's "within 5 s" on real RTP through a worker and through the gateway.
  'media/link-adaptation-rtp.test.ts',
  'test/integration/lesson-link-adaptation.test.ts',
  'bench/media.quick.test.ts',
  'bench/recording.quick.test.ts',
  'bench/recording/measure.test.ts',
  'server/recordings/capture/lesson-recorder.test.ts',
  'server/recordings/capture/track-writer.test.ts',
  'server/recordings/render/render.test.ts',
];
