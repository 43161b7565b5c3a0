import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import { attendanceIntervals, courses, lessonSessions, researchSessions, users } from '../../db/schema/index.js';
import type { TongkeDb } from '../../db/store.js';
import type { ResearchSessionStatus } from '../../../shared/api/research.js';

/** A teaching-research session with what its views show of the lesson it is about and its convener. */
export interface ResearchSessionRow {
  id: number;
  lessonSessionId: number;
  courseId: number;
  courseName: string;
  lessonStartedAt: Date;
  title: string;
  convenerId: number;
  convenerName: string;
  scheduledAt: Date;
  durationMinutes: number;
  status: ResearchSessionStatus;
}

/** The observed lesson a meeting is about: a lesson session that is itself no meeting. */
export interface ObservedLesson {
  id: number;
  courseId: number;
  startedAt: Date;
}

/** An attendance interval of someone in one of a meeting's live sessions. */
export interface MeetingAttendance {
  userId: number;
  displayName: string;
  joinedAt: Date;
  leftAt: Date | null;
}

const COLUMNS = {
  id: researchSessions.id,
  lessonSessionId: researchSessions.lessonSessionId,
  courseId: lessonSessions.courseId,
  courseName: courses.name,
  lessonStartedAt: lessonSessions.startedAt,
  title: researchSessions.title,
  convenerId: researchSessions.convenerId,
  convenerName: users.displayName,
  scheduledAt: researchSessions.scheduledAt,
  durationMinutes: researchSessions.durationMinutes,
  status: researchSessions.status,
};

/** Teaching-research sessions (协同教研) and the live sessions and attendance of their meetings. */
export class ResearchSessionsRepository {
  constructor(private readonly db: TongkeDb) {}

  async observedLesson(lessonSessionId: number): Promise<ObservedLesson | undefined> {
    const [row] = await this.db
      .select({ id: lessonSessions.id, courseId: lessonSessions.courseId, startedAt: lessonSessions.startedAt })
      .from(lessonSessions)
      .where(and(eq(lessonSessions.id, lessonSessionId), isNull(lessonSessions.researchSessionId)))
      .limit(1);
    return row;
  }

  async insert(values: { lessonSessionId: number; title: string; convenerId: number; scheduledAt: Date; durationMinutes: number }): Promise<number> {
    const [row] = await this.db.insert(researchSessions).values(values).returning({ id: researchSessions.id });
    return row!.id;
  }

  async find(id: number): Promise<ResearchSessionRow | undefined> {
    const [row] = await this.#select().where(eq(researchSessions.id, id)).limit(1);
    return row;
  }

  /** The sessions about one lesson, soonest first. */
  async ofLesson(lessonSessionId: number): Promise<ResearchSessionRow[]> {
    return this.#select().where(eq(researchSessions.lessonSessionId, lessonSessionId)).orderBy(asc(researchSessions.scheduledAt), asc(researchSessions.id));
  }

  /** Sessions not cancelled nor ended, scheduled to start before `until` and not over by `after` (soonest first). */
  async upcoming(after: Date, until: Date, limit: number): Promise<ResearchSessionRow[]> {
    // A session ends at most RESEARCH_SESSION_MINUTES.max after it starts: read from that far back, then trim.
    const found = await this.#select()
      .where(and(inArray(researchSessions.status, ['scheduled', 'live']), gte(researchSessions.scheduledAt, new Date(after.getTime() - 240 * 60_000)), lt(researchSessions.scheduledAt, until)))
      .orderBy(asc(researchSessions.scheduledAt), asc(researchSessions.id))
      .limit(limit * 4);
    return found.filter((r) => r.status === 'live' || r.scheduledAt.getTime() + r.durationMinutes * 60_000 > after.getTime()).slice(0, limit);
  }

  async change(id: number, values: Partial<{ title: string; scheduledAt: Date; durationMinutes: number; status: ResearchSessionStatus }>): Promise<void> {
    await this.db.update(researchSessions).set(values).where(eq(researchSessions.id, id));
  }

  /** A meeting's live session ended: the session is `ended` (unless it was cancelled meanwhile). */
  async meetingEnded(lessonSessionId: number): Promise<void> {
    const [session] = await this.db.select({ researchSessionId: lessonSessions.researchSessionId }).from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)).limit(1);
    if (session?.researchSessionId == null) return;
    await this.db.update(researchSessions).set({ status: 'ended' }).where(and(eq(researchSessions.id, session.researchSessionId), eq(researchSessions.status, 'live')));
  }

  /** Each time the meeting ran: its live sessions, oldest first. */
  async meetings(researchSessionId: number): Promise<Array<{ lessonSessionId: number; startedAt: Date; endedAt: Date | null }>> {
    return this.db
      .select({ lessonSessionId: lessonSessions.id, startedAt: lessonSessions.startedAt, endedAt: lessonSessions.endedAt })
      .from(lessonSessions)
      .where(eq(lessonSessions.researchSessionId, researchSessionId))
      .orderBy(asc(lessonSessions.startedAt), asc(lessonSessions.id));
  }

  /** The attendance intervals of every live session of the meeting (the evidence recorder wrote them). */
  async attendance(researchSessionId: number): Promise<MeetingAttendance[]> {
    const found = await this.db
      .select({ userId: attendanceIntervals.userId, displayName: users.displayName, joinedAt: attendanceIntervals.joinedAt, leftAt: attendanceIntervals.leftAt })
      .from(attendanceIntervals)
      .innerJoin(lessonSessions, eq(lessonSessions.id, attendanceIntervals.lessonSessionId))
      .innerJoin(users, eq(users.id, attendanceIntervals.userId))
      .where(eq(lessonSessions.researchSessionId, researchSessionId))
      .orderBy(asc(attendanceIntervals.joinedAt), asc(attendanceIntervals.id));
    return found.flatMap((r) => (r.userId === null ? [] : [{ ...r, userId: r.userId }]));
  }

  #select() {
    return this.db
      .select(COLUMNS)
      .from(researchSessions)
      .innerJoin(lessonSessions, eq(lessonSessions.id, researchSessions.lessonSessionId))
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(users, eq(users.id, researchSessions.convenerId))
      .$dynamic();
  }
}
