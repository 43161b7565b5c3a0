import type { TongkeDb } from '../../db/store.js';
import { LinkHealthRepository } from './repository.js';
import { computeLinkHealth } from './rollup.js';

/**
 * Recomputes one lesson's link health rows from its quality samples and replaces the ones it had (inside the
 * caller's transaction, or its own). Kept per lesson, like the usage roll-ups, rather than rebuilt per day:
 * a lesson's samples are complete when it is finalised, so its rows never change after, and the retention job
 * purges evidence lesson by lesson — a day rebuilt from raw evidence would lose the lessons of that day whose
 * samples had already gone.
 */
export async function refreshLessonLinkHealth(db: TongkeDb, lessonSessionId: number): Promise<void> {
  const repo = new LinkHealthRepository(db);
  await repo.transaction(async () => {
    const samples = await repo.lessonSamples(lessonSessionId);
    const places = await repo.places.classroomPlaces([...new Set(samples.map((s) => s.classroomId))]);
    await repo.replaceLesson(lessonSessionId, computeLinkHealth(samples, places));
  });
}

/**
 * Before the retention job deletes a lesson's quality samples: rolls it up if it never was (a lesson the
 * server went down in the middle of finalising). A lesson already rolled up keeps its rows untouched.
 */
export async function keepLinkHealthBeforePurge(db: TongkeDb, lessonSessionId: number): Promise<void> {
  if (await new LinkHealthRepository(db).hasLesson(lessonSessionId)) return;
  await refreshLessonLinkHealth(db, lessonSessionId);
}
