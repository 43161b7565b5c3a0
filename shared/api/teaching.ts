import { Type, type Static } from 'typebox';
import { LESSON_KINDS, SUBJECTS } from '../subjects.js';
import { Name, RowId } from './common.js';

const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const WallTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

// ---- Terms ----
export const Term = Type.Object({ id: Type.Integer(), regionId: Type.Integer(), name: Type.String(), startsOn: DateOnly, endsOn: DateOnly });
export type Term = Static<typeof Term>;
export const TermCreate = Type.Object({ regionId: RowId, name: Name(), startsOn: DateOnly, endsOn: DateOnly }, { additionalProperties: false });
export type TermCreate = Static<typeof TermCreate>;
export const TermUpdate = Type.Partial(Type.Object({ name: Name(), startsOn: DateOnly, endsOn: DateOnly }), { additionalProperties: false });
export type TermUpdate = Static<typeof TermUpdate>;
export const TermListQuery = Type.Object({ regionId: Type.Optional(RowId) });
export type TermListQuery = Static<typeof TermListQuery>;

// ---- Courses ----
export const CourseReceiver = Type.Object({
  classroomId: RowId,
  assistantTeacherId: Type.Union([RowId, Type.Null()]),
  expectedStudents: Type.Integer({ minimum: 0, maximum: 200 }),
});
export type CourseReceiver = Static<typeof CourseReceiver>;

export const Course = Type.Object({
  id: Type.Integer(),
  termId: Type.Integer(),
  schoolId: Type.Integer(),
  name: Type.String(),
  subject: Type.Enum(SUBJECTS),
  grade: Type.Integer(),
  kind: Type.Enum(LESSON_KINDS),
  leadTeacherId: Type.Integer(),
  leadTeacherName: Type.String(),
  hostClassroomId: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
  receivers: Type.Array(
    Type.Object({
      classroomId: Type.Integer(),
      classroomName: Type.String(),
      schoolId: Type.Integer(),
      schoolName: Type.String(),
      assistantTeacherId: Type.Union([Type.Integer(), Type.Null()]),
      assistantTeacherName: Type.Union([Type.String(), Type.Null()]),
      expectedStudents: Type.Integer(),
    }),
  ),
  studentIds: Type.Array(Type.Integer()),
});
export type Course = Static<typeof Course>;

const CourseFields = {
  termId: RowId,
  schoolId: RowId,
  name: Name(),
  subject: Type.Enum(SUBJECTS),
  grade: Type.Integer({ minimum: 1, maximum: 9 }),
  kind: Type.Enum(LESSON_KINDS),
  leadTeacherId: RowId,
  hostClassroomId: Type.Union([RowId, Type.Null()]),
  receivers: Type.Array(CourseReceiver, { maxItems: 50 }),
  studentIds: Type.Array(RowId, { maxItems: 500 }),
};
export const CourseCreate = Type.Object(CourseFields, { additionalProperties: false });
export type CourseCreate = Static<typeof CourseCreate>;
export const CourseUpdate = Type.Partial(Type.Object({ ...CourseFields, active: Type.Boolean() }), { additionalProperties: false });
export type CourseUpdate = Static<typeof CourseUpdate>;
export const CourseListQuery = Type.Object({
  termId: Type.Optional(RowId),
  schoolId: Type.Optional(RowId),
});
export type CourseListQuery = Static<typeof CourseListQuery>;

// ---- Timetable ----
/** A weekly slot; times are Asia/Shanghai wall clock. weekday 1 = Monday … 7 = Sunday. */
export const TimetableSlot = Type.Object(
  { weekday: Type.Integer({ minimum: 1, maximum: 7 }), period: Type.Integer({ minimum: 1, maximum: 12 }), startsAt: WallTime, endsAt: WallTime },
  { additionalProperties: false },
);
export type TimetableSlot = Static<typeof TimetableSlot>;
/** PUT /api/courses/:id/timetable replaces the slots and re-expands future scheduled lessons of the term. */
export const TimetableBody = Type.Object({ slots: Type.Array(TimetableSlot, { maxItems: 40 }) }, { additionalProperties: false });
export type TimetableBody = Static<typeof TimetableBody>;
export const Timetable = Type.Object({ slots: Type.Array(Type.Intersect([Type.Object({ id: Type.Integer() }), TimetableSlot])) });
export type Timetable = Static<typeof Timetable>;

// ---- Scheduled lessons, as a signed-in user sees them ----
/** GET /api/me/lessons?from&to — the lessons of my courses in a time window (teacher, assistant, classroom, student). */
export const MyLessonsQuery = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
});
export type MyLessonsQuery = Static<typeof MyLessonsQuery>;
export const ScheduledLessonView = Type.Object({
  id: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  subject: Type.Enum(SUBJECTS),
  kind: Type.Enum(LESSON_KINDS),
  grade: Type.Integer(),
  leadTeacherName: Type.String(),
  hostSchoolName: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  status: Type.Enum(['scheduled', 'cancelled']),
  /** 临时上课: added on the spot, outside the timetable. */
  adHoc: Type.Boolean(),
  /** 调课: where the timetable had it before it was moved (null when it was not moved). */
  movedFrom: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Why it was moved or cancelled. */
  changeReason: Type.Union([Type.String(), Type.Null()]),
  /** How I take part: teaching it, receiving it in a classroom, as a student, or watching as an admin. */
  myPart: Type.Enum(['lead_teacher', 'assistant_teacher', 'receiving_classroom', 'student']),
  receivingClassrooms: Type.Array(Type.Object({ classroomId: Type.Integer(), name: Type.String(), schoolName: Type.String() })),
});
export type ScheduledLessonView = Static<typeof ScheduledLessonView>;
export const MyLessons = Type.Object({ lessons: Type.Array(ScheduledLessonView) });
export type MyLessons = Static<typeof MyLessons>;

// ---- Changing one lesson: 调课, 停课, 临时上课 ----
const Reason = Type.String({ minLength: 1, maxLength: 200 });
/** POST /api/scheduled-lessons/:id/move — 调课: the lesson takes place on another date/time (same course). */
export const LessonMove = Type.Object(
  { date: DateOnly, startsAt: WallTime, endsAt: WallTime, reason: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type LessonMove = Static<typeof LessonMove>;
/** POST /api/scheduled-lessons/:id/cancel — 停课, with the reason the classrooms and students will read. */
export const LessonCancel = Type.Object({ reason: Reason }, { additionalProperties: false });
export type LessonCancel = Static<typeof LessonCancel>;
/** POST /api/courses/:id/ad-hoc-lessons — 临时上课: a lesson of the course from now, lasting `minutes`. */
export const AdHocLessonCreate = Type.Object({ minutes: Type.Integer({ minimum: 10, maximum: 240 }) }, { additionalProperties: false });
export type AdHocLessonCreate = Static<typeof AdHocLessonCreate>;
/** The lesson to start: made now (`created`), or the course's lesson that already falls in that time. */
export const AdHocLesson = Type.Object({ id: Type.Integer(), created: Type.Boolean() });
export type AdHocLesson = Static<typeof AdHocLesson>;

// ---- The region's school calendar ----
/** 节假日 (holiday: a date range off) or 调休补课日 (workday: one date following another weekday's timetable). */
export const CalendarDay = Type.Object({
  id: Type.Integer(),
  regionId: Type.Integer(),
  kind: Type.Enum(['holiday', 'workday']),
  name: Type.String(),
  startsOn: DateOnly,
  endsOn: DateOnly,
  followsWeekday: Type.Union([Type.Integer(), Type.Null()]),
});
export type CalendarDay = Static<typeof CalendarDay>;
export const CalendarDays = Type.Object({ days: Type.Array(CalendarDay) });
export type CalendarDays = Static<typeof CalendarDays>;
/**
 * POST /api/regions/:id/calendar-days. A holiday covers startsOn…endsOn; a workday is one date
 * (endsOn = startsOn) and names the weekday (1 = Monday … 5 = Friday) whose timetable it follows.
 */
export const CalendarDayCreate = Type.Object(
  {
    kind: Type.Enum(['holiday', 'workday']),
    name: Name(),
    startsOn: DateOnly,
    endsOn: DateOnly,
    followsWeekday: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  },
  { additionalProperties: false },
);
export type CalendarDayCreate = Static<typeof CalendarDayCreate>;
