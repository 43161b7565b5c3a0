import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ReviewAction, ReviewState } from '../../../shared/api/evaluation-review.js';
import type { TongkeDb } from '../../db/store.js';
import { evaluationReviewComments, evaluationReviewEvents, evaluationSnapshots, evaluationSubmissions, regions, terms, users } from '../../db/schema/index.js';

export type SubmissionRow = typeof evaluationSubmissions.$inferSelect;
export type SnapshotRow = typeof evaluationSnapshots.$inferSelect;
export type ReviewEventRow = typeof evaluationReviewEvents.$inferSelect;
export type ReviewCommentRow = typeof evaluationReviewComments.$inferSelect;
export type RegionNode = Pick<typeof regions.$inferSelect, 'id' | 'name' | 'code' | 'level' | 'parentId'>;
export type TermRow = typeof terms.$inferSelect;

/** A new snapshot version: its canonical text and hash, and who froze it when. */
export interface NewSnapshot {
  content: string;
  sha256: string;
  submittedBy: number;
  submittedAt: Date;
}

/** One step of the history, as it is appended. */
export interface NewEvent {
  action: ReviewAction;
  fromState: ReviewState | null;
  toState: ReviewState;
  actorId: number;
  comment: string | null;
  at: Date;
}

/**
 * Persistence of the review chain. Snapshots, history events and comments are only ever inserted — there is
 * no method that updates or deletes them; a submission's state moves only by a conditional UPDATE on the
 * state and revision the caller saw, so of two concurrent steps exactly one changes a row.
 */
export class ReviewRepository {
  constructor(private readonly db: TongkeDb) {}

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async regions(): Promise<RegionNode[]> {
    return this.db.select({ id: regions.id, name: regions.name, code: regions.code, level: regions.level, parentId: regions.parentId }).from(regions);
  }

  async region(id: number): Promise<RegionNode | undefined> {
    const [row] = await this.db.select({ id: regions.id, name: regions.name, code: regions.code, level: regions.level, parentId: regions.parentId }).from(regions).where(eq(regions.id, id)).limit(1);
    return row;
  }

  async term(id: number): Promise<TermRow | undefined> {
    const [row] = await this.db.select().from(terms).where(eq(terms.id, id)).limit(1);
    return row;
  }

  async userNames(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const found = await this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, [...new Set(ids)]));
    return new Map(found.map((u) => [u.id, u.name]));
  }

  async submission(id: number): Promise<SubmissionRow | undefined> {
    const [row] = await this.db.select().from(evaluationSubmissions).where(eq(evaluationSubmissions.id, id)).limit(1);
    return row;
  }

  async submissionOf(regionId: number, termId: number): Promise<SubmissionRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluationSubmissions)
      .where(and(eq(evaluationSubmissions.regionId, regionId), eq(evaluationSubmissions.termId, termId)))
      .limit(1);
    return row;
  }

  async submissionsOf(regionIds: readonly number[]): Promise<Array<SubmissionRow & { regionName: string; termName: string }>> {
    if (regionIds.length === 0) return [];
    return this.db
      .select({
        id: evaluationSubmissions.id,
        regionId: evaluationSubmissions.regionId,
        termId: evaluationSubmissions.termId,
        state: evaluationSubmissions.state,
        version: evaluationSubmissions.version,
        revision: evaluationSubmissions.revision,
        updatedAt: evaluationSubmissions.updatedAt,
        regionName: regions.name,
        termName: terms.name,
      })
      .from(evaluationSubmissions)
      .innerJoin(regions, eq(regions.id, evaluationSubmissions.regionId))
      .innerJoin(terms, eq(terms.id, evaluationSubmissions.termId))
      .where(inArray(evaluationSubmissions.regionId, [...regionIds]))
      .orderBy(asc(regions.name), asc(terms.startsOn));
  }

  /** The first submission of a region and term (the unique index makes a second, concurrent one fail). */
  async insertSubmission(regionId: number, termId: number, snapshot: NewSnapshot, event: NewEvent): Promise<SubmissionRow> {
    return this.transaction(async () => {
      const [submission] = await this.db
        .insert(evaluationSubmissions)
        .values({ regionId, termId, state: event.toState, version: 1, revision: 1, updatedAt: event.at })
        .returning();
      await this.db.insert(evaluationSnapshots).values({ submissionId: submission!.id, version: 1, ...snapshot });
      await this.db.insert(evaluationReviewEvents).values({ submissionId: submission!.id, version: 1, ...event });
      return submission!;
    });
  }

  /**
   * Moves a submission one step if it is still in `from` at `revision` (what the caller saw); with a new
   * snapshot when the county resubmits. Returns false, changing nothing, when another step came first.
   */
  async step(submission: Pick<SubmissionRow, 'id' | 'revision' | 'version'>, event: NewEvent & { fromState: ReviewState }, snapshot?: NewSnapshot): Promise<boolean> {
    return this.transaction(async () => {
      const version = snapshot ? submission.version + 1 : submission.version;
      const moved = await this.db
        .update(evaluationSubmissions)
        .set({ state: event.toState, version, revision: submission.revision + 1, updatedAt: event.at })
        .where(and(eq(evaluationSubmissions.id, submission.id), eq(evaluationSubmissions.state, event.fromState), eq(evaluationSubmissions.revision, submission.revision)))
        .returning({ id: evaluationSubmissions.id });
      if (moved.length === 0) return false;
      if (snapshot) await this.db.insert(evaluationSnapshots).values({ submissionId: submission.id, version, ...snapshot });
      await this.db.insert(evaluationReviewEvents).values({ submissionId: submission.id, version, ...event });
      return true;
    });
  }

  async snapshots(submissionId: number): Promise<SnapshotRow[]> {
    return this.db.select().from(evaluationSnapshots).where(eq(evaluationSnapshots.submissionId, submissionId)).orderBy(asc(evaluationSnapshots.version));
  }

  async snapshot(submissionId: number, version: number): Promise<SnapshotRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluationSnapshots)
      .where(and(eq(evaluationSnapshots.submissionId, submissionId), eq(evaluationSnapshots.version, version)))
      .limit(1);
    return row;
  }

  async events(submissionId: number): Promise<ReviewEventRow[]> {
    return this.db.select().from(evaluationReviewEvents).where(eq(evaluationReviewEvents.submissionId, submissionId)).orderBy(asc(evaluationReviewEvents.id));
  }

  async comments(submissionId: number): Promise<ReviewCommentRow[]> {
    return this.db.select().from(evaluationReviewComments).where(eq(evaluationReviewComments.submissionId, submissionId)).orderBy(asc(evaluationReviewComments.id));
  }

  async insertComment(values: Omit<ReviewCommentRow, 'id'>): Promise<ReviewCommentRow> {
    const [row] = await this.db.insert(evaluationReviewComments).values(values).returning();
    return row!;
  }
}
