import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { LESSON_KINDS, SUBJECTS } from '../../../shared/subjects.js';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';

/** A school term of a region; dates are Asia/Shanghai calendar days (YYYY-MM-DD). */
export const terms = sqliteTable(
  'terms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    regionId: integer('region_id').notNull().references(() => regions.id),
    name: text('name').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
  },
  (t) => [index('terms_region_idx').on(t.regionId), uniqueIndex('terms_region_name_uq').on(t.regionId, t.name)],
);

/** A shared course: one lead teacher teaching from a host classroom to receiving classrooms and students. */
export const courses = sqliteTable(
  'courses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    termId: integer('term_id').notNull().references(() => terms.id),
    /** The school that hosts the course (usually the group's lead school). */
    schoolId: integer('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    subject: text('subject', { enum: SUBJECTS }).notNull(),
    grade: integer('grade').notNull(),
    kind: text('kind', { enum: LESSON_KINDS }).notNull(),
    leadTeacherId: integer('lead_teacher_id').notNull().references(() => users.id),
    hostClassroomId: integer('host_classroom_id').references(() => classrooms.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('courses_term_idx').on(t.termId), index('courses_school_idx').on(t.schoolId), index('courses_teacher_idx').on(t.leadTeacherId)],
);

/** Receiving classrooms of a course, each run on site by an assistant teacher. */
export const courseReceivers = sqliteTable(
  'course_receivers',
  {
    courseId: integer('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    classroomId: integer('classroom_id').notNull().references(() => classrooms.id),
    assistantTeacherId: integer('assistant_teacher_id').references(() => users.id),
    /** Students expected in the room (for attendance rates). */
    expectedStudents: integer('expected_students').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.classroomId] }), index('course_receivers_classroom_idx').on(t.classroomId)],
);

/** Individual remote students of a course (home delivery, or students joining on their own device). */
export const courseStudents = sqliteTable(
  'course_students',
  {
    courseId: integer('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    studentId: integer('student_id').notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.studentId] }), index('course_students_student_idx').on(t.studentId)],
);

/** A weekly timetable slot of a course in its term (times are Asia/Shanghai wall-clock HH:MM). */
export const timetableSlots = sqliteTable(
  'timetable_slots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    weekday: integer('weekday').notNull(),
    period: integer('period').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
  },
  (t) => [index('timetable_slots_course_idx').on(t.courseId)],
);

export const SCHEDULED_LESSON_STATUSES = ['scheduled', 'cancelled'] as const;

/** A lesson the timetable expands to on one date (UTC instants). */
export const scheduledLessons = sqliteTable(
  'scheduled_lessons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    slotId: integer('slot_id').references(() => timetableSlots.id, { onDelete: 'set null' }),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    status: text('status', { enum: SCHEDULED_LESSON_STATUSES }).notNull().default('scheduled'),
    /** 临时上课: planned on the spot, outside the timetable; re-planning the timetable leaves it alone. */
    adHoc: integer('ad_hoc', { mode: 'boolean' }).notNull().default(false),
    /** 调课: where the timetable had put it before it was moved; re-planning leaves a moved lesson where it is. */
    movedFrom: integer('moved_from', { mode: 'timestamp_ms' }),
    /** Why it was moved or cancelled (停课 needs one), shown to the classrooms and students. */
    changeReason: text('change_reason'),
  },
  (t) => [
    index('scheduled_lessons_course_time_idx').on(t.courseId, t.startsAt),
    index('scheduled_lessons_time_idx').on(t.startsAt),
    uniqueIndex('scheduled_lessons_slot_time_uq').on(t.slotId, t.startsAt),
  ],
);

export const LESSON_END_REASONS = ['ended_by_teacher', 'timed_out', 'server_restart', 'media_failed'] as const;
export type LessonEndReason = (typeof LESSON_END_REASONS)[number];

/** What actually ran: a live lesson session, started and ended by someone. */
export const lessonSessions = sqliteTable(
  'lesson_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: integer('course_id').notNull().references(() => courses.id),
    scheduledLessonId: integer('scheduled_lesson_id').references(() => scheduledLessons.id),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    startedBy: integer('started_by').notNull().references(() => users.id),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
    endedBy: integer('ended_by').references(() => users.id),
    endReason: text('end_reason', { enum: LESSON_END_REASONS }),
    /** Last moment the server saw the lesson alive; closes it after a crash. */
    lastHeartbeatAt: integer('last_heartbeat_at', { mode: 'timestamp_ms' }).notNull(),
    /** Some of its evidence was lost (evidence buffer full or a write refused): its figures are incomplete. */
    evidenceIncomplete: integer('evidence_incomplete', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('lesson_sessions_course_time_idx').on(t.courseId, t.startedAt), index('lesson_sessions_time_idx').on(t.startedAt)],
);

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/**
 * A region's school calendar exceptions: a holiday (节假日, a date range with no lessons) or a make-up
 * working day (调休补课日, one date — usually a weekend — that follows another weekday's timetable).
 */
export const calendarDays = sqliteTable(
  'calendar_days',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    regionId: integer('region_id').notNull().references(() => regions.id),
    kind: text('kind', { enum: CALENDAR_DAY_KINDS }).notNull(),
    name: text('name').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    /** For a workday: the ISO weekday (1 = Monday) whose timetable it follows. */
    followsWeekday: integer('follows_weekday'),
  },
  (t) => [index('calendar_days_region_idx').on(t.regionId, t.startsOn)],
);
