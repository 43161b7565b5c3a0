import { and, asc, count, eq, getTableName, lt } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { TongkeDb } from '../db/store.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courseStudents,
  courses,
  lessonSessions,
  mediaStateIntervals,
  participationEvents,
  regions,
  scheduledLessons,
  schools,
  studentProfiles,
} from '../db/schema/index.js';
import { chunks } from '../core/lists.js';

/** Rows per multi-row INSERT: well under both stores' bound-parameter caps for these tables' column counts. */
const ROWS_PER_INSERT = 500;

export type SessionValues = typeof lessonSessions.$inferInsert;
export type AttendanceValues = typeof attendanceIntervals.$inferInsert;
export type MediaStateValues = typeof mediaStateIntervals.$inferInsert;
export type ParticipationValues = typeof participationEvents.$inferInsert;

/** The demo seed's reads and bulk writes (the find-or-create writes are SeedWriter's). */
export class DemoRepository {
  constructor(private readonly db: TongkeDb) {}

  async regionCount(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(regions);
    return row?.n ?? 0;
  }

  /** Rows in each of these tables, by table name. */
  async rowCounts(tables: readonly SQLiteTable[]): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const table of tables) {
      const [row] = await this.db.select({ n: count() }).from(table);
      totals[getTableName(table)] = row?.n ?? 0;
    }
    return totals;
  }

  async sessionCount(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(lessonSessions);
    return row?.n ?? 0;
  }

  /** Scheduled (not cancelled) lessons that ended before `now`, with their course and host school. */
  async pastLessons(now: Date) {
    return this.db
      .select({
        id: scheduledLessons.id,
        courseId: scheduledLessons.courseId,
        startsAt: scheduledLessons.startsAt,
        endsAt: scheduledLessons.endsAt,
        leadTeacherId: courses.leadTeacherId,
        subject: courses.subject,
        hostClassroomId: courses.hostClassroomId,
        hostSchoolId: schools.id,
        regionId: schools.regionId,
      })
      .from(scheduledLessons)
      .innerJoin(courses, eq(courses.id, scheduledLessons.courseId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .where(and(eq(scheduledLessons.status, 'scheduled'), lt(scheduledLessons.endsAt, now)))
      .orderBy(asc(scheduledLessons.id));
  }

  /** Every course's receiving classrooms with their schools. */
  async receivers() {
    return this.db
      .select({ courseId: courseReceivers.courseId, classroomId: courseReceivers.classroomId, expected: courseReceivers.expectedStudents, schoolId: schools.id, schoolName: schools.name })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .orderBy(asc(courseReceivers.courseId), asc(courseReceivers.classroomId));
  }

  /** Every course's 送教上门 students, who follow it from home on their own device. */
  async homeStudents() {
    return this.db
      .select({ courseId: courseStudents.courseId, userId: courseStudents.studentId, schoolId: studentProfiles.schoolId })
      .from(courseStudents)
      .innerJoin(studentProfiles, eq(studentProfiles.userId, courseStudents.studentId))
      .where(eq(studentProfiles.homeDelivery, true))
      .orderBy(asc(courseStudents.courseId), asc(courseStudents.studentId));
  }

  /** Inserts the sessions; returns their ids by scheduled lesson (the order RETURNING lists rows in is not promised). */
  async insertSessions(sessions: readonly SessionValues[]): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const part of chunks(sessions, ROWS_PER_INSERT)) {
      const inserted = await this.db.insert(lessonSessions).values(part).returning({ id: lessonSessions.id, scheduledLessonId: lessonSessions.scheduledLessonId });
      for (const row of inserted) if (row.scheduledLessonId !== null) ids.set(row.scheduledLessonId, row.id);
    }
    return ids;
  }

  async insertEvidence(evidence: { attendance: readonly AttendanceValues[]; mediaStates: readonly MediaStateValues[]; participation: readonly ParticipationValues[] }): Promise<void> {
    for (const part of chunks(evidence.attendance, ROWS_PER_INSERT)) await this.db.insert(attendanceIntervals).values(part);
    for (const part of chunks(evidence.mediaStates, ROWS_PER_INSERT)) await this.db.insert(mediaStateIntervals).values(part);
    for (const part of chunks(evidence.participation, ROWS_PER_INSERT)) await this.db.insert(participationEvents).values(part);
  }
}
