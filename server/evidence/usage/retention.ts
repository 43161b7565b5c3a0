import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { TongkeApp } from '../../core/app-types.js';
import type { TongkeDb } from '../../db/store.js';
import { computeLessonRollup } from './lesson-rollup.js';
import { RollupRepository } from './rollup-repository.js';
import { ViewingRepository } from '../../recordings/viewing/repository.js';
import { keepLinkHealthBeforePurge } from '../link-health/maintain.js';
import { OncePerCluster } from '../../cluster/once-per-cluster.js';

const DAY_MS = 86_400_000;

export interface PurgeResult {
  cutoff: Date;
  lessons: number;
  deletedRows: number;
}

/**
 * Deletes the raw evidence (attendance, media states, participation, quality samples) of ended lessons that
 * started more than `retentionDays` ago, and recording viewings last reported before then, keeping their usage
 * roll-ups (recording_view_days) — a lesson not rolled up yet is rolled
 * up first. Only lessons since the previous run's cutoff are visited; each lesson is its own short
 * transaction and the event loop gets a turn between lessons. 0 days keeps everything (returns null).
 */
export async function purgeExpiredEvidence(db: TongkeDb, retentionDays: number, now = new Date()): Promise<PurgeResult | null> {
  if (retentionDays <= 0) return null;
  const repo = new RollupRepository(db);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const previous = await repo.purgedBefore();
  const lessons = await repo.endedLessonsStartedBetween(previous, cutoff);
  let deletedRows = 0;
  for (const id of lessons) {
    deletedRows += await repo.transaction(async () => {
      if (!(await repo.hasRollup(id))) {
        const evidence = await repo.lessonEvidence(id);
        if (evidence) await repo.replaceLessonRollup(id, computeLessonRollup(evidence));
      }
      await keepLinkHealthBeforePurge(db, id);
      return repo.deleteEvidence(id);
    });
    await yieldToEventLoop();
  }
  // Viewings of recordings are rolled up by day as each report arrives: the raw sessions can go at once.
  deletedRows += await new ViewingRepository(db).purgeReportedBefore(cutoff);
  await repo.recordPurge(now, cutoff, deletedRows);
  return { cutoff, lessons: lessons.length, deletedRows };
}

/** Runs the retention job a minute after start and then daily, while the app is up (nothing when retention is off). */
export function scheduleEvidenceRetention(app: TongkeApp, db: TongkeDb, retentionDays: number): void {
  if (retentionDays <= 0) return;
  const log = app.log.child({ component: 'evidence-retention' });
  // With several nodes, one at a time purges (two purges of one lesson would race in its transaction), and once
  // per Shanghai day: every node's timer fires daily, the first one each day purges.
  const once = new OncePerCluster(app.tongke.redis);
  const run = () => {
    once
      .runDaily('evidence-retention', new Date(), async () => {
        const result = await purgeExpiredEvidence(db, retentionDays);
        if (result) log.info({ cutoff: result.cutoff.toISOString(), lessons: result.lessons, deletedRows: result.deletedRows }, 'purged expired lesson evidence');
      })
      .catch((error: unknown) => log.error({ err: error }, 'purging expired lesson evidence failed'));
  };
  const timers: NodeJS.Timeout[] = [];
  app.addHook('onReady', async () => {
    timers.push(setTimeout(run, 60_000).unref(), setInterval(run, DAY_MS).unref());
  });
  app.addHook('onClose', async () => {
    for (const timer of timers) clearTimeout(timer);
  });
}
