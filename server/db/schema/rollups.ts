import { table, id, int, bool, instant, real, json, text, index, uniqueIndex } from './columns.js';
import { LESSON_KINDS, SUBJECTS, type SchoolGroupRole, type Subject } from '../../../shared/subjects.js';
import { regions, schools, classrooms } from './organisation.js';
import { users } from './people.js';
import { courses, lessonSessions, terms } from './teaching.js';

/*
 * Usage roll-ups: what each finished lesson contributed to the usage evidence, one row per lesson × site ×
 * Shanghai day. They are derived from the append-only evidence tables (server/evidence/usage/maintain.ts
 * replaces a lesson's rows in one transaction) and outlive them: the retention job purges raw evidence
 * but keeps these. Reports read only these tables and the timetable, through the indexes below.
 */

/** Where a lesson was received: the host classroom, a receiving classroom, or the individual students of one school. */
export const USAGE_SITE_KINDS = ['host', 'receiving_classroom', 'student'] as const;
export type UsageSiteKind = (typeof USAGE_SITE_KINDS)[number];

/**
 * One site's share of one lesson on one Shanghai calendar day. A lesson is counted once, on the row of the
 * day it started (`lessonStart`); connected time and participation counts are split by day, so a lesson
 * that crosses midnight (or a week boundary) adds minutes to both days. Whether a lesson was *delivered*
 * to a site (connected at least the configured minutes) is decided when a report is read, from
 * `siteLessonSeconds`, so changing the threshold needs no rebuild.
 */
export const usageSiteDays = table(
  'usage_site_days',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    courseId: int('course_id').notNull().references(() => courses.id),
    termId: int('term_id').notNull().references(() => terms.id),
    /** The timetabled lesson this session stood for (referenced, or started within its window ± 15 min). Not a foreign key: timetables are re-planned. */
    scheduledLessonId: int('scheduled_lesson_id'),
    subject: text('subject', { enum: SUBJECTS }).notNull(),
    kind: text('kind', { enum: LESSON_KINDS }).notNull(),
    /** Shanghai calendar day (YYYY-MM-DD) and the Monday of its week. */
    day: text('day').notNull(),
    week: text('week').notNull(),
    /** This is the row of the day the lesson started: lesson counts and per-lesson figures live only here. */
    lessonStart: bool('lesson_start').notNull(),
    siteKind: text('site_kind', { enum: USAGE_SITE_KINDS }).notNull(),
    regionId: int('region_id').notNull().references(() => regions.id),
    groupId: int('group_id'),
    schoolId: int('school_id').notNull().references(() => schools.id),
    /** Null for the individual students of a school (and for a host without a host classroom). */
    classroomId: int('classroom_id').references(() => classrooms.id),
    /** How long the lesson ran, start to end (same on every row of the lesson). */
    lessonSeconds: int('lesson_seconds').notNull(),
    /** How long this site was connected over the whole lesson (same on every row of the lesson-site). */
    siteLessonSeconds: int('site_lesson_seconds').notNull(),
    /** Connected on this day (overlapping connections of one site are counted once). */
    connectedSeconds: int('connected_seconds').notNull(),
    /** Students the course expects at the site (receiving classroom: course_receivers; students: enrolled). */
    studentsExpected: int('students_expected').notNull().default(0),
    /**
     * The attendance pair rates are made of: expected/present where attendance is known — a site that never
     * connected counts its expected students as absent; a connected classroom without a headcount is left out.
     */
    attendanceExpected: int('attendance_expected').notNull().default(0),
    attendancePresent: int('attendance_present').notNull().default(0),
    /** Home-delivery (送教上门) students among the expected and present. */
    homeExpected: int('home_expected').notNull().default(0),
    homePresent: int('home_present').notNull().default(0),
    /** Participants (a classroom device, a student) connected, and those who took part at least once. */
    participantsPresent: int('participants_present').notNull().default(0),
    participantsActive: int('participants_active').notNull().default(0),
    hands: int('hands').notNull().default(0),
    chatMessages: int('chat_messages').notNull().default(0),
    pollAnswers: int('poll_answers').notNull().default(0),
  },
  (t) => [
    index('usage_site_days_lesson_idx').on(t.lessonSessionId),
    index('usage_site_days_region_day_idx').on(t.regionId, t.day),
    index('usage_site_days_school_day_idx').on(t.schoolId, t.day),
    index('usage_site_days_classroom_day_idx').on(t.classroomId, t.day),
    index('usage_site_days_course_day_idx').on(t.courseId, t.day),
    index('usage_site_days_scheduled_idx').on(t.scheduledLessonId),
  ],
);

/**
 * The figures of usage_site_days summed per week, so that a term report reads a few rows per school and
 * week instead of every lesson's. Sums add up; lesson counts (held, delivered, hosted, received) count each
 * lesson once per row, judged with the threshold in `usage_week_threshold` — a lesson counts where its
 * start-day rows are, so counts of different weeks add up too. Kept by the same transaction that replaces
 * a lesson's usage_site_days rows (its old contribution subtracted, the new one added), and rebuilt from
 * usage_site_days when the configured threshold changes. `siteDays` counts the rows summed: a row at 0 is
 * deleted, so every row stands for some usage_site_days.
 */
const weekSums = () => ({
  termId: int('term_id').notNull().references(() => terms.id),
  subject: text('subject', { enum: SUBJECTS }).notNull(),
  kind: text('kind', { enum: LESSON_KINDS }).notNull(),
  siteDays: int('site_days').notNull(),
  held: int('held').notNull(),
  delivered: int('delivered').notNull(),
  hosted: int('hosted').notNull(),
  received: int('received').notNull(),
  receivedSeconds: int('received_seconds').notNull(),
  hostedSeconds: int('hosted_seconds').notNull(),
  studentSeconds: int('student_seconds').notNull(),
  attendanceExpected: int('attendance_expected').notNull(),
  attendancePresent: int('attendance_present').notNull(),
  homeExpected: int('home_expected').notNull(),
  homePresent: int('home_present').notNull(),
  participantsPresent: int('participants_present').notNull(),
  participantsActive: int('participants_active').notNull(),
  hands: int('hands').notNull(),
  chatMessages: int('chat_messages').notNull(),
  pollAnswers: int('poll_answers').notNull(),
});

/** One school's usage in one week, per subject and kind of lesson (a lesson counts once per school). */
export const usageSchoolWeeks = table(
  'usage_school_weeks',
  { id: id(), regionId: int('region_id').notNull().references(() => regions.id), schoolId: int('school_id').notNull().references(() => schools.id), week: text('week').notNull(), ...weekSums() },
  (t) => [
    uniqueIndex('usage_school_weeks_key_idx').on(t.schoolId, t.week, t.subject, t.kind, t.termId, t.regionId),
    index('usage_school_weeks_region_week_idx').on(t.regionId, t.week),
  ],
);

/**
 * The same sums per school over a whole term's lessons (the course's term, whatever the day): a county's
 * term report reads ~10 rows per school here, minus the weeks of the term outside the report's range.
 */
export const usageSchoolTerms = table(
  'usage_school_terms',
  { id: id(), regionId: int('region_id').notNull().references(() => regions.id), schoolId: int('school_id').notNull().references(() => schools.id), ...weekSums() },
  (t) => [uniqueIndex('usage_school_terms_key_idx').on(t.schoolId, t.subject, t.kind, t.termId, t.regionId), index('usage_school_terms_region_term_idx').on(t.regionId, t.termId)],
);

/** One region's usage in one week, per subject and kind of lesson (a lesson counts once per region, however many of its schools took part). */
export const usageRegionWeeks = table('usage_region_weeks', { id: id(), regionId: int('region_id').notNull().references(() => regions.id), week: text('week').notNull(), ...weekSums() }, (t) => [
  uniqueIndex('usage_region_weeks_key_idx').on(t.regionId, t.week, t.subject, t.kind, t.termId),
]);

/** The teachers of usage_lesson_teachers per school and week (`lessons`: how many of their lessons), kept and rebuilt with the week rows. */
export const usageTeacherWeeks = table(
  'usage_teacher_weeks',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    schoolId: int('school_id').notNull().references(() => schools.id),
    week: text('week').notNull(),
    termId: int('term_id').notNull().references(() => terms.id),
    subject: text('subject', { enum: SUBJECTS }).notNull(),
    kind: text('kind', { enum: LESSON_KINDS }).notNull(),
    userId: int('user_id').notNull().references(() => users.id),
    lessons: int('lessons').notNull(),
  },
  (t) => [
    uniqueIndex('usage_teacher_weeks_key_idx').on(t.schoolId, t.week, t.subject, t.kind, t.termId, t.regionId, t.userId),
    index('usage_teacher_weeks_region_week_idx').on(t.regionId, t.week),
  ],
);

/** The delivered threshold (seconds) the week rows' lesson counts were made with; no row: not built yet. */
export const usageWeekThreshold = table('usage_week_threshold', {
  id: int('id').primaryKey(),
  deliveredSeconds: int('delivered_seconds').notNull(),
});

export const USAGE_TEACHER_PARTS = ['lead', 'assistant', 'participant'] as const;
export type UsageTeacherPart = (typeof USAGE_TEACHER_PARTS)[number];

/** A teacher who taught a lesson (lead), ran a receiving classroom that joined it (assistant) or took part in it, at a school. */
export const usageLessonTeachers = table(
  'usage_lesson_teachers',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id),
    courseId: int('course_id').notNull().references(() => courses.id),
    termId: int('term_id').notNull().references(() => terms.id),
    subject: text('subject', { enum: SUBJECTS }).notNull(),
    kind: text('kind', { enum: LESSON_KINDS }).notNull(),
    /** The Shanghai day the lesson started, and its week's Monday. */
    day: text('day').notNull(),
    week: text('week').notNull(),
    regionId: int('region_id').notNull().references(() => regions.id),
    groupId: int('group_id'),
    schoolId: int('school_id').notNull().references(() => schools.id),
    classroomId: int('classroom_id').references(() => classrooms.id),
    userId: int('user_id').notNull().references(() => users.id),
    part: text('part', { enum: USAGE_TEACHER_PARTS }).notNull(),
  },
  (t) => [
    index('usage_lesson_teachers_lesson_idx').on(t.lessonSessionId),
    index('usage_lesson_teachers_region_day_idx').on(t.regionId, t.day),
    index('usage_lesson_teachers_school_day_idx').on(t.schoolId, t.day),
  ],
);

/**
 * What a region counts as routine use (常态化): the targets its administrator sets. A target left null is
 * not evaluated. Every school a target applies to must meet all set targets to count.
 */
export const regionTargets = table('region_targets', {
  regionId: int('region_id')
    .primaryKey()
    .references(() => regions.id),
  /** Delivered lessons received per week by each teaching point (receiving school). */
  lessonsPerWeek: real('lessons_per_week'),
  /** Different subjects each receiving school received in the term. */
  subjectsPerTerm: int('subjects_per_term'),
  /** Attendance of expected students, percent. */
  attendancePct: real('attendance_pct'),
  /** Subjects every receiving school must have received at least one delivered lesson of. */
  requiredSubjects: json('required_subjects').$type<Subject[]>().notNull().default([]),
  /** Highest acceptable 差异系数 of shared-lesson hours per student across the region's schools. */
  maxCv: real('max_cv'),
  /**
   * The kinds of school the per-school targets are set for. Teaching points by default: a member school
   * with a receiving classroom is not judged by a teaching point's weekly lessons unless the region says so.
   */
  appliesTo: json('applies_to').$type<SchoolGroupRole[]>().notNull().default(['teaching_point']),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: int('updated_by').references(() => users.id),
});

/** Each run of the evidence retention job: lessons that started before `cutoff` lost their raw evidence. */
export const evidencePurges = table('evidence_purges', {
  id: id(),
  ranAt: instant('ran_at').notNull(),
  cutoff: instant('cutoff').notNull(),
  deletedRows: int('deleted_rows').notNull(),
});
