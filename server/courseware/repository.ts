import { and, asc, desc, eq, isNull } from 'drizzle-orm';
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

/**
 * The courseware rows. Removed documents (`removed_at`) are never listed nor served, but stay: lessons and
 * materials that used one still name it. Rows `converting` are the conversion queue, oldest first.
 */
export class CoursewareRepository {
  constructor(private readonly db: TongkeDb) {}

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

  /** The oldest conversion still to do (a removed document is not converted). */
  async nextConversion(): Promise<ConversionJob | undefined> {
    const [row] = await this.db
      .select({ id: courseware.id, sourceSha256: courseware.sourceSha256, sourceKind: courseware.sourceKind, sizeBytes: courseware.sizeBytes })
      .from(courseware)
      .where(and(eq(courseware.status, 'converting'), isNull(courseware.removedAt)))
      .orderBy(asc(courseware.id))
      .limit(1);
    return row;
  }

  /** A stage of a conversion reached (see ConversionJobs for what the numbers mean). */
  async setProgress(id: number, progress: number): Promise<void> {
    await this.db.update(courseware).set({ progress }).where(and(eq(courseware.id, id), eq(courseware.status, 'converting')));
  }

  async converted(id: number, pdfSha256: string, pageCount: number): Promise<void> {
    await this.db.update(courseware).set({ status: 'ready', progress: 100, pdfSha256, pageCount, error: null }).where(eq(courseware.id, id));
  }

  async conversionFailed(id: number, error: CoursewareFailure): Promise<void> {
    await this.db.update(courseware).set({ status: 'failed', error }).where(eq(courseware.id, id));
  }
}
