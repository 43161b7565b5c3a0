import type { ScheduledLessonView } from '../../shared/api/teaching.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { ApiError } from './api.js';
import type { TongkeApi } from './endpoints.js';

export type LessonPart = ScheduledLessonView['myPart'];

/**
 * How often home pages re-read their lessons: a lesson moved or cancelled (调课/停课) reaches the
 * classrooms and students within this, without a reload. One small query per home.
 */
export const LESSONS_POLL_MS = 15_000;

/** A lesson can be started or joined from this long before it begins. */
export const JOIN_OPENS_BEFORE_MS = 15 * 60_000;

/**
 * Where a lesson stands at `now`: `waiting` (too early to enter), `open` (within 15 minutes of the start),
 * `live` (running), `ended`, or `cancelled`.
 */
export type LessonPhase = 'waiting' | 'open' | 'live' | 'ended' | 'cancelled';

export function lessonPhase(lesson: ScheduledLessonView, now: number): LessonPhase {
  if (lesson.status === 'cancelled') return 'cancelled';
  const start = Date.parse(lesson.startsAt);
  const end = Date.parse(lesson.endsAt);
  if (now >= end) return 'ended';
  if (now >= start) return 'live';
  return now >= start - JOIN_OPENS_BEFORE_MS ? 'open' : 'waiting';
}

export function joinOpensAt(lesson: ScheduledLessonView): Date {
  return new Date(Date.parse(lesson.startsAt) - JOIN_OPENS_BEFORE_MS);
}

/** Whole days plus "hh:mm:ss" until an instant (never negative). */
export function countdown(ms: number): { days: number; clock: string } {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const two = (n: number) => String(n).padStart(2, '0');
  return { days, clock: `${two(Math.floor((total % 86_400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}` };
}

export interface LessonDay {
  /** Shanghai calendar date, "YYYY-MM-DD". */
  date: string;
  lessons: ScheduledLessonView[];
}

export interface MyLessonsOptions {
  /** Only lessons I take part in this way (a teacher who also assists sees each list in its own view). */
  part: LessonPart;
  /** How many days after today to fetch. */
  days: number;
  /** Student-link sessions see this course only. */
  courseOnly: number | null;
}

/**
 * The signed-in user's timetabled lessons from the start of today (Asia/Shanghai) for some days. A failed
 * refresh keeps the lessons already shown, so a flaky link in a village school does not blank the screen.
 */
export class MyLessonsManager {
  #all = $state<ScheduledLessonView[]>([]);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  #fetchedAt = $state<number | null>(null);
  readonly #api: TongkeApi;
  readonly #options: MyLessonsOptions;

  constructor(api: TongkeApi, options: MyLessonsOptions) {
    this.#api = api;
    this.#options = options;
  }

  get lessons(): ScheduledLessonView[] {
    const { part, courseOnly } = this.#options;
    return this.#all
      .filter((lesson) => lesson.myPart === part && (courseOnly === null || lesson.courseId === courseOnly))
      .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }
  /** When the lessons shown were fetched; null before the first success. */
  get fetchedAt(): number | null {
    return this.#fetchedAt;
  }

  async load(): Promise<void> {
    const today = shanghaiDate(new Date());
    this.#loading = true;
    try {
      const { lessons } = await this.#api.myLessons(shanghaiInstant(today), shanghaiInstant(addDays(today, this.#options.days + 1)));
      this.#all = lessons;
      this.#fetchedAt = Date.now();
      this.#error = null;
    } catch (error) {
      this.#error = error instanceof ApiError ? error : new ApiError(0, 'internal', String(error));
      if (!(error instanceof ApiError)) console.error('loading my lessons failed', error);
    } finally {
      this.#loading = false;
    }
  }

  /** Reloads every `intervalMs` (sooner after a failure); returns the function that stops it. */
  keepFresh(intervalMs: number, retryMs = 30_000): () => void {
    let timer = 0;
    let stopped = false;
    const tick = async () => {
      await this.load();
      if (!stopped) timer = window.setTimeout(tick, this.#error ? retryMs : intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }

  /** Today's lessons (Shanghai calendar), with any lesson live now whatever its timetabled day. */
  today(now: number, liveIds: ReadonlySet<number> = new Set()): ScheduledLessonView[] {
    return lessonDays(this.lessons, now, liveIds).today;
  }

  /** Lessons after today, by day (a lesson live now is under today, not its timetabled day). */
  laterDays(now: number, liveIds: ReadonlySet<number> = new Set()): LessonDay[] {
    return lessonDays(this.lessons, now, liveIds).later;
  }

  /** The lesson running now, else the next one to start; cancelled lessons are skipped. */
  next(now: number): ScheduledLessonView | null {
    return this.lessons.find((lesson) => lesson.status !== 'cancelled' && Date.parse(lesson.endsAt) > now) ?? null;
  }
}

/**
 * Splits lessons (by start) into today's and later days' (Shanghai calendar). A lesson the teacher is
 * giving now belongs to today even when the timetable had it on another day: started on a Sunday, the
 * Monday lesson it stands for must not be listed under Monday as running.
 */
export function lessonDays(lessons: readonly ScheduledLessonView[], now: number, liveIds: ReadonlySet<number>): { today: ScheduledLessonView[]; later: LessonDay[] } {
  const todayDate = shanghaiDate(new Date(now));
  const today: ScheduledLessonView[] = [];
  const days = new Map<string, ScheduledLessonView[]>();
  for (const lesson of lessons) {
    const date = shanghaiDate(new Date(lesson.startsAt));
    if (date === todayDate || liveIds.has(lesson.id)) today.push(lesson);
    else if (date > todayDate) days.set(date, [...(days.get(date) ?? []), lesson]);
  }
  return { today, later: [...days].map(([date, lessons]) => ({ date, lessons })) };
}
