import { and, asc, desc, eq, inArray, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { changedRows, rows, type TongkeDb } from '../db/store.js';
import { greatest } from '../db/sql.js';
import type { LessonEndReason } from '../db/schema/teaching.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  lessonSessions,
  mediaStateIntervals,
  participationEvents,
  qualitySamples,
  scheduledLessons,
  schools,
} from '../db/schema/index.js';
import { notFound } from '../core/errors.js';

/** What joining a course's lesson needs to know about the course and its sites. */
export interface CourseForLesson {
  id: number;
  name: string;
  leadTeacherId: number;
  hostClassroomId: number | null;
  host: { schoolId: number; schoolName: string; regionId: number };
  receivers: Array<{ classroomId: number; assistantTeacherId: number | null; schoolId: number; schoolName: string; regionId: number }>;
}

/** A live session as re-placing it sees it. */
export interface OpenLessonSession {
  id: number;
  courseId: number;
  nodeId: string | null;
  startedAt: Date;
  scheduledLessonId: number | null;
  researchSessionId: number | null;
  lastHeartbeatAt: Date;
  broadcast: boolean;
}

const OPEN_SESSION = {
  id: lessonSessions.id,
  courseId: lessonSessions.courseId,
  nodeId: lessonSessions.nodeId,
  startedAt: lessonSessions.startedAt,
  scheduledLessonId: lessonSessions.scheduledLessonId,
  researchSessionId: lessonSessions.researchSessionId,
  lastHeartbeatAt: lessonSessions.lastHeartbeatAt,
  broadcast: lessonSessions.broadcast,
};

/** The first key of the advisory lock a course's start takes on PostgreSQL (the second is the course id). */
const COURSE_START_LOCK = 16_001;

/** Lesson sessions: what actually ran, from start to end, and which node ran it. */
export class LessonsRepository {
  constructor(private readonly db: TongkeDb) {}

  async courseForLesson(courseId: number): Promise<CourseForLesson> {
    const [course] = await this.db
      .select({ id: courses.id, name: courses.name, leadTeacherId: courses.leadTeacherId, hostClassroomId: courses.hostClassroomId, schoolId: schools.id, schoolName: schools.name, regionId: schools.regionId })
      .from(courses)
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .where(eq(courses.id, courseId))
      .limit(1);
    if (!course) throw notFound();
    const receivers = await this.db
      .select({ classroomId: courseReceivers.classroomId, assistantTeacherId: courseReceivers.assistantTeacherId, schoolId: schools.id, schoolName: schools.name, regionId: schools.regionId })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, courseId));
    return {
      id: course.id,
      name: course.name,
      leadTeacherId: course.leadTeacherId,
      hostClassroomId: course.hostClassroomId,
      host: { schoolId: course.schoolId, schoolName: course.schoolName, regionId: course.regionId },
      receivers,
    };
  }

  /** Whether the student is enrolled in the course now (one row by the primary key; the store keeps the statement prepared). */
  async isEnrolled(courseId: number, studentId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ studentId: courseStudents.studentId })
      .from(courseStudents)
      .where(and(eq(courseStudents.courseId, courseId), eq(courseStudents.studentId, studentId)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * Records that a lesson started, run by node `nodeId` (whose start-up recovery closes it if it is left open;
   * null only where no node runs it, as in tests of the evidence alone: any node's recovery may close it).
   */
  /** Records a live session starting; `researchSessionId` when it is a teaching-research meeting (协同教研). */
  async startSession(courseId: number, startedBy: number, scheduledLessonId: number | null, now: Date, nodeId: string | null = null, researchSessionId: number | null = null, broadcast = false): Promise<number> {
    const [session] = await this.db
      .insert(lessonSessions)
      .values({ courseId, startedBy, scheduledLessonId, nodeId, startedAt: now, lastHeartbeatAt: now, researchSessionId, broadcast })
      .returning({ id: lessonSessions.id });
    return session!.id;
  }

  /** Marks the sessions alive at `now`; one that has ended meanwhile keeps its recorded end as its last sign. */
  async heartbeat(sessionIds: number[], now: Date): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.db.update(lessonSessions).set({ lastHeartbeatAt: now }).where(and(inArray(lessonSessions.id, sessionIds), isNull(lessonSessions.endedAt)));
  }

  /**
   * Several nodes: marks alive the sessions node `nodeId` still runs, and returns their ids. One missing is no
   * longer its own (another node took it over, or it ended).
   */
  async heartbeatOwned(sessionIds: number[], nodeId: string, now: Date): Promise<number[]> {
    if (sessionIds.length === 0) return [];
    const kept = await this.db
      .update(lessonSessions)
      .set({ lastHeartbeatAt: now })
      .where(and(inArray(lessonSessions.id, sessionIds), isNull(lessonSessions.endedAt), eq(lessonSessions.nodeId, nodeId)))
      .returning({ id: lessonSessions.id });
    return kept.map((row) => row.id);
  }

  async endSession(sessionId: number, endedBy: number | null, reason: LessonEndReason, now: Date): Promise<void> {
    await this.db
      .update(lessonSessions)
      .set({ endedAt: now, endedBy, endReason: reason, lastHeartbeatAt: now })
      .where(and(eq(lessonSessions.id, sessionId), isNull(lessonSessions.endedAt)));
  }

  /**
   * After a crash of node `nodeId`, the lessons it left open are closed at the last moment anything of them
   * was recorded: their heartbeat, or any evidence — a join, leave or attendance heartbeat, a media state, a
   * participation event, a quality sample — whichever is latest. So nothing recorded (an acknowledged chat
   * message, say) ever falls after the recorded end. Only this node's sessions (and those of a release that
   * did not record nodes) are closed: another node's open sessions are its live lessons. Returns the ids of
   * the sessions it closed.
   */
  async closeAbandonedSessions(nodeId: string): Promise<number[]> {
    const open = await this.db
      .select({ id: lessonSessions.id, lastHeartbeatAt: lessonSessions.lastHeartbeatAt })
      .from(lessonSessions)
      .where(and(isNull(lessonSessions.endedAt), ownedBy(nodeId)));
    for (const session of open) {
      const lastEvidence = await this.#lastEvidenceAt(session.id);
      const endedAt = new Date(Math.max(session.lastHeartbeatAt.getTime(), lastEvidence ?? 0));
      await this.db
        .update(lessonSessions)
        .set({ endedAt, endReason: 'server_restart' })
        .where(and(eq(lessonSessions.id, session.id), isNull(lessonSessions.endedAt)));
    }
    return open.map((session) => session.id);
  }

  /** The latest instant (epoch ms) in the lesson's evidence tables, or null when it has none. */
  async #lastEvidenceAt(lessonSessionId: number): Promise<number | null> {
    const [row] = await rows<{ at: number | null }>(
      this.db,
      sql`
      select max(at) as at from (
        select max(${greatest(attendanceIntervals.joinedAt, sql`coalesce(${attendanceIntervals.leftAt}, 0)`, attendanceIntervals.lastHeartbeatAt)}) as at
          from ${attendanceIntervals} where ${attendanceIntervals.lessonSessionId} = ${lessonSessionId}
        union all
        select max(${greatest(mediaStateIntervals.startedAt, sql`coalesce(${mediaStateIntervals.endedAt}, 0)`)}) from ${mediaStateIntervals} where ${mediaStateIntervals.lessonSessionId} = ${lessonSessionId}
        union all
        select max(${participationEvents.occurredAt}) from ${participationEvents} where ${participationEvents.lessonSessionId} = ${lessonSessionId}
        union all
        select max(${qualitySamples.sampledAt}) from ${qualitySamples} where ${qualitySamples.lessonSessionId} = ${lessonSessionId}
      ) as evidence`,
    );
    return row?.at ?? null;
  }

  /**
   * After a crash, evidence intervals left open in the lessons of node `nodeId` are closed as
   * `server_restart`: an attendance interval at the last sign of its site (its heartbeat, or its latest
   * participation event, media state or quality sample), a media-state interval at its lesson's recorded end
   * (never before it started). Runs at start, after `closeAbandonedSessions`, before this node runs any
   * lesson, so every open interval of its ended lessons is abandoned; another node's lessons are left alone.
   */
  async closeAbandonedEvidence(nodeId: string): Promise<{ attendance: number; mediaStates: number }> {
    return this.db.transaction(async () => {
      const a = attendanceIntervals;
      const ofSite = (table: typeof participationEvents | typeof qualitySamples | typeof mediaStateIntervals) =>
        sql`${table.lessonSessionId} = ${a.lessonSessionId} and ${table.participantId} = ${a.participantId}`;
      const lastSign = greatest(
        a.lastHeartbeatAt,
        a.joinedAt,
        sql`coalesce((select max(${participationEvents.occurredAt}) from ${participationEvents} where ${ofSite(participationEvents)}), 0)`,
        sql`coalesce((select max(${qualitySamples.sampledAt}) from ${qualitySamples} where ${ofSite(qualitySamples)}), 0)`,
        sql`coalesce((select max(${mediaStateIntervals.startedAt}) from ${mediaStateIntervals} where ${ofSite(mediaStateIntervals)}), 0)`,
      );
      const endedLessonsOfNode = (lessonSessionId: typeof a.lessonSessionId | typeof mediaStateIntervals.lessonSessionId) =>
        inArray(lessonSessionId, this.db.select({ id: lessonSessions.id }).from(lessonSessions).where(and(isNotNull(lessonSessions.endedAt), ownedBy(nodeId))));
      const attendance = changedRows(
        await this.db
          .update(a)
          .set({ leftAt: lastSign, leaveReason: 'server_restart' })
          .where(and(isNull(a.leftAt), endedLessonsOfNode(a.lessonSessionId))),
      );
      const lessonEnd = sql`(select coalesce(${lessonSessions.endedAt}, ${lessonSessions.lastHeartbeatAt}) from ${lessonSessions} where ${lessonSessions.id} = ${mediaStateIntervals.lessonSessionId})`;
      const mediaStates = changedRows(
        await this.db
          .update(mediaStateIntervals)
          .set({ endedAt: greatest(mediaStateIntervals.startedAt, sql`coalesce(${lessonEnd}, ${mediaStateIntervals.startedAt})`) })
          .where(and(isNull(mediaStateIntervals.endedAt), endedLessonsOfNode(mediaStateIntervals.lessonSessionId))),
      );
      return { attendance, mediaStates };
    });
  }

  /** The course's live session (not ended), if any: which node runs it, and what re-placing it needs. */
  async openSession(courseId: number): Promise<OpenLessonSession | null> {
    const [row] = await this.db.select(OPEN_SESSION).from(lessonSessions).where(and(eq(lessonSessions.courseId, courseId), isNull(lessonSessions.endedAt))).orderBy(desc(lessonSessions.id)).limit(1);
    return row ?? null;
  }

  /** Every live session in the store with its course's name, whichever node runs it (several nodes: the live-lessons list). */
  async openSessions(): Promise<Array<OpenLessonSession & { courseName: string }>> {
    return this.db
      .select({ ...OPEN_SESSION, courseName: courses.name })
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .where(isNull(lessonSessions.endedAt))
      .orderBy(asc(lessonSessions.startedAt));
  }

  /** Live sessions run by nodes other than `nodeId` (the caller tells which of those nodes are dead). */
  async openSessionsNotOf(nodeId: string): Promise<OpenLessonSession[]> {
    return this.db.select(OPEN_SESSION).from(lessonSessions).where(and(isNull(lessonSessions.endedAt), isNotNull(lessonSessions.nodeId), ne(lessonSessions.nodeId, nodeId)));
  }

  /**
   * Several nodes: starts the course's session unless one is live, as one step for all of them (a
   * transaction-scoped PostgreSQL advisory lock on the course, so two nodes starting it at once cannot both
   * insert). Returns the new session's id, or the live one's node.
   */
  async startSessionAlone(courseId: number, startedBy: number, scheduledLessonId: number | null, now: Date, nodeId: string, researchSessionId: number | null, broadcast = false): Promise<{ lessonSessionId: number } | { runningOn: string | null }> {
    return this.db.transaction(async () => {
      await rows(this.db, sql`select pg_advisory_xact_lock(${COURSE_START_LOCK}, ${courseId})`);
      const open = await this.openSession(courseId);
      if (open) return { runningOn: open.nodeId };
      return { lessonSessionId: await this.startSession(courseId, startedBy, scheduledLessonId, now, nodeId, researchSessionId, broadcast) };
    });
  }

  /**
   * Node `to` takes over a live session that node `from` ran (it died): true for the one node whose update
   * found the session still `from`'s, so two nodes re-placing it at once cannot both run it.
   */
  async takeOver(lessonSessionId: number, from: string | null, to: string, now: Date): Promise<boolean> {
    const owner = from === null ? isNull(lessonSessions.nodeId) : eq(lessonSessions.nodeId, from);
    const result = await this.db.update(lessonSessions).set({ nodeId: to, lastHeartbeatAt: now }).where(and(eq(lessonSessions.id, lessonSessionId), isNull(lessonSessions.endedAt), owner));
    return changedRows(result) === 1;
  }

  /** The sites whose attendance interval is open in the session: who was in it when its node died. */
  async openAttendance(lessonSessionId: number): Promise<Array<{ participantId: string; userId: number | null }>> {
    const a = attendanceIntervals;
    return this.db.select({ participantId: a.participantId, userId: a.userId }).from(a).where(and(eq(a.lessonSessionId, lessonSessionId), isNull(a.leftAt)));
  }

  /**
   * A re-placed lesson's media starts anew (cameras, microphones, the stage come back as each site
   * republishes): the media-state intervals its dead node left open end at `at`, the node's last sign.
   */
  async closeMediaStates(lessonSessionId: number, at: Date): Promise<number> {
    const m = mediaStateIntervals;
    return changedRows(await this.db.update(m).set({ endedAt: greatest(m.startedAt, at.getTime()) }).where(and(eq(m.lessonSessionId, lessonSessionId), isNull(m.endedAt))));
  }

  /** Sites of a re-placed lesson that never came back: they left at their last heartbeat, their link lost. */
  async closeAttendanceOf(lessonSessionId: number, participantIds: readonly string[]): Promise<number> {
    if (participantIds.length === 0) return 0;
    const a = attendanceIntervals;
    const result = await this.db
      .update(a)
      .set({ leftAt: a.lastHeartbeatAt, leaveReason: 'connection_lost' })
      .where(and(eq(a.lessonSessionId, lessonSessionId), inArray(a.participantId, [...participantIds]), isNull(a.leftAt)));
    return changedRows(result);
  }

  /** When a timetabled lesson is scheduled to end (null if it no longer exists). */
  async scheduledEnd(scheduledLessonId: number): Promise<Date | null> {
    const [row] = await this.db.select({ endsAt: scheduledLessons.endsAt }).from(scheduledLessons).where(eq(scheduledLessons.id, scheduledLessonId)).limit(1);
    return row?.endsAt ?? null;
  }

  /** Is this a timetabled lesson of the course that is still on (not cancelled by 停课)? A lesson starts only for such. */
  async scheduledLessonIsOn(scheduledLessonId: number, courseId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ id: scheduledLessons.id })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.id, scheduledLessonId), eq(scheduledLessons.courseId, courseId), eq(scheduledLessons.status, 'scheduled')))
      .limit(1);
    return row !== undefined;
  }
}

/** Sessions node `nodeId` ran, and those recorded before sessions carried their node (theirs is unknown: any node may close them). */
function ownedBy(nodeId: string): SQL {
  return or(eq(lessonSessions.nodeId, nodeId), isNull(lessonSessions.nodeId))!;
}
