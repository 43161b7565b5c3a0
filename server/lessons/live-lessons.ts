import { Gauge } from 'prom-client';
import type { TongkeApp } from '../core/app-types.js';
import type { MediaHealth } from '../ops/health.js';
import { EvidenceRecorder } from '../evidence/capture/recorder.js';
import { EvidenceRepository } from '../evidence/capture/repository.js';
import { evidenceDropCounter } from '../evidence/capture/drop-counter.js';
import { onLessonFinalised } from '../evidence/usage/lesson-finalised.js';
import type { LessonMediaFactory } from './media-port.js';
import { LessonsRepository } from './repository.js';
import { LessonRegistry } from './registry.js';
import { attachLessonGateway } from './gateway.js';
import { LessonRooms } from './lesson-rooms.js';
import { lessonRoutes } from './routes.js';
import { keepBoards } from './features/board/keeper.js';
import { ObservationsRepository } from '../research/observations/repository.js';
import { researchMeetingRoutes } from '../research/sessions/routes.js';
import { CoursewareRepository } from '../courseware/repository.js';
import { BoardRepository } from './features/board/repository.js';
import { LessonRecordings } from '../recordings/capture/lesson-recordings.js';
import { CaptureRepository } from '../recordings/capture/repository.js';
import { DirectoryRecordingStore } from '../recordings/storage.js';
import { LOCAL_PLACEMENT } from './placement-port.js';
import { placeAcrossNodes } from '../cluster/lesson-nodes.js';

/**
 * Live lessons on this server: the registry, the Socket.IO gateway, `GET /api/lessons/live`, the evidence
 * recorder that follows every lesson, and their gauges on /metrics. Lessons end and their evidence is
 * flushed before the server and the database close (SIGINT/SIGTERM too).
 */
export async function registerLiveLessons(app: TongkeApp, media: MediaHealth & LessonMediaFactory): Promise<void> {
  const { database, config } = app.tongke;
  const repo = new LessonsRepository(database.db);
  const rooms = new LessonRooms();
  const shared = Boolean(config.redisUrl);
  const registry = await LessonRegistry.create(
    repo,
    media,
    {
      nodeId: config.nodeId,
      shared,
      reconnectGraceMs: config.reconnectGraceSeconds * 1000,
      noLeadTeacherMs: config.lessonNoTeacherSeconds * 1000,
      overrunGraceMs: config.lessonOverrunGraceSeconds * 1000,
      mediaRebuildMs: config.mediaRebuildSeconds * 1000,
      audienceFor: (lessonSessionId) => rooms.audienceFor(lessonSessionId),
    },
    app.log.child({ component: 'lessons' }),
  );
  const storeLessons = async () =>
    (await repo.openSessions()).map((s) => ({
      courseId: s.courseId,
      lessonSessionId: s.id,
      startedAt: s.startedAt.toISOString(),
      researchSessionId: s.researchSessionId,
      broadcast: s.broadcast,
      courseName: s.courseName,
    }));
  await app.register(lessonRoutes(shared ? storeLessons : () => registry.summaries()));
  await app.register(researchMeetingRoutes(registry));
  const courseware = new CoursewareRepository(database.db);
  const observations = new ObservationsRepository(database.db);
  const placement = shared ? await placeAcrossNodes(app, registry, repo, media) : LOCAL_PLACEMENT;
  attachLessonGateway(app, registry, repo, rooms, {
    coursewareDocument: async (coursewareId) => {
      const found = await courseware.find(coursewareId);
      return found ? { courseId: found.courseId, pageCount: found.status === 'ready' ? found.pageCount : null } : null;
    },
    observationOpened: (lessonSessionId, observerId) => observations.open(lessonSessionId, observerId, 'live'),
  }, placement);
  const countDropped = evidenceDropCounter(app.metricsRegistry);
  // Once a lesson's evidence is all written, its roll-ups are refreshed.
  const recorder = new EvidenceRecorder(registry, {
    sink: new EvidenceRepository(database.db),
    log: app.log.child({ component: 'evidence' }),
    onLessonFinalised: onLessonFinalised(database.db, config, app.log.child({ component: 'usage' })),
    recoveredLessonIds: registry.recoveredSessionIds,
    onDropped: countDropped,
  });
  // Server-side recording (录制) of every live lesson whose course records, or whose teacher starts it.
  const recordings = await LessonRecordings.create(registry, {
    repo: new CaptureRepository(database.db),
    store: new DirectoryRecordingStore(config.recordingsDir),
    ffmpegPath: config.ffmpegPath,
    minFreeMb: config.recordingMinFreeMb,
    nodeId: config.nodeId,
    log: app.log.child({ component: 'recording' }),
    // A stopped recording is `processing`: the render jobs (server/recordings/render) make it playable.
    onRecordingStopped: () => app.recordingJobs.kick(),
  });
  const boards = keepBoards(registry, new BoardRepository(database.db), app.log.child({ component: 'board' }));
  app.addHook('preClose', async () => {
    // Recordings first, while their media still flows: FFmpeg then finishes each file at once.
    await recordings.close();
    await registry.close();
    await boards.flush();
    await recorder.close();
  });
  // For the process guards: a fatal error writes the pending evidence before the process exits.
  app.decorate('flushEvidence', async () => recorder.flush());

  const registers = [app.metricsRegistry];
  new Gauge({
    name: 'tongke_live_lessons',
    help: 'lessons live on this server',
    registers,
    collect() {
      this.set(registry.summaries().length);
    },
  });
  new Gauge({
    name: 'tongke_lesson_participants',
    help: 'participants in live lessons, by connection state',
    labelNames: ['connection'] as const,
    registers,
    collect() {
      const participants = registry.summaries().flatMap((s) => registry.live(s.courseId)?.lesson.participants ?? []);
      this.set({ connection: 'connected' }, participants.filter((p) => p.connection === 'connected').length);
      this.set({ connection: 'reconnecting' }, participants.filter((p) => p.connection === 'reconnecting').length);
    },
  });
  new Gauge({
    name: 'tongke_media_consumers',
    help: 'mediasoup consumers per worker',
    labelNames: ['worker'] as const,
    registers,
    collect() {
      for (const worker of media.workers) this.set({ worker: String(worker.index) }, worker.consumerCount);
    },
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes the pending evidence now (present when live lessons are served); false if the database refused. */
    flushEvidence?: () => Promise<boolean>;
  }
}
