import { Type, type Static } from 'typebox';
import { OBSERVATION_MODES, ResearchSettings, RubricBody, RubricScores } from './research.js';
import type { RubricBody as RubricBodyType, RubricScores as RubricScoresType } from './research.js';
import { RowId } from './common.js';

/*
 * Rating and review (评课): a region's rubric versions and research settings, an observer's form on one
 * lesson, the lead teacher's review of it (per-dimension mean and spread over the submitted forms, every
 * note on the lesson timeline, comments and replies) and her list of reviewed lessons.
 */

export const RegionParams = Type.Object({ regionId: RowId });
export const LessonParams = Type.Object({ lessonId: RowId });
export const ObservationParams = Type.Object({ observationId: RowId });

/** A region's rubric: the newest saved version, or the shipped default (`id` null) until it saves one. */
export const RubricVersion = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()]),
  regionId: Type.Integer(),
  body: RubricBody,
  /** When this version was saved (null: the default). */
  createdAt: Type.Union([Type.String(), Type.Null()]),
  /** How many versions the region has saved. */
  versions: Type.Integer(),
});
export type RubricVersion = Static<typeof RubricVersion>;

export { ResearchSettings };

/** Most characters of an observer's written comment and of a reply. */
export const COMMENT_MAX = 2000;

/** Her ratings: a draft may leave dimensions out; submitting needs every one. */
export const ObservationFormBody = Type.Object({
  scores: RubricScores,
  comment: Type.Optional(Type.Union([Type.String({ maxLength: COMMENT_MAX }), Type.Null()])),
});
export type ObservationFormBody = Static<typeof ObservationFormBody>;

/** An observer's form on one lesson, with the rubric version she rates on. */
export const ObservationForm = Type.Object({
  lessonSessionId: Type.Integer(),
  /** Null until she first saves (then her observation exists). */
  observationId: Type.Union([Type.Integer(), Type.Null()]),
  rubric: RubricVersion,
  scores: RubricScores,
  comment: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.Union([Type.String(), Type.Null()]),
  /** The last moment the form may change (the review's close, or what it would be if made now). */
  editableUntil: Type.String(),
  closed: Type.Boolean(),
  /** Weighted total of the rated dimensions on 0–100 (null when nothing is rated). */
  weightedTotal: Type.Union([Type.Number(), Type.Null()]),
});
export type ObservationForm = Static<typeof ObservationForm>;

/** Mean and spread of one figure over the submitted forms (population standard deviation). */
export const ScoreStats = Type.Object({
  n: Type.Integer(),
  mean: Type.Union([Type.Number(), Type.Null()]),
  min: Type.Union([Type.Number(), Type.Null()]),
  max: Type.Union([Type.Number(), Type.Null()]),
  sd: Type.Union([Type.Number(), Type.Null()]),
});
export type ScoreStats = Static<typeof ScoreStats>;

export const ReviewReply = Type.Object({ id: Type.Integer(), authorName: Type.String(), text: Type.String(), createdAt: Type.String() });
export type ReviewReply = Static<typeof ReviewReply>;

export const ReviewComment = Type.Object({
  observationId: Type.Integer(),
  observerName: Type.String(),
  mode: Type.Enum(OBSERVATION_MODES),
  comment: Type.Union([Type.String(), Type.Null()]),
  weightedTotal: Type.Union([Type.Number(), Type.Null()]),
  submittedAt: Type.String(),
  replies: Type.Array(ReviewReply),
});
export type ReviewComment = Static<typeof ReviewComment>;

/** A note on the lesson timeline (`atMs`: lesson time). */
export const ReviewNote = Type.Object({
  id: Type.Integer(),
  atMs: Type.Integer(),
  text: Type.String(),
  observerName: Type.String(),
  mode: Type.Enum(OBSERVATION_MODES),
});
export type ReviewNote = Static<typeof ReviewNote>;

/** A recording of the lesson and where it starts on the lesson timeline (a note at atMs plays at atMs − offsetMs). */
export const ReviewRecording = Type.Object({ id: Type.Integer(), title: Type.String(), offsetMs: Type.Integer(), durationMs: Type.Union([Type.Integer(), Type.Null()]) });
export type ReviewRecording = Static<typeof ReviewRecording>;

export const ReviewView = Type.Object({
  lesson: Type.Object({
    id: Type.Integer(),
    courseId: Type.Integer(),
    courseName: Type.String(),
    teacherName: Type.String(),
    startedAt: Type.String(),
    endedAt: Type.Union([Type.String(), Type.Null()]),
  }),
  rubric: RubricVersion,
  dimensions: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), weight: Type.Integer(), stats: ScoreStats })),
  weightedTotal: ScoreStats,
  /** Observations made (opened) of the lesson, and how many were submitted. */
  observers: Type.Integer(),
  submitted: Type.Integer(),
  notesCount: Type.Integer(),
  /** Whether the caller sees individual comments and notes (the lead teacher; admins when the region allows). */
  detailed: Type.Boolean(),
  comments: Type.Array(ReviewComment),
  notes: Type.Array(ReviewNote),
  recordings: Type.Array(ReviewRecording),
  closesAt: Type.Union([Type.String(), Type.Null()]),
  closed: Type.Boolean(),
  /** The caller is the lead teacher: she may reply and close the review. */
  isLeadTeacher: Type.Boolean(),
});
export type ReviewView = Static<typeof ReviewView>;

export const ReplyBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: COMMENT_MAX }) });
export type ReplyBody = Static<typeof ReplyBody>;

export const MyReviewItem = Type.Object({
  lessonSessionId: Type.Integer(),
  courseName: Type.String(),
  startedAt: Type.String(),
  observers: Type.Integer(),
  submitted: Type.Integer(),
  meanScore: Type.Union([Type.Number(), Type.Null()]),
});
export type MyReviewItem = Static<typeof MyReviewItem>;
export const MyReviews = Type.Array(MyReviewItem);

/** A dimension's score (0–100) for a rating, or null when it is not rated. */
export function dimensionScore(body: RubricBodyType, scores: RubricScoresType, key: string): number | null {
  const dimension = body.dimensions.find((d) => d.key === key);
  const level = scores[key];
  return dimension && level !== undefined ? (dimension.levels[level]?.score ?? null) : null;
}

/**
 * The weighted total (0–100) over the rated dimensions, re-weighted to the ones rated so a half-filled
 * draft shows a meaningful figure; null when nothing is rated. A submitted form rates all, so it is exact.
 */
export function weightedTotal(body: RubricBodyType, scores: RubricScoresType): number | null {
  let weight = 0;
  let sum = 0;
  for (const dimension of body.dimensions) {
    const score = dimensionScore(body, scores, dimension.key);
    if (score === null) continue;
    weight += dimension.weight;
    sum += dimension.weight * score;
  }
  return weight === 0 ? null : Math.round((sum / weight) * 10) / 10;
}

