import type { AdHocLessonCreate, CalendarDay, CalendarDayCreate, LessonCancel, LessonMove } from '../../shared/api/teaching.js';
import { addDays, isoWeekday, shanghaiDate, shanghaiInstant, shanghaiTime } from '../../shared/time.js';
import { ApiError, notFound } from '../core/errors.js';
import { invalidField, isCalendarDate } from '../core/constraints.js';
import type { LessonPlanner } from './lessons.js';
import type { CalendarDayRow, ScheduledLessonRow, TeachingRepository } from './repository.js';

/** A moved lesson lands at most this far from today (a term's reach), so a typo in the year is refused. */
const MAX_MOVE_DAYS = 200;
/** A holiday longer than this is a typo (the summer holiday is not a calendar exception: terms end). */
const MAX_HOLIDAY_DAYS = 31;

const calendarDayView = (d: CalendarDayRow): CalendarDay => ({
  id: d.id,
  regionId: d.regionId,
  kind: d.kind,
  name: d.name,
  startsOn: d.startsOn,
  endsOn: d.endsOn,
  followsWeekday: d.followsWeekday,
});

/**
 * What schools do to the timetable every week, stored as exceptions the timetable expansion leaves alone:
 * 调课 (move one lesson), 停课 (cancel one, with a reason), 临时上课 (a lesson of the course now), and the
 * region's holiday / make-up working day calendar (which re-plans the region's courses). Callers authorize
 * (`course.reschedule` on the lesson's course, `term.manage` on the region) before calling.
 */
export class LessonChanges {
  constructor(
    private readonly repo: TeachingRepository,
    private readonly planner: LessonPlanner,
  ) {}

  /** The course a scheduled lesson belongs to (`not_found` when there is no such lesson). */
  async courseOf(scheduledLessonId: number): Promise<number> {
    const lesson = await this.repo.scheduledLesson(scheduledLessonId);
    if (!lesson) throw notFound();
    return lesson.courseId;
  }

  /** 调课: the lesson takes place at another Shanghai date and time; it keeps its identity and remembers where it was. */
  async move(id: number, body: LessonMove, now = new Date()): Promise<void> {
    const lesson = await this.#changeable(id);
    if (!isCalendarDate(body.date)) throw invalidField('/date', 'not a calendar date');
    if (body.endsAt <= body.startsAt) throw invalidField('/endsAt', 'must be after startsAt');
    const startsAt = shanghaiInstant(body.date, body.startsAt);
    const endsAt = shanghaiInstant(body.date, body.endsAt);
    if (endsAt <= now) throw invalidField('/date', 'must not be in the past');
    if (body.date > addDays(shanghaiDate(now), MAX_MOVE_DAYS)) throw invalidField('/date', `at most ${MAX_MOVE_DAYS} days ahead`);
    await this.repo.transaction(async () => {
      await this.#noClash(lesson.courseId, startsAt, endsAt, id);
      const reason = body.reason?.trim();
      await this.repo.updateScheduledLesson(id, { startsAt, endsAt, movedFrom: lesson.movedFrom ?? lesson.startsAt, changeReason: reason ? reason : null });
    });
  }

  /** 停课: the lesson will not take place; it stays listed as cancelled with the reason. */
  async cancel(id: number, body: LessonCancel): Promise<void> {
    await this.#changeable(id);
    const reason = body.reason.trim();
    if (reason === '') throw invalidField('/reason', 'must not be blank');
    await this.repo.updateScheduledLesson(id, { status: 'cancelled', changeReason: reason });
  }

  /**
   * 临时上课: a lesson of the course from now on, outside the timetable, for the teacher to start at once.
   * When a lesson of the course already falls in that time (the slot is now, or about to come), that is
   * the lesson she means: it is returned rather than a second one made beside it.
   */
  async addAdHoc(courseId: number, body: AdHocLessonCreate, now = new Date()): Promise<{ id: number; created: boolean }> {
    const course = await this.repo.course(courseId);
    if (!course) throw notFound();
    if (!course.active) throw invalidField('/courseId', 'the course is deactivated');
    // Whole minutes, so that the lesson lists show the times the teacher expects.
    const startsAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const endsAt = new Date(startsAt.getTime() + body.minutes * 60_000);
    return this.repo.transaction(async () => {
      const [current] = await this.repo.overlappingLessons(courseId, startsAt, endsAt);
      if (current) return { id: current.id, created: false };
      return { id: (await this.repo.insertAdHocLesson(courseId, startsAt, endsAt)).id, created: true };
    });
  }

  // ---- The region's calendar ----

  async calendar(regionId: number): Promise<CalendarDay[]> {
    return (await this.repo.calendarDays(regionId)).map(calendarDayView);
  }

  /** The region a calendar entry belongs to (`not_found` when there is none). */
  async regionOfCalendarDay(id: number): Promise<number> {
    const day = await this.repo.calendarDay(id);
    if (!day) throw notFound();
    return day.regionId;
  }

  /** Adds a holiday or a make-up working day and re-plans the region's courses from today on. */
  async addCalendarDay(regionId: number, body: CalendarDayCreate, now = new Date()): Promise<CalendarDay> {
    if (!(await this.repo.region(regionId))) throw notFound();
    const entry = checkCalendarDay(body);
    return this.repo.transaction(async () => {
      const overlapping = await this.repo.calendarDaysBetween(regionId, entry.startsOn, entry.endsOn);
      if (overlapping.length > 0) throw new ApiError('conflict', {}, { field: 'startsOn', with: overlapping[0]!.name });
      const row = await this.repo.insertCalendarDay({ regionId, ...entry });
      await this.#replanRegion(regionId, now);
      return calendarDayView(row);
    });
  }

  async deleteCalendarDay(id: number, now = new Date()): Promise<void> {
    const day = await this.repo.calendarDay(id);
    if (!day) throw notFound();
    await this.repo.transaction(async () => {
      await this.repo.deleteCalendarDay(id);
      await this.#replanRegion(day.regionId, now);
    });
  }

  async #replanRegion(regionId: number, now: Date): Promise<void> {
    for (const course of await this.repo.activeCoursesOfRegion(regionId)) {
      const term = await this.repo.term(course.termId);
      if (term) await this.planner.reschedule(course, term, now);
    }
  }

  /** A lesson that may still change: it exists, is not cancelled, and no session was held for it. */
  async #changeable(id: number): Promise<ScheduledLessonRow> {
    const lesson = await this.repo.scheduledLesson(id);
    if (!lesson) throw notFound();
    if (lesson.status === 'cancelled') throw invalidField('/id', 'the lesson is already cancelled');
    if (await this.repo.lessonHeld(id)) throw new ApiError('lesson_already_held');
    return lesson;
  }

  async #noClash(courseId: number, startsAt: Date, endsAt: Date, exceptId?: number): Promise<void> {
    const [clash] = await this.repo.overlappingLessons(courseId, startsAt, endsAt, exceptId);
    if (clash) throw new ApiError('lesson_clash', { time: `${shanghaiDate(clash.startsAt)} ${shanghaiTime(clash.startsAt)}` });
  }
}

/** Real dates in order; a holiday at most a month; a workday is one date, named after the weekday it follows. */
function checkCalendarDay(body: CalendarDayCreate): Omit<CalendarDayRow, 'id' | 'regionId'> {
  if (!isCalendarDate(body.startsOn)) throw invalidField('/startsOn', 'not a calendar date');
  if (!isCalendarDate(body.endsOn)) throw invalidField('/endsOn', 'not a calendar date');
  if (body.endsOn < body.startsOn) throw invalidField('/endsOn', 'must not be before startsOn');
  const name = body.name.trim();
  if (body.kind === 'holiday') {
    if (body.followsWeekday !== undefined) throw invalidField('/followsWeekday', 'only a make-up working day follows a weekday');
    if (Date.parse(body.endsOn) - Date.parse(body.startsOn) >= MAX_HOLIDAY_DAYS * 86_400_000) throw invalidField('/endsOn', `a holiday lasts at most ${MAX_HOLIDAY_DAYS} days`);
    return { kind: 'holiday', name, startsOn: body.startsOn, endsOn: body.endsOn, followsWeekday: null };
  }
  if (body.followsWeekday === undefined) throw invalidField('/followsWeekday', 'say which weekday’s timetable the day follows');
  if (body.endsOn !== body.startsOn) throw invalidField('/endsOn', 'a make-up working day is one date');
  if (isoWeekday(body.startsOn) <= 5) throw invalidField('/startsOn', 'a make-up working day is a Saturday or Sunday');
  return { kind: 'workday', name, startsOn: body.startsOn, endsOn: body.startsOn, followsWeekday: body.followsWeekday };
}
