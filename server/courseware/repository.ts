import { and, asc, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { CoursewareFailure } from '../../shared/api/courseware.js';
import type { TongkeDb } from '../db/store.js';
import { courses, courseware, users } from '../db/schema/index.js';

export type CoursewareRow = typeof courseware.$inferSelect;
export type NewCourseware = Pick<typeof courseware.$inferInsert, 'courseId' | 'title' | 'fileName' | 'sourceKind' | 'sourceSha256' | 'sizeBytes' | 'status' | 'progress' | 'pdfSha256' | 'pageCount' | 'uploadedBy'>;
/** A row with the name of who uploaded it, as views show it. */
export type CoursewareListed = CoursewareRow & { uploaderName: string };

/** A conversion waiting or running: what the job runner needs of a row. */
export interface ConversionJob {
  id: number;
  sourceSha256: string;
  sourceKind: CoursewareRow['sourceKind'];
  sizeBytes: number;
}

const listed = { row: courseware, uploaderName: users.displayName };

/** How long a conversion claim holds unrenewed; the job runner renews it well within (see ConversionJobs). */
export const CONVERSION_LEASE_MS = 2 * 60_000;

export interface ConversionClaimOptions {
  /** This node (config.nodeId): what its claims carry. */
  nodeId: string;
  leaseMs?: number;
  now?: () => Date;
}

/**
 * The courseware rows. Removed documents (`removed_at`) are never listed nor served, but stay: lessons and
 * materials that used one still name it. Rows `converting` are the conversion queue, oldest first.
 */
export class CoursewareRepository {
  readonly #nodeId: string;
  readonly #leaseMs: number;
  readonly #now: () => Date;

  constructor(
    private readonly db: TongkeDb,
    claims: ConversionClaimOptions = { nodeId: 'this-node' },
  ) {
    this.#nodeId = claims.nodeId;
    this.#leaseMs = claims.leaseMs ?? CONVERSION_LEASE_MS;
    this.#now = claims.now ?? (() => new Date());
  }

  /** How long this repository's claims hold unrenewed (the job runner renews and looks for lapsed ones by it). */
  get leaseMs(): number {
    return this.#leaseMs;
  }

  async insert(values: NewCourseware): Promise<number> {
    const [row] = await this.db.insert(courseware).values(values).returning({ id: courseware.id });
    if (!row) throw new Error('courseware insert returned no row');
    return row.id;
  }

  /** A document that has not been removed, with its uploader's name. */
  async find(id: number): Promise<CoursewareListed | undefined> {
    const [found] = await this.db
      .select(listed)
      .from(courseware)
      .innerJoin(users, eq(users.id, courseware.uploadedBy))
      .where(and(eq(courseware.id, id), isNull(courseware.removedAt)))
      .limit(1);
    return found && { ...found.row, uploaderName: found.uploaderName };
  }

  /**
   * The file-store key of a document's PDF, even after it was removed from the course: a lesson's kept board
   * still prints the pages it showed. Null while it converts, or for an unknown id.
   */
  async pdfSha256(id: number): Promise<string | null> {
    const [row] = await this.db.select({ sha256: courseware.pdfSha256 }).from(courseware).where(eq(courseware.id, id));
    return row?.sha256 ?? null;
  }

  /** The course's documents, newest first. */
  async ofCourse(courseId: number): Promise<CoursewareListed[]> {
    const found = await this.db
      .select(listed)
      .from(courseware)
      .innerJoin(users, eq(users.id, courseware.uploadedBy))
      .where(and(eq(courseware.courseId, courseId), isNull(courseware.removedAt)))
      .orderBy(desc(courseware.createdAt), desc(courseware.id));
    return found.map((f) => ({ ...f.row, uploaderName: f.uploaderName }));
  }

  /** The courses a user (by user name) leads, oldest first (the demo seed finds its teacher's courses so). */
  async coursesLedBy(username: string): Promise<number[]> {
    const found = await this.db.select({ id: courses.id }).from(courses).innerJoin(users, eq(users.id, courses.leadTeacherId)).where(eq(users.username, username)).orderBy(asc(courses.id));
    return found.map((c) => c.id);
  }

  async userIdByUsername(username: string): Promise<number | undefined> {
    const [found] = await this.db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
    return found?.id;
  }

  async rename(id: number, title: string): Promise<void> {
    await this.db.update(courseware).set({ title }).where(eq(courseware.id, id));
  }

  async remove(id: number, at: Date): Promise<void> {
    await this.db.update(courseware).set({ removedAt: at }).where(and(eq(courseware.id, id), isNull(courseware.removedAt)));
  }

  /**
   * Claims the oldest conversion still to do (a removed document is not converted) that no other node holds a
   * live claim on. As the render queue's claim: one conditional UPDATE, so of two nodes that pick the same row
   * at once only one gets it back from RETURNING (PostgreSQL re-checks the loser's condition against the
   * claimed row; SQLite has one writer at a time). A node takes back its own claims: after a restart, what it
   * was converting is converted again at once, as with one process alone.
   */
  async nextConversion(): Promise<ConversionJob | undefined> {
    const now = this.#now();
    const claimable = and(
      eq(courseware.status, 'converting'),
      isNull(courseware.removedAt),
      or(isNull(courseware.conversionLeaseUntil), lt(courseware.conversionLeaseUntil, now), eq(courseware.conversionNode, this.#nodeId)),
    );
    // Another node may win the row between the look and the claim: then the next one is looked for.
    for (;;) {
      const [candidate] = await this.db.select({ id: courseware.id }).from(courseware).where(claimable).orderBy(asc(courseware.id)).limit(1);
      if (!candidate) return undefined;
      const [row] = await this.db
        .update(courseware)
        .set({ conversionNode: this.#nodeId, conversionLeaseUntil: new Date(now.getTime() + this.#leaseMs) })
        .where(and(eq(courseware.id, candidate.id), claimable))
        .returning({ id: courseware.id, sourceSha256: courseware.sourceSha256, sourceKind: courseware.sourceKind, sizeBytes: courseware.sizeBytes });
      if (row) return row;
    }
  }

  /** Keeps this node's claim on a conversion it is still doing (LibreOffice reports nothing while it works). */
  async renewClaim(id: number): Promise<void> {
    await this.db.update(courseware).set({ conversionLeaseUntil: this.#leaseUntil() }).where(this.#mine(id));
  }

  /** A stage of a conversion reached (see ConversionJobs for what the numbers mean); it renews this node's claim. */
  async setProgress(id: number, progress: number): Promise<void> {
    await this.db.update(courseware).set({ progress, conversionLeaseUntil: this.#leaseUntil() }).where(this.#mine(id));
  }

  async converted(id: number, pdfSha256: string, pageCount: number): Promise<void> {
    await this.db.update(courseware).set({ status: 'ready', progress: 100, pdfSha256, pageCount, error: null }).where(eq(courseware.id, id));
  }

  async conversionFailed(id: number, error: CoursewareFailure): Promise<void> {
    await this.db.update(courseware).set({ status: 'failed', error }).where(eq(courseware.id, id));
  }

  #leaseUntil(): Date {
    return new Date(this.#now().getTime() + this.#leaseMs);
  }

  /** The row while it is still queued and claimed by this node. */
  #mine(id: number) {
    return and(eq(courseware.id, id), eq(courseware.status, 'converting'), eq(courseware.conversionNode, this.#nodeId));
  }
}
