import { and, eq, isNull, inArray, sql } from 'drizzle-orm';
import type { TongkeDb } from '../db/client.js';
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

/** Is this student enrolled in this course? By the primary key, with the ids as placeholders. */
const enrolmentQuery = (db: TongkeDb) =>
  db
    .select({ studentId: courseStudents.studentId })
    .from(courseStudents)
    .where(and(eq(courseStudents.courseId, sql.placeholder('courseId')), eq(courseStudents.studentId, sql.placeholder('studentId'))))
    .prepare();

/** Lesson sessions: what actually ran, from start to end. */
export class LessonsRepository {
  /** Prepared on first use: a join burst asks it K times at once, and building a query costs more than running it. */
  #enrolment: ReturnType<typeof enrolmentQuery> | undefined;

  constructor(private readonly db: TongkeDb) {}

  courseForLesson(courseId: number): CourseForLesson {
    const course = this.db
      .select({ id: courses.id, name: courses.name, leadTeacherId: courses.leadTeacherId, hostClassroomId: courses.hostClassroomId, schoolId: schools.id, schoolName: schools.name, regionId: schools.regionId })
      .from(courses)
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .where(eq(courses.id, courseId))
      .get();
    if (!course) throw notFound();
    const receivers = this.db
      .select({ classroomId: courseReceivers.classroomId, assistantTeacherId: courseReceivers.assistantTeacherId, schoolId: schools.id, schoolName: schools.name, regionId: schools.regionId })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, courseId))
      .all();
    return {
      id: course.id,
      name: course.name,
      leadTeacherId: course.leadTeacherId,
      hostClassroomId: course.hostClassroomId,
      host: { schoolId: course.schoolId, schoolName: course.schoolName, regionId: course.regionId },
      receivers,
    };
  }

  /** Whether the student is enrolled in the course now (one row by the primary key). */
  isEnrolled(courseId: number, studentId: number): boolean {
    this.#enrolment ??= enrolmentQuery(this.db);
    return this.#enrolment.get({ courseId, studentId }) !== undefined;
  }

  startSession(courseId: number, startedBy: number, scheduledLessonId: number | null, now: Date): number {
    return this.db
      .insert(lessonSessions)
      .values({ courseId, startedBy, scheduledLessonId, startedAt: now, lastHeartbeatAt: now })
      .returning({ id: lessonSessions.id })
      .get().id;
  }

  heartbeat(sessionIds: number[], now: Date): void {
    if (sessionIds.length === 0) return;
    this.db.update(lessonSessions).set({ lastHeartbeatAt: now }).where(inArray(lessonSessions.id, sessionIds)).run();
  }

  endSession(sessionId: number, endedBy: number | null, reason: LessonEndReason, now: Date): void {
    this.db
      .update(lessonSessions)
      .set({ endedAt: now, endedBy, endReason: reason, lastHeartbeatAt: now })
      .where(and(eq(lessonSessions.id, sessionId), isNull(lessonSessions.endedAt)))
      .run();
  }

  /**
   * After a crash, lessons left open are closed at the last moment anything of them was recorded: their
   * heartbeat, or any evidence — a join, leave or attendance heartbeat, a media state, a participation
   * event, a quality sample — whichever is latest. So nothing recorded (an acknowledged chat message, say)
   * ever falls after the recorded end. Returns the ids of the sessions it closed.
   */
  closeAbandonedSessions(): number[] {
    const open = this.db.select({ id: lessonSessions.id, lastHeartbeatAt: lessonSessions.lastHeartbeatAt }).from(lessonSessions).where(isNull(lessonSessions.endedAt)).all();
    for (const session of open) {
      const lastEvidence = this.#lastEvidenceAt(session.id);
      const endedAt = new Date(Math.max(session.lastHeartbeatAt.getTime(), lastEvidence ?? 0));
      this.db.update(lessonSessions).set({ endedAt, endReason: 'server_restart' }).where(eq(lessonSessions.id, session.id)).run();
    }
    return open.map((session) => session.id);
  }

  /** The latest instant (epoch ms) in the lesson's evidence tables, or null when it has none. */
  #lastEvidenceAt(lessonSessionId: number): number | null {
    const row = this.db.get<{ at: number | null }>(sql`
      select max(at) as at from (
        select max(max(${attendanceIntervals.joinedAt}, coalesce(${attendanceIntervals.leftAt}, 0), ${attendanceIntervals.lastHeartbeatAt})) as at
          from ${attendanceIntervals} where ${attendanceIntervals.lessonSessionId} = ${lessonSessionId}
        union all
        select max(max(${mediaStateIntervals.startedAt}, coalesce(${mediaStateIntervals.endedAt}, 0))) from ${mediaStateIntervals} where ${mediaStateIntervals.lessonSessionId} = ${lessonSessionId}
        union all
        select max(${participationEvents.occurredAt}) from ${participationEvents} where ${participationEvents.lessonSessionId} = ${lessonSessionId}
        union all
        select max(${qualitySamples.sampledAt}) from ${qualitySamples} where ${qualitySamples.lessonSessionId} = ${lessonSessionId}
      )`);
    return row?.at ?? null;
  }

  /**
   * After a crash, evidence intervals left open are closed as `server_restart`: an attendance interval at
   * the last sign of its site (its heartbeat, or its latest participation event, media state or quality
   * sample), a media-state interval at its lesson's recorded end (never before it started). Runs at start,
   * after `closeAbandonedSessions`, when no lesson is live in this process, so every open interval is
   * abandoned.
   */
  closeAbandonedEvidence(): { attendance: number; mediaStates: number } {
    return this.db.transaction((tx) => {
      const a = attendanceIntervals;
      const ofSite = (table: typeof participationEvents | typeof qualitySamples | typeof mediaStateIntervals) =>
        sql`and ${table.lessonSessionId} = ${a.lessonSessionId} and ${table.participantId} = ${a.participantId}`;
      const lastSign = sql`max(${a.lastHeartbeatAt}, ${a.joinedAt},
        coalesce((select max(${participationEvents.occurredAt}) from ${participationEvents} where 1 ${ofSite(participationEvents)}), 0),
        coalesce((select max(${qualitySamples.sampledAt}) from ${qualitySamples} where 1 ${ofSite(qualitySamples)}), 0),
        coalesce((select max(${mediaStateIntervals.startedAt}) from ${mediaStateIntervals} where 1 ${ofSite(mediaStateIntervals)}), 0))`;
      const attendance = tx.update(a).set({ leftAt: lastSign, leaveReason: 'server_restart' }).where(isNull(a.leftAt)).run().changes;
      const lessonEnd = sql`(select coalesce(${lessonSessions.endedAt}, ${lessonSessions.lastHeartbeatAt}) from ${lessonSessions} where ${lessonSessions.id} = ${mediaStateIntervals.lessonSessionId})`;
      const mediaStates = tx
        .update(mediaStateIntervals)
        .set({ endedAt: sql`max(${mediaStateIntervals.startedAt}, coalesce(${lessonEnd}, ${mediaStateIntervals.startedAt}))` })
        .where(isNull(mediaStateIntervals.endedAt))
        .run().changes;
      return { attendance, mediaStates };
    });
  }

  /** When a timetabled lesson is scheduled to end (null if it no longer exists). */
  scheduledEnd(scheduledLessonId: number): Date | null {
    return this.db.select({ endsAt: scheduledLessons.endsAt }).from(scheduledLessons).where(eq(scheduledLessons.id, scheduledLessonId)).get()?.endsAt ?? null;
  }

  /** Is this a timetabled lesson of the course that is still on (not cancelled by 停课)? A lesson starts only for such. */
  scheduledLessonIsOn(scheduledLessonId: number, courseId: number): boolean {
    const row = this.db
      .select({ id: scheduledLessons.id })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.id, scheduledLessonId), eq(scheduledLessons.courseId, courseId), eq(scheduledLessons.status, 'scheduled')))
      .get();
    return row !== undefined;
  }
}
