import { Type, type Static } from 'typebox';
import { RowId } from './common.js';
import { EVALUATION_SECTION_KEYS, EvaluationSection } from './evaluation.js';

/*
 * The review chain of the county self-evaluation file (县级自评 → 地市复核 → 省级督导评估): a county submits its
 * term's file as a frozen snapshot, its city reviewer and then its province reviewer comment per item and
 * return it or approve it. Every step is kept.
 */

/**
 * Where a submission is. A return sends it back to the county, whose resubmission (a new snapshot version)
 * starts again at the city; `approved_by_city` waits for the province; `approved_by_province` is final.
 */
export const REVIEW_STATES = ['submitted_to_city', 'returned_by_city', 'approved_by_city', 'returned_by_province', 'approved_by_province'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** What a step of the history did: the county submits (again), a reviewer returns or approves. */
export const REVIEW_ACTIONS = ['submit', 'return', 'approve'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** The reviewer step a state waits at (null: with the county, or done). */
export const WAITING_AT: Record<ReviewState, 'city' | 'province' | null> = {
  submitted_to_city: 'city',
  approved_by_city: 'province',
  returned_by_city: null,
  returned_by_province: null,
  approved_by_province: null,
};

/** The states in which the county may (re)submit: the file has been returned to it. */
export const RESUBMITTABLE: readonly ReviewState[] = ['returned_by_city', 'returned_by_province'];

/** The name of the canonical serialisation the snapshot's hash is computed over (see server/evaluation/review/canonical.ts). */
export const SNAPSHOT_CANONICALIZATION = 'JSON, object keys sorted by UTF-16 code unit, no whitespace, UTF-8 (RFC 8785 style); SHA-256 in lowercase hex';
export const SNAPSHOT_FORMAT = 'tongke.evaluation-snapshot/1';

/** The frozen file as hashed: who submitted what, for which region and term, and every section as it was. */
export const SnapshotDocument = Type.Object({
  format: Type.Literal(SNAPSHOT_FORMAT),
  region: Type.Object({ id: Type.Integer(), name: Type.String(), code: Type.String() }),
  term: Type.Object({ id: Type.Integer(), name: Type.String(), startsOn: Type.String(), endsOn: Type.String() }),
  version: Type.Integer({ minimum: 1 }),
  submittedAt: Type.String(),
  submittedBy: Type.Object({ id: Type.Integer(), name: Type.String() }),
  sections: Type.Array(EvaluationSection),
});
export type SnapshotDocument = Static<typeof SnapshotDocument>;

/** A snapshot as served: the document, its hash, and how the hash is computed (so anyone can check it). */
export const SnapshotFile = Type.Object({
  submissionId: Type.Integer(),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  canonicalization: Type.String(),
  document: SnapshotDocument,
});
export type SnapshotFile = Static<typeof SnapshotFile>;

const Person = Type.Object({ id: Type.Integer(), name: Type.String() });

export const SubmissionSummary = Type.Object({
  id: Type.Integer(),
  region: Type.Object({ id: Type.Integer(), name: Type.String() }),
  term: Type.Object({ id: Type.Integer(), name: Type.String() }),
  state: Type.Enum(REVIEW_STATES),
  version: Type.Integer(),
  /** Grows with every step; a decision names the revision it was made on. */
  revision: Type.Integer(),
  updatedAt: Type.String(),
});
export type SubmissionSummary = Static<typeof SubmissionSummary>;

export const SnapshotVersion = Type.Object({ version: Type.Integer(), sha256: Type.String(), submittedAt: Type.String(), submittedBy: Person });
export type SnapshotVersion = Static<typeof SnapshotVersion>;

export const ReviewEvent = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  action: Type.Enum(REVIEW_ACTIONS),
  fromState: Type.Union([Type.Enum(REVIEW_STATES), Type.Null()]),
  toState: Type.Enum(REVIEW_STATES),
  actor: Person,
  comment: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
});
export type ReviewEvent = Static<typeof ReviewEvent>;

export const ReviewComment = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  sectionKey: Type.Union([Type.Enum(EVALUATION_SECTION_KEYS), Type.Null()]),
  itemKey: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  author: Person,
  createdAt: Type.String(),
});
export type ReviewComment = Static<typeof ReviewComment>;

/** A submission with its versions, its whole history and every comment; `canReview`/`canResubmit` for the caller. */
export const SubmissionDetail = Type.Object({
  submission: SubmissionSummary,
  versions: Type.Array(SnapshotVersion),
  history: Type.Array(ReviewEvent),
  comments: Type.Array(ReviewComment),
  canReview: Type.Boolean(),
  canResubmit: Type.Boolean(),
});
export type SubmissionDetail = Static<typeof SubmissionDetail>;

// ---- Requests ----

export const RegionTermQuery = Type.Object({ termId: RowId });
export type RegionTermQuery = Static<typeof RegionTermQuery>;
export const RegionIdParams = Type.Object({ regionId: RowId });
export type RegionIdParams = Static<typeof RegionIdParams>;

/** The county's file as it is now, built by the same section builders a submission freezes. */
export const EvaluationPreview = Type.Object({
  region: Type.Object({ id: Type.Integer(), name: Type.String() }),
  term: Type.Object({ id: Type.Integer(), name: Type.String(), startsOn: Type.String(), endsOn: Type.String() }),
  sections: Type.Array(EvaluationSection),
  /** The region and term's submission, if there is one. */
  submission: Type.Union([SubmissionDetail, Type.Null()]),
  canSubmit: Type.Boolean(),
  /** Whether a city is set above the county (its reviewer is the first step); without one nothing can be submitted. */
  hasCity: Type.Boolean(),
});
export type EvaluationPreview = Static<typeof EvaluationPreview>;

export const SubmitBody = Type.Object({ termId: RowId }, { additionalProperties: false });
export type SubmitBody = Static<typeof SubmitBody>;

export const SubmissionListQuery = Type.Object({
  state: Type.Optional(Type.Enum(REVIEW_STATES)),
  /** Only the submissions waiting for the caller's own step. */
  waiting: Type.Optional(Type.Boolean()),
});
export type SubmissionListQuery = Static<typeof SubmissionListQuery>;

const CommentText = Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' });

export const CommentBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    sectionKey: Type.Optional(Type.Union([Type.Enum(EVALUATION_SECTION_KEYS), Type.Null()])),
    // Absent for a comment on the whole section or file (a null would let an empty string through as null).
    itemKey: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    body: CommentText,
  },
  { additionalProperties: false },
);
export type CommentBody = Static<typeof CommentBody>;

export const REVIEW_DECISIONS = ['return', 'approve'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A reviewer's decision on the revision she saw; a return says why. */
export const DecisionBody = Type.Object(
  { decision: Type.Enum(REVIEW_DECISIONS), revision: Type.Integer({ minimum: 1 }), comment: Type.Optional(CommentText) },
  { additionalProperties: false },
);
export type DecisionBody = Static<typeof DecisionBody>;

export const VersionParams = Type.Object({ id: RowId, version: Type.Integer({ minimum: 1, maximum: 100000 }) });
export type VersionParams = Static<typeof VersionParams>;

/** A file a frozen version names, by its SHA-256 (the version keeps it as it was, whatever the checklist says now). */
export const SnapshotAttachmentParams = Type.Object({ id: RowId, version: Type.Integer({ minimum: 1, maximum: 100000 }), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
export type SnapshotAttachmentParams = Static<typeof SnapshotAttachmentParams>;

export const SnapshotQuery = Type.Object({ format: Type.Optional(Type.Enum(['json', 'xlsx'] as const)) });
export type SnapshotQuery = Static<typeof SnapshotQuery>;
