import { and, count, eq, lt } from 'drizzle-orm';
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
  scheduledLessons,
  schools,
  studentProfiles,
} from '../db/schema/index.js';
import { chunks, groupBy } from '../core/lists.js';
import { refreshLessonRollups } from '../evidence/usage/maintain.js';

/** Which teaching point falls behind (the dashboards should show one). */
const LAGGING_SCHOOL = '杨柳村教学点';
const LAGGING_SUBJECTS = new Set(['music', 'art']);

/** A deterministic value in [0, 1) from integers, so a demo looks the same every time it is seeded. */
function noise(...parts: number[]): number {
  // murmur3's finaliser per part: well mixed even for small, consecutive ids.
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ part, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4_294_967_296;
}

const MINUTE = 60_000;

/** Rows per multi-row INSERT: well under both stores' bound-parameter caps for these tables' column counts. */
const ROWS_PER_INSERT = 500;

type AttendanceRow = typeof attendanceIntervals.$inferInsert;
type MediaStateRow = typeof mediaStateIntervals.$inferInsert;
type ParticipationRow = typeof participationEvents.$inferInsert;

/**
 * Gives the demo county the term so far as lessons that "happened": lesson sessions for most timetabled
 * lessons before now, the receiving classrooms that joined (with headcounts), the 送教上门 students who joined from
 * home, hands, quiz answers and chat counts,
 * and the roll-ups the dashboards read — with one teaching point that often missed its music and art. Only
 * into a county that has never held a lesson, so it is safe to call again. Returns the sessions created.
 * Everything is decided in memory first and written as multi-row inserts in one transaction: a round trip
 * per row would make the seed slow on PostgreSQL.
 */
export async function seedDemoHistory(db: TongkeDb, now = new Date()): Promise<number> {
  const [held] = await db.select({ n: count() }).from(lessonSessions);
  if ((held?.n ?? 0) > 0) return 0;
  const lessons = await db
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
    .orderBy(scheduledLessons.id);
  const receivers = groupBy(
    await db
      .select({ courseId: courseReceivers.courseId, classroomId: courseReceivers.classroomId, expected: courseReceivers.expectedStudents, schoolId: schools.id, schoolName: schools.name })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .orderBy(courseReceivers.courseId, courseReceivers.classroomId),
    (r) => r.courseId,
  );
  /** The courses' 送教上门 students, who follow them from home on their own device. */
  const homeStudents = groupBy(
    await db
      .select({ courseId: courseStudents.courseId, userId: courseStudents.studentId, schoolId: studentProfiles.schoolId })
      .from(courseStudents)
      .innerJoin(studentProfiles, eq(studentProfiles.userId, courseStudents.studentId))
      .where(eq(studentProfiles.homeDelivery, true))
      .orderBy(courseStudents.courseId, courseStudents.studentId),
    (s) => s.courseId,
  );

  // One lesson in twelve did not take place (teacher ill, a school event).
  const heldLessons = lessons
    .filter((lesson) => noise(lesson.id, 1) >= 0.08)
    .map((lesson) => ({
      ...lesson,
      startedAt: new Date(lesson.startsAt.getTime() + Math.floor(noise(lesson.id, 2) * 3) * MINUTE),
      endedAt: new Date(lesson.endsAt.getTime() - Math.floor(noise(lesson.id, 3) * 3) * MINUTE),
    }));

  const sessionIds = await db.transaction(async () => {
    const sessionOf = new Map<number, number>();
    for (const part of chunks(heldLessons, ROWS_PER_INSERT)) {
      const inserted = await db
        .insert(lessonSessions)
        .values(
          part.map((lesson) => ({
            courseId: lesson.courseId,
            scheduledLessonId: lesson.id,
            startedAt: lesson.startedAt,
            startedBy: lesson.leadTeacherId,
            endedAt: lesson.endedAt,
            endedBy: lesson.leadTeacherId,
            endReason: 'ended_by_teacher' as const,
            lastHeartbeatAt: lesson.endedAt,
          })),
        )
        .returning({ id: lessonSessions.id, scheduledLessonId: lessonSessions.scheduledLessonId });
      // Matched by scheduled lesson rather than by position: the order RETURNING lists rows in is not promised.
      for (const row of inserted) sessionOf.set(row.scheduledLessonId!, row.id);
    }

    const attendance: AttendanceRow[] = [];
    const mediaStates: MediaStateRow[] = [];
    const participation: ParticipationRow[] = [];
    for (const lesson of heldLessons) {
      const sessionId = sessionOf.get(lesson.id)!;
      const { startedAt, endedAt } = lesson;
      const host = `demo-${sessionId}-host`;
      attendance.push({ lessonSessionId: sessionId, regionId: lesson.regionId, participantId: host, userId: lesson.leadTeacherId, siteKind: 'host', classroomId: lesson.hostClassroomId, schoolId: lesson.hostSchoolId, joinedAt: startedAt, leftAt: endedAt, leaveReason: 'lesson_ended', lastHeartbeatAt: endedAt });
      mediaStates.push({ lessonSessionId: sessionId, participantId: host, userId: lesson.leadTeacherId, classroomId: lesson.hostClassroomId, schoolId: lesson.hostSchoolId, kind: 'camera_on', startedAt, endedAt });
      for (const receiver of receivers.get(lesson.courseId) ?? []) {
        const missProbability = receiver.schoolName === LAGGING_SCHOOL && LAGGING_SUBJECTS.has(lesson.subject) ? 0.55 : 0.06;
        if (noise(lesson.id, receiver.classroomId, 4) < missProbability) continue;
        const participantId = `demo-${sessionId}-room-${receiver.classroomId}`;
        const joinedAt = new Date(startedAt.getTime() + Math.floor(noise(lesson.id, receiver.classroomId, 5) * 2) * MINUTE);
        const where = { lessonSessionId: sessionId, participantId, classroomId: receiver.classroomId, schoolId: receiver.schoolId };
        const headcount = Math.max(0, receiver.expected - Math.floor(noise(lesson.id, receiver.classroomId, 6) * 3));
        attendance.push({ ...where, regionId: lesson.regionId, siteKind: 'receiving_classroom', joinedAt, leftAt: endedAt, leaveReason: 'lesson_ended', headcount, lastHeartbeatAt: endedAt });
        mediaStates.push({ ...where, kind: 'camera_on', startedAt: joinedAt, endedAt });
        const minute = (n: number) => new Date(joinedAt.getTime() + n * MINUTE);
        const event = { ...where, regionId: lesson.regionId };
        const hands = Math.floor(noise(lesson.id, receiver.classroomId, 7) * 4);
        for (let i = 0; i < hands; i++) participation.push({ ...event, kind: 'hand_raised', occurredAt: minute(5 + i * 7) });
        if (hands > 0) participation.push({ ...event, kind: 'stage_invited', occurredAt: minute(6) });
        // Not every lesson has a quiz, and not every room takes part.
        const quiz = noise(lesson.id, receiver.classroomId, 8);
        if (quiz > 0.35) participation.push({ ...event, kind: 'poll_answer', occurredAt: minute(30), pollId: `demo-${sessionId}-quiz`, correct: quiz > 0.5 });
        if (noise(lesson.id, receiver.classroomId, 9) > 0.5) participation.push({ ...event, kind: 'chat_message', occurredAt: minute(12) });
      }
      // Home-delivered students join most lessons, a few minutes late at times; illness keeps them away from some.
      for (const student of homeStudents.get(lesson.courseId) ?? []) {
        if (noise(lesson.id, student.userId, 10) < 0.2) continue;
        const joinedAt = new Date(startedAt.getTime() + Math.floor(noise(lesson.id, student.userId, 11) * 5) * MINUTE);
        const participantId = `demo-${sessionId}-student-${student.userId}`;
        const where = { lessonSessionId: sessionId, participantId, userId: student.userId, classroomId: null, schoolId: student.schoolId, regionId: lesson.regionId };
        attendance.push({ ...where, siteKind: 'student', joinedAt, leftAt: endedAt, leaveReason: 'lesson_ended', lastHeartbeatAt: endedAt });
        if (noise(lesson.id, student.userId, 12) > 0.6) participation.push({ ...where, kind: 'hand_raised', occurredAt: new Date(joinedAt.getTime() + 10 * MINUTE) });
      }
    }
    for (const part of chunks(attendance, ROWS_PER_INSERT)) await db.insert(attendanceIntervals).values(part);
    for (const part of chunks(mediaStates, ROWS_PER_INSERT)) await db.insert(mediaStateIntervals).values(part);
    for (const part of chunks(participation, ROWS_PER_INSERT)) await db.insert(participationEvents).values(part);
    return heldLessons.map((lesson) => sessionOf.get(lesson.id)!);
  });
  for (const id of sessionIds) await refreshLessonRollups(db, id);
  return sessionIds.length;
}
