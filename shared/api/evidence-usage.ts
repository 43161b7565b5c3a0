import { Type, type Static } from 'typebox';
import { MaterialsUsage } from './materials.js';
import { LESSON_KINDS, SCHOOL_GROUP_ROLES, SCHOOL_STAGES, SUBJECTS, type SchoolGroupRole } from '../subjects.js';
import { RowId } from './common.js';
import { ResearchEvidence } from './research-evidence.js';

/*
 * The usage-evidence reports: usage by organisation unit, the region's indicators (routine use, 差异系数,
 * teaching point × subject coverage) and the targets they are measured against. Dates are Asia/Shanghai
 * calendar days, inclusive at both ends; weeks start on Monday. Every report can also be downloaded as CSV
 * or XLSX (`format`), with column headers in the caller's language.
 */

const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Rate = Type.Union([Type.Number(), Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const USAGE_SCOPES = ['region', 'group', 'school', 'classroom'] as const;
export type UsageScope = (typeof USAGE_SCOPES)[number];
export const USAGE_PERIODS = ['week', 'month', 'term'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];
export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** Tables of the usage report (CSV downloads one; XLSX has each as a sheet). */
export const USAGE_TABLES = ['units', 'trend', 'materials'] as const;
/**
 * 点播 (名校网络课堂): the recordings the unit's viewers watched most, a table of its own beside USAGE_TABLES —
 * a CSV of it on request, a sheet of the XLSX when it has rows. 名师课堂 likewise: `research` (per school, or
 * per teacher of a school) and `researchTarget` (the teachers below the region's observation target).
 */
export const USAGE_DOWNLOAD_TABLES = [...USAGE_TABLES, 'recordings', 'research', 'researchTarget'] as const;
export type UsageTable = (typeof USAGE_DOWNLOAD_TABLES)[number];
/** Tables of the indicator report. */
export const INDICATOR_TABLES = ['schools', 'trend', 'matrix', 'disparity'] as const;
export type IndicatorTable = (typeof INDICATOR_TABLES)[number];

/**
 * The range of a report: a term (a running one up to today), or from/to (which override the term's dates);
 * default the term covering today.
 */
const RangeQuery = {
  termId: Type.Optional(RowId),
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
  format: Type.Optional(Type.Enum(REPORT_FORMATS)),
};

// ---- Usage by organisation unit ----

export const UsageQuery = Type.Object({
  scope: Type.Enum(USAGE_SCOPES),
  id: RowId,
  ...RangeQuery,
  groupBy: Type.Optional(Type.Enum(USAGE_PERIODS)),
  subject: Type.Optional(Type.Enum(SUBJECTS)),
  kind: Type.Optional(Type.Enum(LESSON_KINDS)),
  table: Type.Optional(Type.Enum(USAGE_DOWNLOAD_TABLES)),
});
export type UsageQuery = Static<typeof UsageQuery>;

/**
 * What a unit (or a period) shows. Lessons are counted once, on the Shanghai day they started.
 * - held: lessons the unit was connected to at all; delivered: connected at least `deliveredMinMinutes`;
 *   hosted / received: delivered lessons the unit taught from its host classroom / received in a receiving
 *   classroom or by its individual students.
 * - scheduled: timetabled lessons of courses the unit hosts or receives; scheduledDelivered: those a
 *   delivered session stood for (it referenced the lesson or started within its time ± 15 min).
 * - moved (调课): scheduled lessons moved off the timetable's time, counted where they now are; cancelled
 *   (停课): lessons called off, counted at the time they would have started (not among `scheduled`);
 *   adHoc (临时上课): scheduled lessons planned on the spot, outside the timetable.
 * - hours: connected time (overlapping connections of one site counted once), split at midnight.
 * - attendance: students present / expected where known (a receiving classroom that never joined counts
 *   its expected students absent; one that joined without a headcount is left out); home: 送教上门 students.
 * - participation: participants (classroom devices, students) who raised a hand, chatted, answered a poll
 *   or were called on stage at least once / participants connected.
 */
export const UsageFigures = Type.Object({
  scheduledLessons: Type.Integer(),
  scheduledDelivered: Type.Integer(),
  movedLessons: Type.Integer(),
  cancelledLessons: Type.Integer(),
  adHocLessons: Type.Integer(),
  heldLessons: Type.Integer(),
  deliveredLessons: Type.Integer(),
  hostedLessons: Type.Integer(),
  receivedLessons: Type.Integer(),
  receivedHours: Type.Number(),
  hostedHours: Type.Number(),
  studentHours: Type.Number(),
  /** Active receiving classrooms of the unit, and received hours per receiving classroom per week. */
  receivingClassrooms: Type.Integer(),
  hoursPerClassroomWeek: Rate,
  /** Subjects of the delivered lessons received, and which of them are shortage subjects (音体美英科思政). */
  subjects: Type.Array(Type.Enum(SUBJECTS)),
  shortageSubjects: Type.Array(Type.Enum(SUBJECTS)),
  teacherCount: Type.Integer(),
  /** Names of the teachers who taught or took part (school and classroom scope only; otherwise empty). */
  teacherNames: Type.Array(Type.String()),
  attendanceExpected: Type.Integer(),
  attendancePresent: Type.Integer(),
  attendanceRate: Rate,
  homeExpected: Type.Integer(),
  homePresent: Type.Integer(),
  homeRate: Rate,
  participantsPresent: Type.Integer(),
  participantsActive: Type.Integer(),
  participationRate: Rate,
  hands: Type.Integer(),
  chatMessages: Type.Integer(),
  pollAnswers: Type.Integer(),
  /**
   * 点播 (名校网络课堂 replays) by the unit's own viewers (its students, teachers and classroom devices), counted
   * on the Shanghai day watched: viewings started, distinct viewers, hours watched (a part re-watched in one
   * viewing counts once), and of those hours what 送教上门 students watched. Absent when nobody of the unit
   * watched a recording in the range (read as 0).
   */
  replayViews: Type.Optional(Type.Integer()),
  replayViewers: Type.Optional(Type.Integer()),
  replayHours: Type.Optional(Type.Number()),
  homeReplayHours: Type.Optional(Type.Number()),
});
export type UsageFigures = Static<typeof UsageFigures>;

export const USAGE_UNIT_KINDS = ['region', 'group', 'school', 'classroom', 'students', 'lesson'] as const;
export type UsageUnitKind = (typeof USAGE_UNIT_KINDS)[number];

/** A row's unit: a school, a classroom, the individual students of a school, or one lesson session. */
export const UsageUnit = Type.Object({
  kind: Type.Enum(USAGE_UNIT_KINDS),
  /** The unit's id (students: their school's id; lesson: the lesson session's id). */
  id: Type.Integer(),
  name: Type.String(),
  groupId: Type.Optional(NullableInt),
  groupName: Type.Optional(NullableString),
  groupRole: Type.Optional(Type.Enum(SCHOOL_GROUP_ROLES)),
  receiving: Type.Optional(Type.Boolean()),
  lesson: Type.Optional(
    Type.Object({
      courseId: Type.Integer(),
      courseName: Type.String(),
      subject: Type.Enum(SUBJECTS),
      kind: Type.Enum(LESSON_KINDS),
      startedAt: Type.String(),
      endedAt: NullableString,
    }),
  ),
});
export type UsageUnit = Static<typeof UsageUnit>;

export const UsageRow = Type.Object({ unit: UsageUnit, figures: UsageFigures });
export type UsageRow = Static<typeof UsageRow>;

/** A recording as the unit's viewers watched it (the most watched first). */
export const RecordingReplayRow = Type.Object({
  recordingId: Type.Integer(),
  title: Type.String(),
  courseName: Type.String(),
  /** The school that recorded it (its course's host). */
  schoolName: Type.String(),
  views: Type.Integer(),
  viewers: Type.Integer(),
  hours: Type.Number(),
});
export type RecordingReplayRow = Static<typeof RecordingReplayRow>;

/** One period of the trend: a week (key = its Monday), a month (YYYY-MM) or a term (key = its id). */
export const TrendPoint = Type.Object({ key: Type.String(), label: Type.String(), from: DateOnly, to: DateOnly, figures: UsageFigures });
export type TrendPoint = Static<typeof TrendPoint>;

export const UsageReport = Type.Object({
  scope: Type.Enum(USAGE_SCOPES),
  unit: UsageUnit,
  /** From the region down to the unit, for drilling back up. */
  path: Type.Array(UsageUnit),
  regionId: Type.Integer(),
  from: DateOnly,
  to: DateOnly,
  termId: NullableInt,
  groupBy: Type.Enum(USAGE_PERIODS),
  deliveredMinMinutes: Type.Integer(),
  /** The caller may read only her own courses here (a teacher): every figure is about those courses. */
  ownCoursesOnly: Type.Boolean(),
  totals: UsageFigures,
  rows: Type.Array(UsageRow),
  trend: Type.Array(TrendPoint),
  /** 资源推送: per receiving classroom of the scope, the materials of the period's lessons delivered and opened. */
  materials: Type.Optional(MaterialsUsage),
  /** 点播: the recordings the unit's viewers watched most in the range (at most 10; absent when none). */
  topRecordings: Type.Optional(Type.Array(RecordingReplayRow)),
  /** 名师课堂 (teaching research) per school or teacher, and who is below the observation target: administrators of a region, group or school only. */
  research: Type.Optional(ResearchEvidence),
});
export type UsageReport = Static<typeof UsageReport>;

// ---- Region targets ----

const TargetFields = {
  /** Delivered lessons received per week by each receiving school. */
  lessonsPerWeek: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
  /** Different subjects each receiving school received in the range (a term). */
  subjectsPerTerm: Type.Union([Type.Integer({ minimum: 0, maximum: SUBJECTS.length }), Type.Null()]),
  /** Attendance of expected students, percent. */
  attendancePct: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
  /** Subjects every receiving school must have received at least one delivered lesson of. */
  requiredSubjects: Type.Array(Type.Enum(SUBJECTS), { maxItems: SUBJECTS.length, uniqueItems: true }),
  /**
   * The region's own highest acceptable usage-equity figure (使用均衡度: the spread of shared-lesson hours per
   * student), applied to each stage; null: not judged. Not the resource indicators' 0.50 / 0.45 limits.
   */
  maxCv: Type.Union([Type.Number({ minimum: 0, maximum: 10 }), Type.Null()]),
};
/**
 * The kinds of school (lead, member, teaching point) the per-school targets are set for; a school of another
 * kind is listed but not judged. Omitted in a body: teaching points only, the schools the targets are made for.
 */
const AppliesTo = Type.Array(Type.Enum(SCHOOL_GROUP_ROLES), { minItems: 1, maxItems: SCHOOL_GROUP_ROLES.length, uniqueItems: true });
export const DEFAULT_TARGET_SCHOOL_KINDS: readonly SchoolGroupRole[] = ['teaching_point'];
export const RegionTargetsBody = Type.Object({ ...TargetFields, appliesTo: Type.Optional(AppliesTo) }, { additionalProperties: false });
export type RegionTargetsBody = Static<typeof RegionTargetsBody>;
export const RegionTargets = Type.Object({ regionId: Type.Integer(), ...TargetFields, appliesTo: AppliesTo, updatedAt: NullableString });
export type RegionTargets = Static<typeof RegionTargets>;

// ---- Indicators of a region ----

export const IndicatorQuery = Type.Object({
  regionId: RowId,
  ...RangeQuery,
  table: Type.Optional(Type.Enum(INDICATOR_TABLES)),
});
export type IndicatorQuery = Static<typeof IndicatorQuery>;

/** Whether a school meets a target; null when the region has not set it. */
const Meets = Type.Union([Type.Boolean(), Type.Null()]);

/** The stages the usage-equity figure is computed for (a nine-year school contributes to both). */
export const EQUITY_STAGES = ['primary', 'junior'] as const;
export type EquityStage = (typeof EQUITY_STAGES)[number];

/** One stage's usage-equity figure and the schools (or a nine-year school's part) it is computed from. */
export const UsageEquityStage = Type.Object({
  stage: Type.Enum(EQUITY_STAGES),
  totalStudents: Type.Integer(),
  schools: Type.Integer(),
  mean: Type.Number(),
  standardDeviation: Type.Number(),
  /** S / X̄; null when undefined (no students in the stage, or no shared lesson at all). */
  coefficientOfVariation: Rate,
  /** Against the region's own target; null when it has set none (or the figure is undefined). */
  meets: Type.Union([Type.Boolean(), Type.Null()]),
  values: Type.Array(Type.Object({ schoolId: Type.Integer(), schoolName: Type.String(), students: Type.Integer(), sharedHours: Type.Number(), value: Type.Number() })),
});
export type UsageEquityStage = Static<typeof UsageEquityStage>;

export const SchoolIndicator = Type.Object({
  school: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    groupId: NullableInt,
    groupName: NullableString,
    groupRole: Type.Enum(SCHOOL_GROUP_ROLES),
    stage: Type.Enum(SCHOOL_STAGES),
    studentCount: Type.Integer(),
  }),
  /** Whether the targets apply to this school: its kind is one the region set them for (`targets.appliesTo`). */
  evaluated: Type.Boolean(),
  receivedLessons: Type.Integer(),
  scheduledLessons: Type.Integer(),
  lessonsPerWeek: Type.Number(),
  subjects: Type.Array(Type.Enum(SUBJECTS)),
  missingRequiredSubjects: Type.Array(Type.Enum(SUBJECTS)),
  attendanceRate: Rate,
  /** Host + receiving classroom hours, and per student (the 差异系数's Xᵢ). */
  sharedHours: Type.Number(),
  hoursPerStudent: Rate,
  meets: Type.Object({ lessonsPerWeek: Meets, subjectsPerTerm: Meets, attendance: Meets, requiredSubjects: Meets }),
  /** 常态化: meets every target the region set (null for schools targets do not apply to, or when none is set). */
  routineUse: Meets,
});
export type SchoolIndicator = Static<typeof SchoolIndicator>;

export const IndicatorTrendPoint = Type.Object({
  week: DateOnly,
  from: DateOnly,
  to: DateOnly,
  deliveredLessons: Type.Integer(),
  receivedHours: Type.Number(),
  attendanceRate: Rate,
  /** Evaluated schools that received at least the weekly lessons target that week (null: no target). */
  schoolsMeetingLessonTarget: NullableInt,
});
export type IndicatorTrendPoint = Static<typeof IndicatorTrendPoint>;

export const SubjectCell = Type.Object({ subject: Type.Enum(SUBJECTS), scheduled: Type.Integer(), delivered: Type.Integer() });
export type SubjectCell = Static<typeof SubjectCell>;

export const IndicatorReport = Type.Object({
  region: Type.Object({ id: Type.Integer(), name: Type.String() }),
  term: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String(), startsOn: DateOnly, endsOn: DateOnly }), Type.Null()]),
  from: DateOnly,
  to: DateOnly,
  weeks: Type.Number(),
  deliveredMinMinutes: Type.Integer(),
  targets: RegionTargets,
  summary: Type.Object({
    schools: Type.Integer(),
    evaluatedSchools: Type.Integer(),
    routineUseSchools: Type.Integer(),
    /**
     * The headline per kind of school the targets apply to (in SCHOOL_GROUP_ROLES order): how many schools of
     * that kind were judged, and how many of them meet every set target — "教学点 4/6 达标".
     */
    routineUseByKind: Type.Array(Type.Object({ groupRole: Type.Enum(SCHOOL_GROUP_ROLES), schools: Type.Integer(), routineUse: Type.Integer() })),
    deliveredLessons: Type.Integer(),
    scheduledLessons: Type.Integer(),
    receivedHours: Type.Number(),
    attendanceRate: Rate,
    participationRate: Rate,
    teacherCount: Type.Integer(),
    /** 点播 by the region's viewers over the range (see UsageFigures); absent when nobody watched a recording. */
    replayViews: Type.Optional(Type.Integer()),
    replayViewers: Type.Optional(Type.Integer()),
    replayHours: Type.Optional(Type.Number()),
    homeReplayHours: Type.Optional(Type.Number()),
  }),
  /**
   * The usage-equity figure (使用均衡度): the student-weighted spread (S / X̄) of shared-lesson hours per student
   * across the region's schools, per stage (primary and junior apart, a nine-year school split between them).
   * It is Tongke's own figure, high by design where a county sends lessons to tiny teaching points, so it is
   * never read against the resource indicators' 0.50 / 0.45: `limit` is the region's own target (`maxCv`),
   * null when the region has set none, and then nothing is judged.
   */
  usageEquity: Type.Object({
    limit: Rate,
    stages: Type.Array(UsageEquityStage),
  }),
  schools: Type.Array(SchoolIndicator),
  trend: Type.Array(IndicatorTrendPoint),
  /** Evaluated schools × subjects (shortage subjects always, others when scheduled or delivered): delivered vs scheduled lessons. */
  matrix: Type.Object({
    subjects: Type.Array(Type.Enum(SUBJECTS)),
    rows: Type.Array(Type.Object({ schoolId: Type.Integer(), schoolName: Type.String(), groupRole: Type.Enum(SCHOOL_GROUP_ROLES), cells: Type.Array(SubjectCell) })),
  }),
});
export type IndicatorReport = Static<typeof IndicatorReport>;
