import type { ScheduledLessonView } from '../../shared/api/teaching.js';
import type { LiveLessons } from '../../shared/api/lessons.js';
import { shanghaiDate } from '../../shared/time.js';
import { ApiError } from './api.js';
import type { TongkeApi } from './endpoints.js';

/** How often home pages ask which lessons are live. */
export const LIVE_POLL_MS = 10_000;

/**
 * Which of my courses have a lesson running right now (GET /api/lessons/live), kept fresh while a home
 * page shows it. A lesson the teacher started early or ad hoc can be joined at once, whatever the
 * timetable says. A failed poll keeps the last answer.
 */
export class LiveLessonsManager {
  #courseIds = $state.raw<ReadonlySet<number>>(new Set());
  #broadcasts = $state.raw<LiveLessons['broadcasts']>([]);
  #loaded = false;
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  isLive(courseId: number): boolean {
    return this.#courseIds.has(courseId);
  }

  get courseIds(): ReadonlySet<number> {
    return this.#courseIds;
  }

  /** Broadcasts (直播) of other courses she may watch now, on their light page. */
  get broadcasts(): LiveLessons['broadcasts'] {
    return this.#broadcasts;
  }

  /** Asks which courses are live; resolves true when that set changed since an earlier answer. */
  async load(): Promise<boolean> {
    try {
      const { lessons, broadcasts } = await this.#api.liveLessons();
      const sessions = (list: LiveLessons['broadcasts']) => list.map((b) => b.lessonSessionId).join();
      if (sessions(broadcasts) !== sessions(this.#broadcasts)) this.#broadcasts = broadcasts;
      const courseIds = new Set(lessons.map((lesson) => lesson.courseId));
      const differs = courseIds.size !== this.#courseIds.size || [...courseIds].some((id) => !this.#courseIds.has(id));
      // The same answer keeps the same set, so pages deriving from it do not re-run every poll.
      if (differs) this.#courseIds = courseIds;
      const changed = this.#loaded && differs;
      this.#loaded = true;
      return changed;
    } catch (error) {
      if (!(error instanceof ApiError)) console.error('asking which lessons are live failed', error);
      return false;
    }
  }

  /**
   * Polls every `intervalMs`; `onChange` runs when a lesson goes live or ends after the first answer (a
   * page reloads its lesson list then: a lesson started, moved or cancelled elsewhere shows without a
   * reload). Returns the function that stops it.
   */
  keepFresh(intervalMs = LIVE_POLL_MS, onChange?: () => void): () => void {
    let timer = 0;
    let stopped = false;
    const tick = async () => {
      if ((await this.load()) && !stopped) onChange?.();
      if (!stopped) timer = window.setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }
}

/**
 * The timetabled lesson that stands for each live course on a list: the course's lesson of today nearest
 * to now (a teacher may start early or run over), else its next one. Returns those lessons' ids.
 */
export function liveLessonIds(lessons: readonly ScheduledLessonView[], live: ReadonlySet<number>, now: number): Set<number> {
  const today = shanghaiDate(new Date(now));
  const ids = new Set<number>();
  for (const courseId of live) {
    const ofCourse = lessons.filter((lesson) => lesson.courseId === courseId && lesson.status !== 'cancelled');
    const distance = (lesson: ScheduledLessonView) => Math.abs(Date.parse(lesson.startsAt) - now);
    const todays = ofCourse.filter((lesson) => shanghaiDate(new Date(lesson.startsAt)) === today).sort((a, b) => distance(a) - distance(b));
    const pick = todays[0] ?? ofCourse.find((lesson) => Date.parse(lesson.endsAt) > now);
    if (pick) ids.add(pick.id);
  }
  return ids;
}
