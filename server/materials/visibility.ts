import type { MaterialShown } from '../../shared/api/materials.js';

export interface MaterialTiming {
  shown: MaterialShown;
  beforeHours: number;
}

export interface LessonTimes {
  startsAt: Date;
  endsAt: Date;
}

/** When sites see a material: from `beforeHours` before the lesson (or its start, for `after`), until it ends (`before` only) or for good. */
export function visibilityWindow(material: MaterialTiming, lesson: LessonTimes): { from: Date; until: Date | null } {
  const from = material.shown === 'after' ? lesson.startsAt : new Date(lesson.startsAt.getTime() - material.beforeHours * 3_600_000);
  // A preparation item is still there during the lesson (the class may use it), not afterwards.
  const until = material.shown === 'before' ? lesson.endsAt : null;
  return { from, until };
}

/** Whether a site may see (and open) the material at `now`. The window is half-open: [from, until). */
export function visibleAt(material: MaterialTiming, lesson: LessonTimes, now: Date): boolean {
  const { from, until } = visibilityWindow(material, lesson);
  return from <= now && (until === null || now < until);
}
