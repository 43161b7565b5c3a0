import { Type, type Static } from 'typebox';

/*
 * 名师课堂 evidence in the usage reports: per teacher and per school over the report's range (a term), what
 * teachers did in teaching research, beside 专递课堂 (the live figures) and 名校网络课堂 (点播). A teacher's
 * school is the school of her teacher grant. Lessons count by the observed lesson's start.
 */

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/**
 * - lessonsObserved: observations she made (live or from the recording) of lessons started in the range;
 * - observationsReceived: observations anyone made of lessons she led (as the course's lead teacher);
 * - researchSessionsAttended: distinct 协同教研 meetings she was connected to;
 * - meanScore: the mean weighted rubric score (0–100) of the SUBMITTED observations of her lessons, each on
 *   its own rubric version; null when none was submitted.
 */
export const ResearchFigures = Type.Object({
  lessonsObserved: Type.Integer(),
  observationsReceived: Type.Integer(),
  researchSessionsAttended: Type.Integer(),
  /** Submitted observations the mean score is of. */
  scoredObservations: Type.Integer(),
  meanScore: NullableNumber,
});
export type ResearchFigures = Static<typeof ResearchFigures>;

export const ResearchTeacherRow = Type.Object({
  teacherId: Type.Integer(),
  name: Type.String(),
  schoolId: Type.Integer(),
  schoolName: Type.String(),
  figures: ResearchFigures,
});
export type ResearchTeacherRow = Static<typeof ResearchTeacherRow>;

/** A school's figures: its teachers' summed, its mean score over all its teachers' submitted observations. */
export const ResearchSchoolRow = Type.Object({
  schoolId: Type.Integer(),
  schoolName: Type.String(),
  groupName: Type.Union([Type.String(), Type.Null()]),
  teachers: Type.Integer(),
  figures: ResearchFigures,
  /** Teachers below the region's observation target (null: no target set). */
  belowTarget: Type.Union([Type.Integer(), Type.Null()]),
});
export type ResearchSchoolRow = Static<typeof ResearchSchoolRow>;

/** A teacher who observed fewer lessons than the region's target in the range. */
export const BelowTargetRow = Type.Object({
  teacherId: Type.Integer(),
  name: Type.String(),
  schoolName: Type.String(),
  observed: Type.Integer(),
  target: Type.Integer(),
});
export type BelowTargetRow = Static<typeof BelowTargetRow>;

/**
 * The 名师课堂 part of a usage report (administrators of the unit only): a region or group by school, a school
 * by teacher; the unit's totals; the region's observation target and who is below it.
 */
export const ResearchEvidence = Type.Object({
  teacherCount: Type.Integer(),
  totals: ResearchFigures,
  /** Lessons observed per teacher (null without teachers). */
  observedPerTeacher: NullableNumber,
  /** Distinct 协同教研 meetings the unit's teachers attended (a meeting attended by two counts once). */
  researchSessions: Type.Integer(),
  schools: Type.Array(ResearchSchoolRow),
  /** The teachers (a school's report only; a region or group lists its schools). */
  teachers: Type.Array(ResearchTeacherRow),
  /** research_settings.observationTarget of the region (null: none set, nobody is below it). */
  observationTarget: Type.Union([Type.Integer(), Type.Null()]),
  belowTarget: Type.Array(BelowTargetRow),
});
export type ResearchEvidence = Static<typeof ResearchEvidence>;
