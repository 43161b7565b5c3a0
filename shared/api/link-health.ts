import { Type, type Static } from 'typebox';
import { RowId } from './common.js';

/*
 * Link health over the term (issue #15): which receiving classrooms (teaching points) had bad links, read
 * from the link health roll-ups (one row per lesson × receiving classroom × Shanghai day), which outlive the
 * raw quality samples.
 */

const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/** The units a link health report covers: their receiving classrooms. */
export const LINK_HEALTH_SCOPES = ['region', 'group', 'school'] as const;
export type LinkHealthScope = (typeof LINK_HEALTH_SCOPES)[number];
export const LINK_HEALTH_FORMATS = ['json', 'xlsx'] as const;

/**
 * GET /api/reports/link-health: a region's, group's or school's receiving classrooms over a term (default:
 * the region's term covering today), or from/to (which override the term's dates).
 */
export const LinkHealthQuery = Type.Object({
  scope: Type.Enum(LINK_HEALTH_SCOPES),
  id: RowId,
  termId: Type.Optional(RowId),
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
  format: Type.Optional(Type.Enum(LINK_HEALTH_FORMATS)),
});
export type LinkHealthQuery = Static<typeof LinkHealthQuery>;

/** A period's link figures (a classroom's whole range, or one week of it). */
export const LinkFigures = Type.Object({
  /** Lesson minutes the quality samples stand for. */
  sampledMinutes: Type.Number(),
  /** Share of those minutes with a poor link (loss > 8 %, round trip > 600 ms or stream score < 5), 0–100, one decimal; null without samples. */
  poorPct: NullableNumber,
  /** Median round trip (ms) and loss (%) of the samples; the mean loss too. */
  medianRttMs: NullableNumber,
  meanLossPct: NullableNumber,
  medianLossPct: NullableNumber,
  /** Shanghai days with lesson samples. */
  lessonDays: Type.Integer(),
});
export type LinkFigures = Static<typeof LinkFigures>;

/** One week of a classroom's trend (key: its Monday). */
export const LinkTrendPoint = Type.Object({ week: DateOnly, figures: LinkFigures });
export type LinkTrendPoint = Static<typeof LinkTrendPoint>;

/** One receiving classroom of the unit. */
export const LinkHealthRow = Type.Object({
  classroomId: Type.Integer(),
  classroomName: Type.String(),
  schoolId: Type.Integer(),
  schoolName: Type.String(),
  figures: LinkFigures,
  trend: Type.Array(LinkTrendPoint),
});
export type LinkHealthRow = Static<typeof LinkHealthRow>;

export const LinkHealthReport = Type.Object({
  scope: Type.Enum(LINK_HEALTH_SCOPES),
  unit: Type.Object({ id: Type.Integer(), name: Type.String() }),
  regionId: Type.Integer(),
  from: DateOnly,
  to: DateOnly,
  termId: Type.Union([Type.Integer(), Type.Null()]),
  /** The region's terms (the period picker). */
  terms: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), startsOn: DateOnly, endsOn: DateOnly })),
  /** Worst first: the largest share of poor lesson time, then the most minutes sampled. */
  rows: Type.Array(LinkHealthRow),
});
export type LinkHealthReport = Static<typeof LinkHealthReport>;
