import { and, asc, desc, eq, gte, inArray, lte, ne, or, type SQL } from 'drizzle-orm';
import type { RecordingPolicy, RecordingQuery, RecordingStatus, RecordingVisibility } from '../../../shared/api/recordings.js';
import type { TongkeDb } from '../../db/store.js';
import { likeIgnoringCase } from '../../db/sql.js';
import { classrooms, courses, lessonSessions, mediaStateIntervals, participationEvents, recordings, schools, users } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';

/** A recording with the course, host school and lead teacher the library shows beside it. */
export interface RecordingRow {
  id: number;
  lessonSessionId: number;
  courseId: number;
  title: string;
  status: RecordingStatus;
  progress: number;
  failure: (typeof recordings.$inferSelect)['failure'];
  cut: (typeof recordings.$inferSelect)['cut'];
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  highKey: string | null;
  highBytes: number | null;
  highBitrate: number | null;
  lowKey: string | null;
  lowBytes: number | null;
  lowBitrate: number | null;
  visibility: RecordingVisibility | null;
  publishedAt: Date | null;
  courseName: string;
  subject: (typeof courses.$inferSelect)['subject'];
  grade: number;
  lessonKind: (typeof courses.$inferSelect)['kind'];
  schoolId: number;
  schoolName: string;
  teacherId: number;
  teacherName: string;
}

const COLUMNS = {
  id: recordings.id,
  lessonSessionId: recordings.lessonSessionId,
  courseId: recordings.courseId,
  title: recordings.title,
  status: recordings.status,
  progress: recordings.progress,
  failure: recordings.failure,
  cut: recordings.cut,
  startedAt: recordings.startedAt,
  endedAt: recordings.endedAt,
  durationMs: recordings.durationMs,
  highKey: recordings.highKey,
  highBytes: recordings.highBytes,
  highBitrate: recordings.highBitrate,
  lowKey: recordings.lowKey,
  lowBytes: recordings.lowBytes,
  lowBitrate: recordings.lowBitrate,
  visibility: recordings.visibility,
  publishedAt: recordings.publishedAt,
  courseName: courses.name,
  subject: courses.subject,
  grade: courses.grade,
  lessonKind: courses.kind,
  schoolId: courses.schoolId,
  schoolName: schools.name,
  teacherId: courses.leadTeacherId,
  teacherName: users.displayName,
};

/** What the library is filtered by in SQL; who may watch each row is the policy's, afterwards. */
export type RecordingFilter = Omit<RecordingQuery, 'mine' | 'page'> & { statuses: readonly RecordingStatus[] };

/** A moment of the lesson's evidence that can become a chapter (see chapters.ts). */
export interface ChapterEvidence {
  kind: 'stage_invited' | 'stage_returned' | 'hand_raised' | 'poll_answer' | 'screen_sharing';
  at: Date;
  userId: number | null;
  classroomId: number | null;
  pollId: string | null;
}

/** Reads and changes recordings for the library, the replay page and the lesson report. */
export class LibraryRepository {
  constructor(private readonly db: TongkeDb) {}

  #select() {
    return this.db
      .select(COLUMNS)
      .from(recordings)
      .innerJoin(courses, eq(courses.id, recordings.courseId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId));
  }

  async recording(id: number): Promise<RecordingRow | undefined> {
    const [row] = await this.#select().where(eq(recordings.id, id)).limit(1);
    return row;
  }

  /** Recordings matching the filters, newest first (the caller pages after the policy has filtered them). */
  async find(filter: RecordingFilter): Promise<RecordingRow[]> {
    const where: SQL[] = [inArray(recordings.status, [...filter.statuses])];
    if (filter.subject) where.push(eq(courses.subject, filter.subject));
    if (filter.grade !== undefined) where.push(eq(courses.grade, filter.grade));
    if (filter.lessonKind) where.push(eq(courses.kind, filter.lessonKind));
    if (filter.schoolId !== undefined) where.push(eq(courses.schoolId, filter.schoolId));
    if (filter.teacherId !== undefined) where.push(eq(courses.leadTeacherId, filter.teacherId));
    const words = (filter.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 5);
    for (const word of words) {
      const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(or(likeIgnoringCase(recordings.title, pattern), likeIgnoringCase(courses.name, pattern), likeIgnoringCase(users.displayName, pattern), likeIgnoringCase(schools.name, pattern))!);
    }
    return this.#select()
      .where(and(...where))
      .orderBy(desc(recordings.startedAt), desc(recordings.id));
  }

  /** A lesson's recordings in the order they were made (every status but deleted). */
  async ofLesson(lessonSessionId: number): Promise<RecordingRow[]> {
    return this.#select()
      .where(and(eq(recordings.lessonSessionId, lessonSessionId), ne(recordings.status, 'deleted')))
      .orderBy(asc(recordings.startedAt), asc(recordings.id));
  }

  /** The course a lesson session belongs to (undefined: no such lesson). */
  async lessonCourse(lessonSessionId: number): Promise<number | undefined> {
    const [row] = await this.db.select({ courseId: lessonSessions.courseId }).from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)).limit(1);
    return row?.courseId;
  }

  async rename(id: number, title: string): Promise<void> {
    await this.db.update(recordings).set({ title }).where(eq(recordings.id, id));
  }

  /** Publishes with a visibility (when and by whom it was first published are kept on a change of visibility), or unpublishes. */
  async publish(id: number, visibility: RecordingVisibility | null, by: number, at: Date): Promise<void> {
    if (visibility === null) {
      await this.db.update(recordings).set({ visibility: null, publishedAt: null, publishedBy: null }).where(eq(recordings.id, id));
      return;
    }
    const [row] = await this.db.select({ publishedAt: recordings.publishedAt }).from(recordings).where(eq(recordings.id, id)).limit(1);
    await this.db
      .update(recordings)
      .set(row?.publishedAt ? { visibility } : { visibility, publishedAt: at, publishedBy: by })
      .where(eq(recordings.id, id));
  }

  /** Marks a recording whose files were removed: the row stays for its viewing evidence, unpublished. */
  async markDeleted(id: number, at: Date): Promise<void> {
    await this.db
      .update(recordings)
      .set({ status: 'deleted', deletedAt: at, visibility: null, highKey: null, highBytes: null, lowKey: null, lowBytes: null })
      .where(eq(recordings.id, id));
  }

  async coursePolicy(courseId: number): Promise<RecordingPolicy | undefined> {
    const [row] = await this.db.select({ policy: courses.recordingPolicy }).from(courses).where(eq(courses.id, courseId)).limit(1);
    return row?.policy;
  }

  async setCoursePolicy(courseId: number, policy: RecordingPolicy): Promise<void> {
    await this.db.update(courses).set({ recordingPolicy: policy }).where(eq(courses.id, courseId));
  }

  /** The lesson's stage, hand, poll and screen-sharing moments between two instants, in time order. */
  async chapterEvidence(lessonSessionId: number, from: Date, to: Date): Promise<ChapterEvidence[]> {
    const events = await this.db
      .select({ kind: participationEvents.kind, at: participationEvents.occurredAt, userId: participationEvents.userId, classroomId: participationEvents.classroomId, pollId: participationEvents.pollId })
      .from(participationEvents)
      .where(
        and(
          eq(participationEvents.lessonSessionId, lessonSessionId),
          inArray(participationEvents.kind, ['stage_invited', 'stage_returned', 'hand_raised', 'poll_answer']),
          gte(participationEvents.occurredAt, from),
          lte(participationEvents.occurredAt, to),
        ),
      );
    const shares = await this.db
      .select({ at: mediaStateIntervals.startedAt, userId: mediaStateIntervals.userId, classroomId: mediaStateIntervals.classroomId })
      .from(mediaStateIntervals)
      .where(
        and(
          eq(mediaStateIntervals.lessonSessionId, lessonSessionId),
          eq(mediaStateIntervals.kind, 'screen_sharing'),
          gte(mediaStateIntervals.startedAt, from),
          lte(mediaStateIntervals.startedAt, to),
        ),
      );
    const moments: ChapterEvidence[] = [
      ...events.map((e) => ({ ...e, kind: e.kind as ChapterEvidence['kind'] })),
      ...shares.map((s) => ({ ...s, kind: 'screen_sharing' as const, pollId: null })),
    ];
    return moments.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Names of the people and classrooms chapters mention. */
  async names(userIds: readonly number[], classroomIds: readonly number[]): Promise<{ users: Map<number, string>; classrooms: Map<number, string> }> {
    const names = { users: new Map<number, string>(), classrooms: new Map<number, string>() };
    for (const part of chunks(userIds)) {
      for (const u of await this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, part))) names.users.set(u.id, u.name);
    }
    for (const part of chunks(classroomIds)) {
      for (const c of await this.db.select({ id: classrooms.id, name: classrooms.name }).from(classrooms).where(inArray(classrooms.id, part))) names.classrooms.set(c.id, c.name);
    }
    return names;
  }
}
