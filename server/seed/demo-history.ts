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

/**
 * Gives the demo county the term so far as lessons that "happened": lesson sessions for most timetabled
 * lessons before now, the receiving classrooms that joined (with headcounts), the 送教上门 students who joined from
 * home, hands, quiz answers and chat counts,
 * and the roll-ups the dashboards read — with one teaching point that often missed its music and art. Only
 * into a county that has never held a lesson, so it is safe to call again. Returns the sessions created.
 */
export function seedDemoHistory(db: TongkeDb, now = new Date()): number {
  if ((db.select({ n: count() }).from(lessonSessions).get()?.n ?? 0) > 0) return 0;
  const lessons = db
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
    .all();
  const receiversOf = (courseId: number) =>
    db
      .select({ classroomId: courseReceivers.classroomId, expected: courseReceivers.expectedStudents, schoolId: schools.id, schoolName: schools.name })
      .from(courseReceivers)
      .innerJoin(classrooms, eq(classrooms.id, courseReceivers.classroomId))
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(courseReceivers.courseId, courseId))
      .all();
  /** The course's 送教上门 students, who follow it from home on their own device. */
  const homeStudentsOf = (courseId: number) =>
    db
      .select({ userId: courseStudents.studentId, schoolId: studentProfiles.schoolId })
      .from(courseStudents)
      .innerJoin(studentProfiles, eq(studentProfiles.userId, courseStudents.studentId))
      .where(and(eq(courseStudents.courseId, courseId), eq(studentProfiles.homeDelivery, true)))
      .all();

  const sessionIds = db.transaction((tx) => {
    const ids: number[] = [];
    for (const lesson of lessons) {
      // One lesson in twelve did not take place (teacher ill, a school event).
      if (noise(lesson.id, 1) < 0.08) continue;
      const startedAt = new Date(lesson.startsAt.getTime() + Math.floor(noise(lesson.id, 2) * 3) * MINUTE);
      const endedAt = new Date(lesson.endsAt.getTime() - Math.floor(noise(lesson.id, 3) * 3) * MINUTE);
      const sessionId = tx
        .insert(lessonSessions)
        .values({ courseId: lesson.courseId, scheduledLessonId: lesson.id, startedAt, startedBy: lesson.leadTeacherId, endedAt, endedBy: lesson.leadTeacherId, endReason: 'ended_by_teacher', lastHeartbeatAt: endedAt })
        .returning({ id: lessonSessions.id })
        .get().id;
      ids.push(sessionId);
      const host = `demo-${sessionId}-host`;
      const site = { lessonSessionId: sessionId, regionId: lesson.regionId };
      tx.insert(attendanceIntervals)
        .values({ ...site, participantId: host, userId: lesson.leadTeacherId, siteKind: 'host', classroomId: lesson.hostClassroomId, schoolId: lesson.hostSchoolId, joinedAt: startedAt, leftAt: endedAt, leaveReason: 'lesson_ended', lastHeartbeatAt: endedAt })
        .run();
      tx.insert(mediaStateIntervals)
        .values({ lessonSessionId: sessionId, participantId: host, userId: lesson.leadTeacherId, classroomId: lesson.hostClassroomId, schoolId: lesson.hostSchoolId, kind: 'camera_on', startedAt, endedAt })
        .run();
      for (const receiver of receiversOf(lesson.courseId)) {
        const missProbability = receiver.schoolName === LAGGING_SCHOOL && LAGGING_SUBJECTS.has(lesson.subject) ? 0.55 : 0.06;
        if (noise(lesson.id, receiver.classroomId, 4) < missProbability) continue;
        const participantId = `demo-${sessionId}-room-${receiver.classroomId}`;
        const joinedAt = new Date(startedAt.getTime() + Math.floor(noise(lesson.id, receiver.classroomId, 5) * 2) * MINUTE);
        const where = { lessonSessionId: sessionId, participantId, classroomId: receiver.classroomId, schoolId: receiver.schoolId };
        const headcount = Math.max(0, receiver.expected - Math.floor(noise(lesson.id, receiver.classroomId, 6) * 3));
        tx.insert(attendanceIntervals)
          .values({ ...where, regionId: lesson.regionId, siteKind: 'receiving_classroom', joinedAt, leftAt: endedAt, leaveReason: 'lesson_ended', headcount, lastHeartbeatAt: endedAt })
          .run();
        tx.insert(mediaStateIntervals).values({ ...where, kind: 'camera_on', startedAt: joinedAt, endedAt }).run();
        const minute = (n: number) => new Date(joinedAt.getTime() + n * MINUTE);
        const hands = Math.floor(noise(lesson.id, receiver.classroomId, 7) * 4);
        for (let i = 0; i < hands; i++) {
          tx.insert(participationEvents).values({ ...where, regionId: lesson.regionId, kind: 'hand_raised', occurredAt: minute(5 + i * 7) }).run();
        }
        if (hands > 0) tx.insert(participationEvents).values({ ...where, regionId: lesson.regionId, kind: 'stage_invited', occurredAt: minute(6) }).run();
        // Not every lesson has a quiz, and not every room takes part.
        const quiz = noise(lesson.id, receiver.classroomId, 8);
        if (quiz > 0.35) tx.insert(participationEvents).values({ ...where, regionId: lesson.regionId, kind: 'poll_answer', occurredAt: minute(30), pollId: `demo-${sessionId}-quiz`, correct: quiz > 0.5 }).run();
        if (noise(lesson.id, receiver.classroomId, 9) > 0.5) tx.insert(participationEvents).values({ ...where, regionId: lesson.regionId, kind: 'chat_message', occurredAt: minute(12) }).run();
      }
      // Home-delivered students join most lessons, a few minutes late at times; illness keeps them away from some.
      for (const student of homeStudentsOf(lesson.courseId)) {
        if (noise(lesson.id, student.userId, 10) < 0.2) continue;
        const joinedAt = new Date(startedAt.getTime() + Math.floor(noise(lesson.id, student.userId, 11) * 5) * MINUTE);
        const participantId = `demo-${sessionId}-student-${student.userId}`;
        const where = { lessonSessionId: sessionId, participantId, userId: student.userId, classroomId: null, schoolId: student.schoolId };
        tx.insert(attendanceIntervals)
          .values({ ...where, regionId: lesson.regionId, siteKind: 'student', joinedAt, leftAt: endedAt, leaveReason: 'lesson_ended', lastHeartbeatAt: endedAt })
          .run();
        if (noise(lesson.id, student.userId, 12) > 0.6) tx.insert(participationEvents).values({ ...where, regionId: lesson.regionId, kind: 'hand_raised', occurredAt: new Date(joinedAt.getTime() + 10 * MINUTE) }).run();
      }
    }
    return ids;
  });
  for (const id of sessionIds) refreshLessonRollups(db, id);
  return sessionIds.length;
}
