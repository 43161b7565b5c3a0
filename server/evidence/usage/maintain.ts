import type { TongkeDb } from '../../db/store.js';
import { computeLessonRollup } from './lesson-rollup.js';
import { RollupRepository } from './rollup-repository.js';
import { refreshLessonLinkHealth } from '../link-health/maintain.js';

/**
 * Recomputes the usage roll-up rows of one lesson session from its evidence and replaces the ones it had,
 * in one transaction: calling it twice, or again after late evidence arrives, gives the same rows. The
 * capture side calls it after a lesson's final flush. Lessons whose raw evidence the retention job has
 * purged are left as they are (their roll-ups are all that remains).
 */
export async function refreshLessonRollups(db: TongkeDb, lessonSessionId: number): Promise<void> {
  const repo = new RollupRepository(db);
  await repo.transaction(async () => refreshIn(db, repo, lessonSessionId, await repo.purgedBefore()));
}

export interface RollupRange {
  /** Lessons that started at or after this instant (default: all). */
  from?: Date;
  /** …and before this one (default: all). */
  to?: Date;
}

/**
 * Recomputes the roll-ups of every lesson that started in the range (one transaction per lesson, so a long
 * rebuild never holds the database for long). Lessons older than the last retention purge are skipped:
 * their evidence is gone and their roll-ups are kept. Returns how many lessons were rolled up.
 */
export async function rebuildRollups(db: TongkeDb, range: RollupRange = {}): Promise<number> {
  const repo = new RollupRepository(db);
  const purgedBefore = await repo.purgedBefore();
  const from = purgedBefore && (!range.from || range.from < purgedBefore) ? purgedBefore : range.from;
  const ids = await repo.lessonIdsStartedBetween(from, range.to);
  for (const id of ids) await repo.transaction(() => refreshIn(db, repo, id, purgedBefore));
  return ids.length;
}

async function refreshIn(db: TongkeDb, repo: RollupRepository, lessonSessionId: number, purgedBefore: Date | null): Promise<void> {
  const evidence = await repo.lessonEvidence(lessonSessionId);
  if (evidence && purgedBefore && evidence.lesson.startedAt < purgedBefore.getTime()) return;
  await repo.replaceLessonRollup(lessonSessionId, evidence ? computeLessonRollup(evidence) : null);
  // Issue #15: the lesson's link health per receiving classroom, from the same evidence.
  if (evidence) await refreshLessonLinkHealth(db, lessonSessionId);
}

/**
 * Makes the week roll-ups count delivered lessons from `deliveredSeconds` (the configured threshold): when
 * they were built with another one, or never (a new store, or one from before they existed), they are
 * rebuilt from usage_site_days in one transaction — seconds at county scale, no evidence read. Until then
 * reports read usage_site_days. Returns whether it rebuilt.
 */
export async function ensureWeekRollups(db: TongkeDb, deliveredSeconds: number): Promise<boolean> {
  const repo = new RollupRepository(db);
  return repo.transaction(async () => {
    if ((await repo.weeksCountedWith()) === deliveredSeconds) return false;
    await repo.rebuildWeeks(deliveredSeconds);
    return true;
  });
}
