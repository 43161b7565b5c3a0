import { and, asc, count, countDistinct, desc, eq, gte, inArray, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import {
  attendanceIntervals,
  classrooms,
  courseReceivers,
  courses,
  lessonSessions,
  mediaStateIntervals,
  participationEvents,
  qualitySamples,
  schools,
  users,
} from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import type { LessonEndReason } from '../../db/schema/teaching.js';

/** A lesson session with its course, as a report's header and a list's row need it. */
export interface SessionRow {
  id: number;
  courseId: number;
  /** The timetabled lesson it held (its materials go in the report); null for a lesson started off the timetable. */
  scheduledLessonId?: number | null;
  startedAt: Date;
  endedAt: Date | null;
  endReason: LessonEndReason | null;
  evidenceIncomplete: boolean;
  courseName: string;
  subject: (typeof courses.$inferSelect)['subject'];
  kind: (typeof courses.$inferSelect)['kind'];
  grade: number;
  leadTeacherId: number;
  leadTeacherName: string;
  hostSchoolName: string;
}

export type AttendanceRow = Pick<
  typeof attendanceIntervals.$inferSelect,
  'participantId' | 'userId' | 'siteKind' | 'classroomId' | 'schoolId' | 'joinedAt' | 'leftAt' | 'leaveReason' | 'headcount' | 'lastHeartbeatAt'
>;
export type MediaStateRow = Pick<typeof mediaStateIntervals.$inferSelect, 'participantId' | 'userId' | 'kind' | 'startedAt' | 'endedAt'>;
export type ParticipationRow = Pick<typeof participationEvents.$inferSelect, 'participantId' | 'userId' | 'kind' | 'occurredAt' | 'pollId' | 'correct'>;
export type QualityRow = Pick<typeof qualitySamples.$inferSelect, 'participantId' | 'classroomId' | 'rttMs' | 'packetLossPct' | 'consumerScore'>;

export interface ReceiverRow {
  classroomId: number;
  classroomName: string;
  schoolName: string;
  assistantTeacherId: number | null;
  expectedStudents: number;
}

/** Everything recorded about one lesson session. */
export interface LessonEvidence {
  attendance: AttendanceRow[];
  mediaStates: MediaStateRow[];
  participation: ParticipationRow[];
  quality: QualityRow[];
}

/** Names of the people, classrooms and schools a report mentions. */
export interface ReportNames {
  users: Map<number, string>;
  classrooms: Map<number, { name: string; schoolName: string }>;
  schools: Map<number, string>;
}

const SESSION_COLUMNS = {
  id: lessonSessions.id,
  courseId: lessonSessions.courseId,
  scheduledLessonId: lessonSessions.scheduledLessonId,
  startedAt: lessonSessions.startedAt,
  endedAt: lessonSessions.endedAt,
  endReason: lessonSessions.endReason,
  evidenceIncomplete: lessonSessions.evidenceIncomplete,
  courseName: courses.name,
  subject: courses.subject,
  kind: courses.kind,
  grade: courses.grade,
  leadTeacherId: courses.leadTeacherId,
  leadTeacherName: users.displayName,
  hostSchoolName: schools.name,
};

/** Reads lesson sessions and their evidence for the per-lesson report. */
export class LessonReportRepository {
  constructor(private readonly db: TongkeDb) {}

  async session(id: number): Promise<SessionRow | undefined> {
    const [row] = await this.#sessions().where(eq(lessonSessions.id, id)).limit(1);
    return row;
  }

  async sessions(ids: readonly number[]): Promise<SessionRow[]> {
    const found: SessionRow[] = [];
    for (const part of chunks(ids)) found.push(...(await this.#sessions().where(inArray(lessonSessions.id, part))));
    return found;
  }

  /**
   * Lesson sessions started in [from, to), newest first (not teaching-research meetings): of one course, and/or of courses hosted by a school or
   * received in one of its classrooms.
   */
  async sessionIdsBetween(from: Date, to: Date, filter: { courseId?: number; schoolId?: number }): Promise<Array<{ id: number; courseId: number }>> {
    // Teaching-research meetings (协同教研) run as live sessions of a course but are no lessons to report.
    const conditions = [gte(lessonSessions.startedAt, from), lt(lessonSessions.startedAt, to), isNull(lessonSessions.researchSessionId)];
    if (filter.courseId !== undefined) conditions.push(eq(lessonSessions.courseId, filter.courseId));
    if (filter.schoolId !== undefined) {
      const receivedThere = this.db
        .select({ courseId: courseReceivers.courseId })
        .from(courseReceivers)
        .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
        .where(eq(classrooms.schoolId, filter.schoolId));
      conditions.push(or(eq(courses.schoolId, filter.schoolId), inArray(lessonSessions.courseId, receivedThere))!);
    }
    return await this.db
      .select({ id: lessonSessions.id, courseId: lessonSessions.courseId })
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .where(and(...conditions))
      .orderBy(desc(lessonSessions.startedAt), desc(lessonSessions.id));
  }

  /** Of these sessions, the ones the user was present in. */
  async sessionsAttendedBy(userId: number, ids: readonly number[]): Promise<Set<number>> {
    const attended = new Set<number>();
    for (const part of chunks(ids)) {
      const rows = await this.db
        .selectDistinct({ id: attendanceIntervals.lessonSessionId })
        .from(attendanceIntervals)
        .where(and(eq(attendanceIntervals.userId, userId), inArray(attendanceIntervals.lessonSessionId, part)));
      for (const row of rows) attended.add(row.id);
    }
    return attended;
  }

  /** Per session: sites present, and receiving classrooms present. */
  async presence(ids: readonly number[]): Promise<Map<number, { sites: number; receivingClassrooms: number }>> {
    const presence = new Map<number, { sites: number; receivingClassrooms: number }>();
    for (const part of chunks(ids)) {
      const rows = await this.db
        .select({
          id: attendanceIntervals.lessonSessionId,
          // PostgreSQL's coalesce takes one type: the user id as text, else the participant id.
          sites: countDistinct(sql`coalesce(cast(${attendanceIntervals.userId} as text), ${attendanceIntervals.participantId})`),
          receivingClassrooms: countDistinct(sql`case when ${attendanceIntervals.siteKind} = 'receiving_classroom' then ${attendanceIntervals.classroomId} end`),
        })
        .from(attendanceIntervals)
        // Observers (听课, admins watching) and broadcast viewers (直播) are no site: present, but not among the sites present.
        .where(and(inArray(attendanceIntervals.lessonSessionId, part), notInArray(attendanceIntervals.siteKind, ['observer', 'viewer'])))
        .groupBy(attendanceIntervals.lessonSessionId);
      for (const row of rows) presence.set(row.id, { sites: row.sites, receivingClassrooms: row.receivingClassrooms });
    }
    return presence;
  }

  /** How many receiving classrooms each course has. */
  async receiverCounts(courseIds: readonly number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const part of chunks(courseIds)) {
      const rows = await this.db
        .select({ courseId: courseReceivers.courseId, receivers: count() })
        .from(courseReceivers)
        .where(inArray(courseReceivers.courseId, part))
        .groupBy(courseReceivers.courseId);
      for (const row of rows) counts.set(row.courseId, row.receivers);
    }
    return counts;
  }

  async receivers(courseId: number): Promise<ReceiverRow[]> {
    return await this.db
      .select({
        classroomId: courseReceivers.classroomId,
        classroomName: classrooms.name,
        schoolName: schools.name,
        assistantTeacherId: courseReceivers.assistantTeacherId,
        expectedStudents: courseReceivers.expectedStudents,
      })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, courseId))
      .orderBy(asc(schools.name), asc(classrooms.name));
  }

  async evidence(lessonSessionId: number): Promise<LessonEvidence> {
    const a = attendanceIntervals;
    const m = mediaStateIntervals;
    const p = participationEvents;
    const q = qualitySamples;
    return {
      attendance: await this.db
        .select({
          participantId: a.participantId,
          userId: a.userId,
          siteKind: a.siteKind,
          classroomId: a.classroomId,
          schoolId: a.schoolId,
          joinedAt: a.joinedAt,
          leftAt: a.leftAt,
          leaveReason: a.leaveReason,
          headcount: a.headcount,
          lastHeartbeatAt: a.lastHeartbeatAt,
        })
        .from(a)
        .where(eq(a.lessonSessionId, lessonSessionId))
        .orderBy(asc(a.joinedAt), asc(a.id)),
      mediaStates: await this.db
        .select({ participantId: m.participantId, userId: m.userId, kind: m.kind, startedAt: m.startedAt, endedAt: m.endedAt })
        .from(m)
        .where(eq(m.lessonSessionId, lessonSessionId)),
      participation: await this.db
        .select({ participantId: p.participantId, userId: p.userId, kind: p.kind, occurredAt: p.occurredAt, pollId: p.pollId, correct: p.correct })
        .from(p)
        .where(eq(p.lessonSessionId, lessonSessionId))
        .orderBy(asc(p.occurredAt), asc(p.id)),
      quality: await this.db
        .select({ participantId: q.participantId, classroomId: q.classroomId, rttMs: q.rttMs, packetLossPct: q.packetLossPct, consumerScore: q.consumerScore })
        .from(q)
        .where(eq(q.lessonSessionId, lessonSessionId)),
    };
  }

  async names(ids: { userIds: readonly number[]; classroomIds: readonly number[]; schoolIds: readonly number[] }): Promise<ReportNames> {
    const names: ReportNames = { users: new Map(), classrooms: new Map(), schools: new Map() };
    for (const part of chunks(ids.userIds)) {
      for (const u of await this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, part))) names.users.set(u.id, u.name);
    }
    for (const part of chunks(ids.classroomIds)) {
      const rows = await this.db
        .select({ id: classrooms.id, name: classrooms.name, schoolName: schools.name })
        .from(classrooms)
        .innerJoin(schools, eq(schools.id, classrooms.schoolId))
        .where(inArray(classrooms.id, part));
      for (const c of rows) names.classrooms.set(c.id, { name: c.name, schoolName: c.schoolName });
    }
    for (const part of chunks(ids.schoolIds)) {
      for (const s of await this.db.select({ id: schools.id, name: schools.name }).from(schools).where(inArray(schools.id, part))) names.schools.set(s.id, s.name);
    }
    return names;
  }

  #sessions() {
    return this.db
      .select(SESSION_COLUMNS)
      .from(lessonSessions)
      .innerJoin(courses, eq(courses.id, lessonSessions.courseId))
      .innerJoin(users, eq(users.id, courses.leadTeacherId))
      .innerJoin(schools, eq(schools.id, courses.schoolId))
      .$dynamic();
  }
}
