import { Type, type Static } from 'typebox';

/*
 * 名师课堂: teaching research. Teachers of a group or region and the region's research staff (教研员) observe
 * (听课) live or recorded lessons of courses open to observation, take notes stamped with lesson time, rate
 * the lesson on the region's rubric (评价表), and the lead teacher reads a review (评课) of it and replies.
 * A teaching-research session (协同教研) is a scheduled teacher-only meeting in the SFU about one observed
 * lesson. Per teacher and school per term these are evidence (lessons observed, observations received,
 * research sessions attended, mean rubric score) beside 专递课堂 and 名校网络课堂.
 *
 * This file is the shared vocabulary and the core shapes; each part adds its own request/response schemas
 * in a file of its own beside this one (research-observations.ts, research-review.ts, research-sessions.ts)
 * and the evidence figures in evidence-usage.ts.
 *
 * Time on a lesson's timeline is `atMs`: milliseconds since the lesson session started (lesson time). A note
 * made while watching a recording is stamped with the lesson time of the playback position (the recording's
 * startedAt − the lesson's startedAt + the playback time), so live and replay notes share one timeline and a
 * note can link to that moment of any recording that covers it.
 */

/** How an observer saw the lesson: live in the SFU (receive only), or its recording afterwards. */
export const OBSERVATION_MODES = ['live', 'replay'] as const;
export type ObservationMode = (typeof OBSERVATION_MODES)[number];

/** A rubric's dimension keys are short ASCII identifiers, stable across its versions (scores are keyed by them). */
export const RubricKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' });

export const RubricLevel = Type.Object({
  /** 优秀 / 良好 / 合格 / 待改进 … */
  label: Type.String({ minLength: 1, maxLength: 20 }),
  /** The level's score on a 0–100 scale. */
  score: Type.Integer({ minimum: 0, maximum: 100 }),
});
export type RubricLevel = Static<typeof RubricLevel>;

export const RubricDimension = Type.Object({
  key: RubricKey,
  name: Type.String({ minLength: 1, maxLength: 40 }),
  /** What an observer looks for (shown under the name). */
  description: Type.String({ maxLength: 300 }),
  /** Weights of a rubric's dimensions add up to 100. */
  weight: Type.Integer({ minimum: 1, maximum: 100 }),
  /** Best first; 2–6 levels. */
  levels: Type.Array(RubricLevel, { minItems: 2, maxItems: 6 }),
});
export type RubricDimension = Static<typeof RubricDimension>;

/** A region's observation rubric (课堂教学评价表): 1–12 weighted dimensions, each rated on its levels. */
export const RubricBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  dimensions: Type.Array(RubricDimension, { minItems: 1, maxItems: 12 }),
});
export type RubricBody = Static<typeof RubricBody>;

/**
 * Ratings of one observation: dimension key → the chosen level's index (0 = best). A submitted form rates
 * every dimension; a draft may leave some out.
 */
export const RubricScores = Type.Record(RubricKey, Type.Integer({ minimum: 0, maximum: 5 }));
export type RubricScores = Static<typeof RubricScores>;

/** A region's teaching-research settings (research.manage). */
export const ResearchSettings = Type.Object({
  /** Lessons each teacher should observe per term (听课节数); null: no target. */
  observationTarget: Type.Union([Type.Integer({ minimum: 1, maximum: 200 }), Type.Null()]),
  /** Admins may read individual observers' comments, not only the aggregates. */
  adminsSeeComments: Type.Boolean(),
  /** Days after a lesson ends during which its observation forms stay editable (the review closes then). */
  reviewDays: Type.Integer({ minimum: 1, maximum: 90 }),
});
export type ResearchSettings = Static<typeof ResearchSettings>;

export const DEFAULT_RESEARCH_SETTINGS: ResearchSettings = { observationTarget: null, adminsSeeComments: false, reviewDays: 14 };

/** A teaching-research session's life: scheduled → live → ended, or cancelled before it ran. */
export const RESEARCH_SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type ResearchSessionStatus = (typeof RESEARCH_SESSION_STATUSES)[number];
