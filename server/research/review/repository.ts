import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ObservationMode, RubricBody, RubricScores } from '../../../shared/api/research.js';
import { courses, lessonReviews, lessonSessions, observationNotes, observationReplies, observations, recordings, rubrics, users } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';

export interface LessonRow {
  id: number;
  courseId: number;
  courseName: string;
  teacherName: string;
  startedAt: Date;
  endedAt: Date | null;
  /** Set when the session is a teaching-research meeting, not a lesson: nothing to rate. */
  researchSessionId: number | null;
}

export interface ObservationRow {
  id: number;
  lessonSessionId: number;
  observerId: number;
  observerName: string;
  mode: ObservationMode;
  rubricId: number | null;
  scores: RubricScores | null;
  comment: string | null;
  submittedAt: Date | null;
}

export interface ReviewRow {
  closesAt: Date;
  closedAt: Date | null;
}

const OBSERVATION = {
  id: observations.id,
  lessonSessionId: observations.lessonSessionId,
  observerId: observations.observerId,
  observerName: users.displayName,
  mode: observations.mode,
  rubricId: observations.rubricId,
  scores: observations.scores,
  comment: observations.comment,
  submittedAt: observations.submittedAt,
};

/** Observation forms, lesson reviews (评课) and the replies to them. */
export class ReviewRepository {
  constructor(private readonly db: TongkeDb) {}

  async lesson(id: number): Promise<LessonRow | undefined> {
    const [row] = await this.db
      .select({
        id: lessonSessions.id,
        courseId: lessonSessions.courseId,
        courseName: courses.name,
        teacherName: users.displayName,
        startedAt: lessonSessions.startedAt,
        endedAt: lessonSessions.endedAt,
        researchSessionId: lessonSessions.researchSessionId,
      })
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId))
      .where(eq(lessonSessions.id, id))
      .limit(1);
    return row;
  }

  async observationOf(lessonSessionId: number, observerId: number): Promise<ObservationRow | undefined> {
    const [row] = await this.#observations().where(and(eq(observations.lessonSessionId, lessonSessionId), eq(observations.observerId, observerId))).limit(1);
    return row;
  }

  async observation(id: number): Promise<ObservationRow | undefined> {
    const [row] = await this.#observations().where(eq(observations.id, id)).limit(1);
    return row;
  }

  /** Every observation of the lesson, oldest first. */
  async observationsOf(lessonSessionId: number): Promise<ObservationRow[]> {
    return this.#observations().where(eq(observations.lessonSessionId, lessonSessionId)).orderBy(asc(observations.id));
  }

  async saveForm(id: number, form: { rubricId: number; scores: RubricScores; comment: string | null; submittedAt: Date | null }, now: Date): Promise<void> {
    await this.db.update(observations).set({ ...form, updatedAt: now }).where(eq(observations.id, id));
  }

  async review(lessonSessionId: number): Promise<ReviewRow | undefined> {
    const [row] = await this.db.select({ closesAt: lessonReviews.closesAt, closedAt: lessonReviews.closedAt }).from(lessonReviews).where(eq(lessonReviews.lessonSessionId, lessonSessionId)).limit(1);
    return row;
  }

  /** Makes the lesson's review with its closing time, once: the first form saved fixes it. */
  async openReview(lessonSessionId: number, closesAt: Date): Promise<void> {
    await this.db.insert(lessonReviews).values({ lessonSessionId, closesAt }).onConflictDoNothing();
  }

  /** Closes the review now (the lead teacher, early); a review never saved-to is made closed. */
  async closeReview(lessonSessionId: number, closedBy: number, now: Date): Promise<void> {
    await this.db.insert(lessonReviews).values({ lessonSessionId, closesAt: now, closedAt: now, closedBy }).onConflictDoUpdate({ target: lessonReviews.lessonSessionId, set: { closedAt: now, closedBy } });
  }

  /** Every note of every observer of the lesson, in lesson time. */
  async notesOf(lessonSessionId: number): Promise<Array<{ id: number; atMs: number; text: string; mode: ObservationMode; observerName: string }>> {
    return this.db
      .select({ id: observationNotes.id, atMs: observationNotes.atMs, text: observationNotes.text, mode: observationNotes.mode, observerName: users.displayName })
      .from(observationNotes)
      .innerJoin(observations, eq(observations.id, observationNotes.observationId))
      .innerJoin(users, eq(users.id, observations.observerId))
      .where(eq(observations.lessonSessionId, lessonSessionId))
      .orderBy(asc(observationNotes.atMs), asc(observationNotes.id));
  }

  async repliesTo(observationIds: readonly number[]): Promise<Array<{ id: number; observationId: number; authorName: string; text: string; createdAt: Date }>> {
    if (observationIds.length === 0) return [];
    return this.db
      .select({ id: observationReplies.id, observationId: observationReplies.observationId, authorName: users.displayName, text: observationReplies.text, createdAt: observationReplies.createdAt })
      .from(observationReplies)
      .innerJoin(users, eq(users.id, observationReplies.authorId))
      .where(inArray(observationReplies.observationId, [...observationIds]))
      .orderBy(asc(observationReplies.id));
  }

  async addReply(observationId: number, authorId: number, text: string, now: Date): Promise<void> {
    await this.db.insert(observationReplies).values({ observationId, authorId, text, createdAt: now });
  }

  /** The lesson's playable recordings (the review links notes to their moments). */
  async recordingsOf(lessonSessionId: number): Promise<Array<{ id: number; title: string; startedAt: Date; durationMs: number | null }>> {
    return this.db
      .select({ id: recordings.id, title: recordings.title, startedAt: recordings.startedAt, durationMs: recordings.durationMs })
      .from(recordings)
      .where(and(eq(recordings.lessonSessionId, lessonSessionId), eq(recordings.status, 'ready')))
      .orderBy(asc(recordings.startedAt));
  }

  async rubricBodies(ids: readonly number[]): Promise<Map<number, RubricBody>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.select({ id: rubrics.id, body: rubrics.body }).from(rubrics).where(inArray(rubrics.id, [...ids]));
    return new Map(rows.map((r) => [r.id, r.body]));
  }

  /** Observations of the lessons of courses she leads (her 我的评课 list). */
  async observationsOfTeacher(teacherId: number): Promise<Array<{ lessonSessionId: number; courseName: string; startedAt: Date; rubricId: number | null; scores: RubricScores | null; submittedAt: Date | null }>> {
    return this.db
      .select({ lessonSessionId: observations.lessonSessionId, courseName: courses.name, startedAt: lessonSessions.startedAt, rubricId: observations.rubricId, scores: observations.scores, submittedAt: observations.submittedAt })
      .from(observations)
      .innerJoin(lessonSessions, eq(lessonSessions.id, observations.lessonSessionId))
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .where(eq(courses.leadTeacherId, teacherId))
      .orderBy(asc(lessonSessions.startedAt));
  }

  #observations() {
    return this.db.select(OBSERVATION).from(observations).innerJoin(users, eq(users.id, observations.observerId)).$dynamic();
  }
}
