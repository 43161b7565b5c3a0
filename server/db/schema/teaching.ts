import { table, id, int, bool, instant, text, index, uniqueIndex, primaryKey } from './columns.js';
import { LESSON_KINDS, SUBJECTS } from '../../../shared/subjects.js';
import { RECORDING_POLICIES } from '../../../shared/api/recordings.js';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';

/** A school term of a region; dates are Asia/Shanghai calendar days (YYYY-MM-DD). */
export const terms = table(
  'terms',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    name: text('name').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
  },
  (t) => [index('terms_region_idx').on(t.regionId), uniqueIndex('terms_region_name_uq').on(t.regionId, t.name)],
);

/** A shared course: one lead teacher teaching from a host classroom to receiving classrooms and students. */
export const courses = table(
  'courses',
  {
    id: id(),
    termId: int('term_id').notNull().references(() => terms.id),
    /** The school that hosts the course (usually the group's lead school). */
    schoolId: int('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    subject: text('subject', { enum: SUBJECTS }).notNull(),
    grade: int('grade').notNull(),
    kind: text('kind', { enum: LESSON_KINDS }).notNull(),
    leadTeacherId: int('lead_teacher_id').notNull().references(() => users.id),
    hostClassroomId: int('host_classroom_id').references(() => classrooms.id),
    active: bool('active').notNull().default(true),
    /** 录播: record every lesson, only when the lead teacher starts it, or never. */
    recordingPolicy: text('recording_policy', { enum: RECORDING_POLICIES }).notNull().default('teacher_choice'),
    /** 名师课堂: open to observation (听课) by teachers of the group or region and its research staff. */
    observable: bool('observable').notNull().default(true),
  },
  (t) => [index('courses_term_idx').on(t.termId), index('courses_school_idx').on(t.schoolId), index('courses_teacher_idx').on(t.leadTeacherId)],
);

/** Receiving classrooms of a course, each run on site by an assistant teacher. */
export const courseReceivers = table(
  'course_receivers',
  {
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    classroomId: int('classroom_id').notNull().references(() => classrooms.id),
    assistantTeacherId: int('assistant_teacher_id').references(() => users.id),
    /** Students expected in the room (for attendance rates). */
    expectedStudents: int('expected_students').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.classroomId] }), index('course_receivers_classroom_idx').on(t.classroomId)],
);

/** Individual remote students of a course (home delivery, or students joining on their own device). */
export const courseStudents = table(
  'course_students',
  {
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    studentId: int('student_id').notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.studentId] }), index('course_students_student_idx').on(t.studentId)],
);

/** A weekly timetable slot of a course in its term (times are Asia/Shanghai wall-clock HH:MM). */
export const timetableSlots = table(
  'timetable_slots',
  {
    id: id(),
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    weekday: int('weekday').notNull(),
    period: int('period').notNull(),
    startsAt: text('starts_at').notNull(),
    endsAt: text('ends_at').notNull(),
  },
  (t) => [index('timetable_slots_course_idx').on(t.courseId)],
);

export const SCHEDULED_LESSON_STATUSES = ['scheduled', 'cancelled'] as const;

/** A lesson the timetable expands to on one date (UTC instants). */
export const scheduledLessons = table(
  'scheduled_lessons',
  {
    id: id(),
    courseId: int('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    slotId: int('slot_id').references(() => timetableSlots.id, { onDelete: 'set null' }),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    status: text('status', { enum: SCHEDULED_LESSON_STATUSES }).notNull().default('scheduled'),
    /** 临时上课: planned on the spot, outside the timetable; re-planning the timetable leaves it alone. */
    adHoc: bool('ad_hoc').notNull().default(false),
    /** 调课: where the timetable had put it before it was moved; re-planning leaves a moved lesson where it is. */
    movedFrom: instant('moved_from'),
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
export const lessonSessions = table(
  'lesson_sessions',
  {
    id: id(),
    courseId: int('course_id').notNull().references(() => courses.id),
    scheduledLessonId: int('scheduled_lesson_id').references(() => scheduledLessons.id),
    startedAt: instant('started_at').notNull(),
    startedBy: int('started_by').notNull().references(() => users.id),
    endedAt: instant('ended_at'),
    endedBy: int('ended_by').references(() => users.id),
    endReason: text('end_reason', { enum: LESSON_END_REASONS }),
    /** Last moment the server saw the lesson alive; closes it after a crash. */
    lastHeartbeatAt: instant('last_heartbeat_at').notNull(),
    /** Some of its evidence was lost (evidence buffer full or a write refused): its figures are incomplete. */
    evidenceIncomplete: bool('evidence_incomplete').notNull().default(false),
    /**
     * The Tongke process (node) that runs it while it is live. Start-up recovery closes only the sessions of
     * its own node, so a second process starting never ends the first one's lessons. Null for old rows.
     */
    nodeId: text('node_id'),
    /**
     * Set when this session is a teaching-research meeting (协同教研, research_sessions.id) held on the observed
     * lesson's course, not a lesson: lesson figures, reports and the live-lessons list leave it out.
     */
    researchSessionId: int('research_session_id'),
    /** Started as a broadcast (直播): receive-only viewers may join. Kept so that a node taking it over knows. */
    broadcast: bool('broadcast').notNull().default(false),
  },
  (t) => [index('lesson_sessions_course_time_idx').on(t.courseId, t.startedAt), index('lesson_sessions_time_idx').on(t.startedAt)],
);

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/**
 * A region's school calendar exceptions: a holiday (节假日, a date range with no lessons) or a make-up
 * working day (调休补课日, one date — usually a weekend — that follows another weekday's timetable).
 */
export const calendarDays = table(
  'calendar_days',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    kind: text('kind', { enum: CALENDAR_DAY_KINDS }).notNull(),
    name: text('name').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    /** For a workday: the ISO weekday (1 = Monday) whose timetable it follows. */
    followsWeekday: int('follows_weekday'),
  },
  (t) => [index('calendar_days_region_idx').on(t.regionId, t.startsOn)],
);
