import type { LessonEndReason } from '../db/schema/teaching.js';
import { and, eq, isNull, inArray, sql } from 'drizzle-orm';
import type { TongkeDb } from '../db/client.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courses,
  lessonSessions,
  mediaStateIntervals,
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

/** Lesson sessions: what actually ran, from start to end. */
export class LessonsRepository {
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
   * After a crash, lessons left open are closed at the last heartbeat the server recorded for them.
   * Returns the ids of the sessions it closed.
   */
  closeAbandonedSessions(): number[] {
    const open = this.db.select({ id: lessonSessions.id, lastHeartbeatAt: lessonSessions.lastHeartbeatAt }).from(lessonSessions).where(isNull(lessonSessions.endedAt)).all();
    for (const session of open) {
      this.db
        .update(lessonSessions)
        .set({ endedAt: session.lastHeartbeatAt, endReason: 'server_restart' })
        .where(eq(lessonSessions.id, session.id))
        .run();
    }
    return open.map((session) => session.id);
  }

  /**
   * After a crash, evidence intervals left open are closed as `server_restart`: an attendance interval at
   * its own last heartbeat, a media-state interval at its lesson's last heartbeat (never before it
   * started). Runs at start, when no lesson is live in this process, so every open interval is abandoned.
   */
  closeAbandonedEvidence(): { attendance: number; mediaStates: number } {
    return this.db.transaction((tx) => {
      const attendance = tx
        .update(attendanceIntervals)
        .set({ leftAt: sql`max(${attendanceIntervals.lastHeartbeatAt}, ${attendanceIntervals.joinedAt})`, leaveReason: 'server_restart' })
        .where(isNull(attendanceIntervals.leftAt))
        .run().changes;
      const lessonHeartbeat = sql`(select ${lessonSessions.lastHeartbeatAt} from ${lessonSessions} where ${lessonSessions.id} = ${mediaStateIntervals.lessonSessionId})`;
      const mediaStates = tx
        .update(mediaStateIntervals)
        .set({ endedAt: sql`max(${mediaStateIntervals.startedAt}, coalesce(${lessonHeartbeat}, ${mediaStateIntervals.startedAt}))` })
        .where(isNull(mediaStateIntervals.endedAt))
        .run().changes;
      return { attendance, mediaStates };
    });
  }

  /** When a timetabled lesson is scheduled to end (null if it no longer exists). */
  scheduledEnd(scheduledLessonId: number): Date | null {
    return this.db.select({ endsAt: scheduledLessons.endsAt }).from(scheduledLessons).where(eq(scheduledLessons.id, scheduledLessonId)).get()?.endsAt ?? null;
  }

  scheduledLessonBelongsTo(scheduledLessonId: number, courseId: number): boolean {
    const row = this.db
      .select({ id: scheduledLessons.id })
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.id, scheduledLessonId), eq(scheduledLessons.courseId, courseId)))
      .get();
    return row !== undefined;
  }
}
