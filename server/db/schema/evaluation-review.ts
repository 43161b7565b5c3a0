import { table, id, int, instant, text, index, uniqueIndex, NOW_MS } from './columns.js';
import { regions } from './organisation.js';
import { terms } from './teaching.js';
import { users } from './people.js';
import { REVIEW_ACTIONS, REVIEW_STATES } from '../../../shared/api/evaluation-review.js';

/**
 * A county's self-evaluation file for one term as it travels up the review chain (county → city → province).
 * One per region and term: a return sends the same submission back to the county, whose resubmission adds a
 * new snapshot version. `revision` grows with every step, so that two reviewers acting at once race on one
 * conditional UPDATE and exactly one wins.
 */
export const evaluationSubmissions = table(
  'evaluation_submissions',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    termId: int('term_id').notNull().references(() => terms.id),
    state: text('state', { enum: REVIEW_STATES }).notNull(),
    /** The snapshot version the reviewers are looking at (the latest one). */
    version: int('version').notNull(),
    revision: int('revision').notNull().default(1),
    updatedAt: instant('updated_at').notNull().default(NOW_MS),
  },
  (t) => [uniqueIndex('evaluation_submissions_region_term_uq').on(t.regionId, t.termId), index('evaluation_submissions_state_idx').on(t.state)],
);

/**
 * A frozen snapshot of the file: its canonical JSON text (kept as text, not as a JSON column, so the bytes
 * that were hashed are the bytes served) and the SHA-256 of that text. Written once; nothing updates it.
 */
export const evaluationSnapshots = table(
  'evaluation_snapshots',
  {
    id: id(),
    submissionId: int('submission_id').notNull().references(() => evaluationSubmissions.id),
    version: int('version').notNull(),
    content: text('content').notNull(),
    sha256: text('sha256').notNull(),
    submittedBy: int('submitted_by').notNull().references(() => users.id),
    submittedAt: instant('submitted_at').notNull(),
  },
  (t) => [uniqueIndex('evaluation_snapshots_submission_version_uq').on(t.submissionId, t.version)],
);

/** The append-only history of a submission: every submit, return and approval, with who and when. */
export const evaluationReviewEvents = table(
  'evaluation_review_events',
  {
    id: id(),
    submissionId: int('submission_id').notNull().references(() => evaluationSubmissions.id),
    version: int('version').notNull(),
    action: text('action', { enum: REVIEW_ACTIONS }).notNull(),
    fromState: text('from_state', { enum: REVIEW_STATES }),
    toState: text('to_state', { enum: REVIEW_STATES }).notNull(),
    actorId: int('actor_id').notNull().references(() => users.id),
    comment: text('comment'),
    at: instant('at').notNull(),
  },
  (t) => [index('evaluation_review_events_submission_idx').on(t.submissionId)],
);

/**
 * A reviewer's comment on one item of a snapshot version: a section (`sectionKey`) and one of its figures or
 * tables (`itemKey`), a whole section (`itemKey` null), or the whole file (both null). Append-only.
 */
export const evaluationReviewComments = table(
  'evaluation_review_comments',
  {
    id: id(),
    submissionId: int('submission_id').notNull().references(() => evaluationSubmissions.id),
    version: int('version').notNull(),
    sectionKey: text('section_key'),
    itemKey: text('item_key'),
    body: text('body').notNull(),
    authorId: int('author_id').notNull().references(() => users.id),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('evaluation_review_comments_submission_idx').on(t.submissionId, t.version)],
);
