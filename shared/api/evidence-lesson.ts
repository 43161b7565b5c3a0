import { Type, type Static, type TSchema } from 'typebox';
import { MaterialFigures } from './materials.js';
import { PARTICIPANT_KINDS } from '../lesson/model.js';
import { LESSON_KINDS, SUBJECTS } from '../subjects.js';
import { RowId } from './common.js';

/*
 * The per-lesson report (课堂报告): what happened in one lesson session — who was there and for how long,
 * who took part and how, which receiving classrooms were connected and how well. Every instant is ISO 8601
 * in Asia/Shanghai ("2025-06-04T09:30:00+08:00"); minutes carry one decimal.
 */

const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const ShanghaiInstant = Type.String({ description: 'ISO 8601 in Asia/Shanghai, e.g. 2025-06-04T09:30:00+08:00' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Why a site's attendance interval ended (server_restart: closed after a crash at its last heartbeat). */
export const REPORT_LEAVE_REASONS = ['left', 'removed', 'lesson_ended', 'connection_lost', 'server_restart'] as const;
export type ReportLeaveReason = (typeof REPORT_LEAVE_REASONS)[number];

/** `full`: the whole lesson (lead teacher, admins); `own`: only the caller's own figures (a student). */
export const REPORT_SCOPES = ['full', 'own'] as const;
export type ReportScope = (typeof REPORT_SCOPES)[number];

export const LESSON_REPORT_FORMATS = ['json', 'xlsx', 'csv'] as const;
export type LessonReportFormat = (typeof LESSON_REPORT_FORMATS)[number];

// ---- GET /api/reports/lessons ----

/** Lesson sessions started on Shanghai days from..to (inclusive; default: the last 30 days), newest first. */
export const LessonReportListQuery = Type.Object(
  {
    from: Type.Optional(DateOnly),
    to: Type.Optional(DateOnly),
    courseId: Type.Optional(RowId),
    /** The host school or a receiving classroom's school. */
    schoolId: Type.Optional(RowId),
  },
  { additionalProperties: false },
);
export type LessonReportListQuery = Static<typeof LessonReportListQuery>;

/** What identifies a lesson session in lists and on top of its report. */
const LessonFacts = {
  lessonSessionId: Type.Integer(),
  courseId: Type.Integer(),
  courseName: Type.String(),
  subject: Type.Enum(SUBJECTS),
  kind: Type.Enum(LESSON_KINDS),
  grade: Type.Integer(),
  leadTeacherName: Type.String(),
  hostSchoolName: Type.String(),
  startedAt: ShanghaiInstant,
  /** Null while the lesson is live. */
  endedAt: Nullable(ShanghaiInstant),
  live: Type.Boolean(),
  /** From start to end (or to now while live). */
  durationMinutes: Type.Number(),
  /** Ran at least `deliveredMinMinutes` (TONGKE_DELIVERED_MIN_MINUTES). */
  delivered: Type.Boolean(),
};

export const LessonReportListItem = Type.Object({
  ...LessonFacts,
  /** Sites (accounts: classrooms, students, teachers) that were present at some point. */
  sitesPresent: Type.Integer(),
  receivingClassroomsPresent: Type.Integer(),
  receivingClassroomsExpected: Type.Integer(),
  scope: Type.Enum(REPORT_SCOPES),
});
export type LessonReportListItem = Static<typeof LessonReportListItem>;

export const LessonReportList = Type.Object({
  from: DateOnly,
  to: DateOnly,
  lessons: Type.Array(LessonReportListItem),
  /** More lessons matched than a list returns (500): narrow the dates or filter by course or school. */
  truncated: Type.Boolean(),
});
export type LessonReportList = Static<typeof LessonReportList>;

// ---- GET /api/reports/lessons/:lessonSessionId ----

export const LessonReportParams = Type.Object({ lessonSessionId: RowId });
export type LessonReportParams = Static<typeof LessonReportParams>;
/** `xlsx` / `csv` download the participant table (xlsx adds the classroom table as a second sheet). */
export const LessonReportQuery = Type.Object({ format: Type.Optional(Type.Enum(LESSON_REPORT_FORMATS)) }, { additionalProperties: false });
export type LessonReportQuery = Static<typeof LessonReportQuery>;

export const LessonReportHeader = Type.Object({
  ...LessonFacts,
  /** timed_out: nobody ended it (see the README); media_failed: its media server died and could not be replaced. */
  endReason: Nullable(Type.Enum(['ended_by_teacher', 'timed_out', 'server_restart', 'media_failed'])),
  /** Some of the lesson's evidence could not be saved (the server was overloaded): its figures are too low. */
  evidenceIncomplete: Type.Boolean(),
  deliveredMinMinutes: Type.Integer(),
  /** The lesson's minutes per Shanghai day and week (a lesson across midnight counts on both days). */
  minutesByDay: Type.Array(Type.Object({ date: DateOnly, weekStart: DateOnly, minutes: Type.Number() })),
  /** Polls and quizzes anyone answered. */
  pollsInLesson: Type.Integer(),
  /**
   * Live viewers of a broadcast (直播, 名校网络课堂): how many accounts watched and their minutes online in all.
   * They are not among `participants` (a thousand rows would bury the sites), except those called on stage.
   */
  liveViewers: Type.Object({ count: Type.Integer(), minutes: Type.Number() }),
});
export type LessonReportHeader = Static<typeof LessonReportHeader>;

/** One stay of a site in the lesson: from joining to leaving (a reconnect within the grace period continues it). */
export const AttendanceSpell = Type.Object({
  joinedAt: ShanghaiInstant,
  leftAt: Nullable(ShanghaiInstant),
  leaveReason: Nullable(Type.Enum(REPORT_LEAVE_REASONS)),
});
export type AttendanceSpell = Static<typeof AttendanceSpell>;

/** One site's figures (the columns of BigBlueButton's Learning Analytics Dashboard, and more). */
export const ParticipantFigures = Type.Object({
  userId: Nullable(Type.Integer()),
  displayName: Type.String(),
  kind: Type.Enum(PARTICIPANT_KINDS),
  schoolName: Nullable(Type.String()),
  classroomName: Nullable(Type.String()),
  /** Time present, overlapping and repeated stays counted once. */
  onlineMinutes: Type.Number(),
  talkMinutes: Type.Number(),
  webcamMinutes: Type.Number(),
  onStageMinutes: Type.Number(),
  screenShareMinutes: Type.Number(),
  messages: Type.Integer(),
  handRaises: Type.Integer(),
  stageInvitations: Type.Integer(),
  pollAnswers: Type.Integer(),
  /** Turns with the whiteboard pen in which the site drew. */
  boardPenTurns: Type.Integer(),
  pollCorrect: Type.Integer(),
  /** 0–100 (see the README's activity score); null for the lead teacher and observers. */
  activityScore: Nullable(Type.Integer()),
  spells: Type.Array(AttendanceSpell),
});
export type ParticipantFigures = Static<typeof ParticipantFigures>;

export const QualityFigures = Type.Object({
  samples: Type.Integer(),
  avgRttMs: Nullable(Type.Number()),
  avgPacketLossPct: Nullable(Type.Number()),
  /** Share of samples that were poor (loss > 8 %, round trip > 600 ms or stream score < 5), 0–100. */
  poorPct: Nullable(Type.Number()),
});
export type QualityFigures = Static<typeof QualityFigures>;

/** A receiving classroom of the course (or one that joined): who was expected, who was there, how well. */
export const ClassroomFigures = Type.Object({
  classroomId: Type.Integer(),
  classroomName: Type.String(),
  schoolName: Type.String(),
  /** From the course's receivers; null for a classroom that joined without being one. */
  expectedStudents: Nullable(Type.Integer()),
  /** The headcount entered in the room (the highest, if it changed); null when none was entered. */
  presentStudents: Nullable(Type.Integer()),
  connectedMinutes: Type.Number(),
  quality: QualityFigures,
});
export type ClassroomFigures = Static<typeof ClassroomFigures>;

export const TIMELINE_KINDS = ['joined', 'left', 'hand_raised', 'hand_lowered', 'stage_invited', 'stage_returned', 'poll_answer', 'board_pen_turn'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const TimelineEntry = Type.Object({
  at: ShanghaiInstant,
  kind: Type.Enum(TIMELINE_KINDS),
  displayName: Type.String(),
  userId: Nullable(Type.Integer()),
  /** For `left`. */
  leaveReason: Nullable(Type.Enum(REPORT_LEAVE_REASONS)),
  /** For a quiz answer: right or wrong (null for a poll without a correct answer). */
  correct: Nullable(Type.Boolean()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const LessonReport = Type.Object({
  header: LessonReportHeader,
  scope: Type.Enum(REPORT_SCOPES),
  participants: Type.Array(ParticipantFigures),
  /** Empty for an `own` report. */
  classrooms: Type.Array(ClassroomFigures),
  timeline: Type.Array(TimelineEntry),
  generatedAt: ShanghaiInstant,
  /** 课件与资料: the scheduled lesson's materials, delivered to and opened by each receiving site (a full report only). */
  materials: Type.Optional(Type.Array(MaterialFigures)),
});
export type LessonReport = Static<typeof LessonReport>;
