import type { MyLessons, MyLessonsQuery, ScheduledLessonView, Timetable, TimetableSlot } from '../../shared/api/teaching.js';
import { shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { notFound } from '../core/errors.js';
import type { Access } from '../core/access.js';
import { invalidField, rangeTooLong } from '../core/constraints.js';
import type { Places } from '../organisation/places.js';
import { expandTimetable, type SchoolCalendar } from './schedule.js';
import type { CourseRow, TeachingRepository, TermRow } from './repository.js';

/** The longest window GET /api/me/lessons answers (two months of timetable). */
export const MAX_LESSON_WINDOW_DAYS = 62;

type MyPart = ScheduledLessonView['myPart'];

/**
 * Timetables and the scheduled lessons they expand to: replacing a course's weekly slots, keeping its
 * planned lessons in step with its timetable, term and active state, and "my lessons" for whoever is
 * signed in.
 */
export class LessonPlanner {
  constructor(
    private readonly repo: TeachingRepository,
    private readonly places: Places,
  ) {}

  /** The course's weekly slots, by weekday and time. */
  async timetable(courseId: number): Promise<Timetable> {
    return { slots: (await this.repo.slotsOf(courseId)).map(({ id, weekday, period, startsAt, endsAt }) => ({ id, weekday, period, startsAt, endsAt })) };
  }

  /**
   * Replaces the course's weekly slots and re-plans its lessons from today (Shanghai) on, in one
   * transaction. Lessons before today, cancelled ones and ones already held stay as they are.
   */
  async replaceTimetable(courseId: number, slots: readonly TimetableSlot[], now = new Date()): Promise<Timetable> {
    checkSlots(slots);
    const course = await this.repo.course(courseId);
    if (!course) throw notFound();
    const term = await this.repo.term(course.termId);
    if (!term) throw notFound();
    await this.repo.transaction(async () => {
      await this.repo.deletePlannedLessons(courseId, shanghaiInstant(shanghaiDate(now)));
      await this.repo.replaceSlots(courseId, slots);
      await this.reschedule(course, term, now);
    });
    return this.timetable(courseId);
  }

  /**
   * Makes the course's planned lessons from today on match its timetable, term and active state (an
   * inactive course has none). Call inside a transaction.
   */
  async reschedule(course: CourseRow, term: TermRow, now = new Date()): Promise<void> {
    const today = shanghaiDate(now);
    const from = shanghaiInstant(today);
    await this.repo.deletePlannedLessons(course.id, from);
    if (!course.active) return;
    // A cancelled or already-held lesson at the same time stands for that slot; do not plan it twice.
    const kept = await this.repo.keptLessonStarts(course.id, from);
    const calendar = await this.calendar(term.regionId, today, term.endsOn);
    const lessons = expandTimetable(await this.repo.slotsOf(course.id), term, today, calendar).filter((l) => !kept.has(l.startsAt.getTime()));
    await this.repo.insertLessons(course.id, lessons);
  }

  /** The region's holidays and make-up working days between two dates, as the timetable expansion reads them. */
  async calendar(regionId: number, fromDate: string, toDate: string): Promise<SchoolCalendar> {
    const days = await this.repo.calendarDaysBetween(regionId, fromDate, toDate);
    return {
      holidays: days.filter((d) => d.kind === 'holiday'),
      workdays: new Map(days.flatMap((d) => (d.kind === 'workday' && d.followsWeekday !== null ? [[d.startsOn, d.followsWeekday] as const] : []))),
    };
  }

  /**
   * The caller's lessons starting in [from, to): courses she leads, assists a receiving classroom of, whose
   * receiving classroom she is signed in as, or is enrolled in — as far as the policy lets her read them
   * (a student-link session reaches only its course). At most 62 days.
   */
  async myLessons(query: MyLessonsQuery, access: Access): Promise<MyLessons> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(from < to)) throw invalidField('/to', 'must be after from');
    if (to.getTime() - from.getTime() > MAX_LESSON_WINDOW_DAYS * 86_400_000) throw rangeTooLong('/to', MAX_LESSON_WINDOW_DAYS);

    const { principal } = access;
    const myClassroomIds = principal.grants.flatMap((g) => (g.classroomId === null ? [] : [g.classroomId]));
    const facts = await this.places.courses(await this.repo.courseIdsOfParticipant(principal.userId, myClassroomIds));
    const parts = new Map<number, MyPart>();
    for (const course of facts) {
      if (!access.can('course.read', { kind: 'course', course })) continue;
      const part: MyPart | null =
        course.leadTeacherId === principal.userId
          ? 'lead_teacher'
          : course.receivers.some((r) => r.assistantTeacherId === principal.userId)
            ? 'assistant_teacher'
            : course.receivers.some((r) => r.place.classroomId !== null && myClassroomIds.includes(r.place.classroomId))
              ? 'receiving_classroom'
              : course.studentIds.includes(principal.userId)
                ? 'student'
                : null;
      if (part) parts.set(course.id, part);
    }

    const courseRows = new Map((await this.repo.courses({ ids: [...parts.keys()] })).filter((c) => c.active).map((c) => [c.id, c]));
    const courseIds = [...courseRows.keys()];
    const receivers = await this.repo.receiversOf(courseIds);
    const teacherNames = await this.repo.displayNames([...new Set([...courseRows.values()].map((c) => c.leadTeacherId))]);
    const schoolNames = await this.repo.schoolNames([...new Set([...courseRows.values()].map((c) => c.schoolId))]);
    const lessons = (await this.repo.lessonsBetween(courseIds, from, to)).flatMap((lesson): ScheduledLessonView[] => {
      const course = courseRows.get(lesson.courseId);
      const myPart = parts.get(lesson.courseId);
      if (!course || !myPart) return [];
      return [
        {
          id: lesson.id,
          courseId: course.id,
          courseName: course.name,
          subject: course.subject,
          kind: course.kind,
          grade: course.grade,
          leadTeacherName: teacherNames.get(course.leadTeacherId) ?? '',
          hostSchoolName: schoolNames.get(course.schoolId) ?? '',
          startsAt: lesson.startsAt.toISOString(),
          endsAt: lesson.endsAt.toISOString(),
          status: lesson.status,
          adHoc: lesson.adHoc,
          movedFrom: lesson.movedFrom?.toISOString() ?? null,
          changeReason: lesson.changeReason,
          myPart,
          receivingClassrooms: receivers
            .filter((r) => r.courseId === course.id)
            .map((r) => ({ classroomId: r.classroomId, name: r.classroomName, schoolName: r.schoolName })),
        },
      ];
    });
    return { lessons };
  }
}

/** Each slot ends after it starts; no two slots share a weekday's period or overlap in time. */
function checkSlots(slots: readonly TimetableSlot[]): void {
  slots.forEach((slot, i) => {
    if (slot.endsAt <= slot.startsAt) throw invalidField(`/slots/${i}/endsAt`, 'must be after startsAt');
    const clash = slots.findIndex(
      (other, j) => j < i && other.weekday === slot.weekday && (other.period === slot.period || (other.startsAt < slot.endsAt && slot.startsAt < other.endsAt)),
    );
    if (clash !== -1) throw invalidField(`/slots/${i}`, `clashes with slot ${clash} on the same weekday`);
  });
}
