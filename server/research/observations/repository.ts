import { and, asc, count, desc, eq, ne } from 'drizzle-orm';
import { courses, lessonReviews, lessonSessions, observationNotes, observations, recordings, schools, users } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import type { ObservationMode } from '../../../shared/api/research.js';
import type { RecordingStatus, RecordingVisibility } from '../../../shared/api/recordings.js';

/** An observed lesson session with the course, host school and lead teacher the observer sees beside it. */
export interface ObservedLesson {
  lessonSessionId: number;
  courseId: number;
  startedAt: Date;
  endedAt: Date | null;
  /** Set when the session is a teaching-research meeting, not a lesson (nothing to observe). */
  researchSessionId: number | null;
  courseName: string;
  schoolName: string;
  teacherId: number;
  teacherName: string;
}

export interface ObservationRow {
  id: number;
  lessonSessionId: number;
  observerId: number;
  mode: ObservationMode;
  submittedAt: Date | null;
}

export interface NoteRow {
  id: number;
  observationId: number;
  atMs: number;
  mode: ObservationMode;
  text: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface LessonRecordingRow {
  id: number;
  title: string;
  status: RecordingStatus;
  startedAt: Date;
  durationMs: number | null;
  visibility: RecordingVisibility | null;
}

export interface MyObservationRow extends ObservedLesson {
  id: number;
  mode: ObservationMode;
  submittedAt: Date | null;
  notesCount: number;
}

const LESSON = {
  lessonSessionId: lessonSessions.id,
  courseId: lessonSessions.courseId,
  startedAt: lessonSessions.startedAt,
  endedAt: lessonSessions.endedAt,
  researchSessionId: lessonSessions.researchSessionId,
  courseName: courses.name,
  schoolName: schools.name,
  teacherId: courses.leadTeacherId,
  teacherName: users.displayName,
};

const OBSERVATION = { id: observations.id, lessonSessionId: observations.lessonSessionId, observerId: observations.observerId, mode: observations.mode, submittedAt: observations.submittedAt };

const NOTE = { id: observationNotes.id, observationId: observationNotes.observationId, atMs: observationNotes.atMs, mode: observationNotes.mode, text: observationNotes.text, createdAt: observationNotes.createdAt, updatedAt: observationNotes.updatedAt };

/** Observations (听课) of lessons: who observes which lesson session, her notes and ratings. */
export class ObservationsRepository {
  constructor(private readonly db: TongkeDb) {}

  /**
   * Opens her observation of the lesson (live join, or opening its recording to observe): made once per
   * lesson and person; a later open (a rejoin, the replay after the live lesson) keeps the first mode.
   */
  async open(lessonSessionId: number, observerId: number, mode: ObservationMode): Promise<void> {
    await this.db.insert(observations).values({ lessonSessionId, observerId, mode }).onConflictDoNothing();
  }

  /** The lesson session with its course, host school and lead teacher; undefined when there is none. */
  async lesson(lessonSessionId: number): Promise<ObservedLesson | undefined> {
    const [row] = await this.db
      .select(LESSON)
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId))
      .where(eq(lessonSessions.id, lessonSessionId))
      .limit(1);
    return row;
  }

  async ofObserver(lessonSessionId: number, observerId: number): Promise<ObservationRow | undefined> {
    const [row] = await this.db
      .select(OBSERVATION)
      .from(observations)
      .where(and(eq(observations.lessonSessionId, lessonSessionId), eq(observations.observerId, observerId)))
      .limit(1);
    return row;
  }

  async observation(id: number): Promise<ObservationRow | undefined> {
    const [row] = await this.db.select(OBSERVATION).from(observations).where(eq(observations.id, id)).limit(1);
    return row;
  }

  /** Her notes on the lesson's timeline, earliest moment first. */
  async notes(observationId: number): Promise<NoteRow[]> {
    return this.db.select(NOTE).from(observationNotes).where(eq(observationNotes.observationId, observationId)).orderBy(asc(observationNotes.atMs), asc(observationNotes.id));
  }

  async note(observationId: number, noteId: number): Promise<NoteRow | undefined> {
    const [row] = await this.db
      .select(NOTE)
      .from(observationNotes)
      .where(and(eq(observationNotes.id, noteId), eq(observationNotes.observationId, observationId)))
      .limit(1);
    return row;
  }

  async addNote(observationId: number, note: { atMs: number; text: string; mode: ObservationMode }, now: Date): Promise<NoteRow> {
    const [row] = await this.db
      .insert(observationNotes)
      .values({ observationId, ...note, createdAt: now, updatedAt: now })
      .returning(NOTE);
    return row!;
  }

  async updateNote(observationId: number, noteId: number, text: string, now: Date): Promise<void> {
    await this.db
      .update(observationNotes)
      .set({ text, updatedAt: now })
      .where(and(eq(observationNotes.id, noteId), eq(observationNotes.observationId, observationId)));
  }

  async deleteNote(observationId: number, noteId: number): Promise<void> {
    await this.db.delete(observationNotes).where(and(eq(observationNotes.id, noteId), eq(observationNotes.observationId, observationId)));
  }

  /** The lesson's review row (closing it is the review part's); undefined: not fixed yet, so still open. */
  async review(lessonSessionId: number): Promise<{ closesAt: Date; closedAt: Date | null } | undefined> {
    const [row] = await this.db
      .select({ closesAt: lessonReviews.closesAt, closedAt: lessonReviews.closedAt })
      .from(lessonReviews)
      .where(eq(lessonReviews.lessonSessionId, lessonSessionId))
      .limit(1);
    return row;
  }

  /** The lesson's recordings that exist (not deleted), earliest first. */
  async recordings(lessonSessionId: number): Promise<LessonRecordingRow[]> {
    return this.db
      .select({ id: recordings.id, title: recordings.title, status: recordings.status, startedAt: recordings.startedAt, durationMs: recordings.durationMs, visibility: recordings.visibility })
      .from(recordings)
      .where(and(eq(recordings.lessonSessionId, lessonSessionId), ne(recordings.status, 'deleted')))
      .orderBy(asc(recordings.startedAt), asc(recordings.id));
  }

  /** Her observations, newest lesson first, with how many notes each holds. */
  async mine(observerId: number): Promise<MyObservationRow[]> {
    return this.db
      .select({ ...LESSON, id: observations.id, mode: observations.mode, submittedAt: observations.submittedAt, notesCount: count(observationNotes.id) })
      .from(observations)
      .innerJoin(lessonSessions, eq(lessonSessions.id, observations.lessonSessionId))
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId))
      .leftJoin(observationNotes, eq(observationNotes.observationId, observations.id))
      .where(eq(observations.observerId, observerId))
      .groupBy(observations.id, lessonSessions.id, courses.id, schools.id, users.id)
      .orderBy(desc(lessonSessions.startedAt), desc(observations.id));
  }
}
