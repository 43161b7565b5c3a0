import type { TongkeDb } from '../db/store.js';
import { groupBy } from '../core/lists.js';
import { refreshLessonRollups } from '../evidence/usage/maintain.js';
import { DemoRepository, type AttendanceValues, type MediaStateValues, type ParticipationValues } from './demo-repository.js';

/** Which teaching point falls behind (the dashboards should show one). */
const LAGGING_SCHOOL = '杨柳村教学点';
const LAGGING_SUBJECTS = new Set(['music', 'art']);

/** A deterministic value in [0, 1) from integers, so a demo looks the same every time it is seeded. */
export function noise(...parts: number[]): number {
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
 * Everything is decided in memory first and written as multi-row inserts in one transaction: a round trip
 * per row would make the seed slow on PostgreSQL.
 */
export async function seedDemoHistory(db: TongkeDb, now = new Date()): Promise<number> {
  const repo = new DemoRepository(db);
  if ((await repo.sessionCount()) > 0) return 0;
  const lessons = await repo.pastLessons(now);
  const receivers = groupBy(await repo.receivers(), (r) => r.courseId);
  const homeStudents = groupBy(await repo.homeStudents(), (s) => s.courseId);

  // One lesson in twelve did not take place (teacher ill, a school event).
  const heldLessons = lessons
    .filter((lesson) => noise(lesson.id, 1) >= 0.08)
    .map((lesson) => ({
      ...lesson,
      startedAt: new Date(lesson.startsAt.getTime() + Math.floor(noise(lesson.id, 2) * 3) * MINUTE),
      endedAt: new Date(lesson.endsAt.getTime() - Math.floor(noise(lesson.id, 3) * 3) * MINUTE),
    }));

  const sessionIds = await db.transaction(async () => {
    const sessionOf = await repo.insertSessions(
      heldLessons.map((lesson) => ({
        courseId: lesson.courseId,
        scheduledLessonId: lesson.id,
        startedAt: lesson.startedAt,
        startedBy: lesson.leadTeacherId,
        endedAt: lesson.endedAt,
        endedBy: lesson.leadTeacherId,
        endReason: 'ended_by_teacher' as const,
        lastHeartbeatAt: lesson.endedAt,
      })),
    );

    const attendance: AttendanceValues[] = [];
    const mediaStates: MediaStateValues[] = [];
    const participation: ParticipationValues[] = [];
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
    await repo.insertEvidence({ attendance, mediaStates, participation });
    return heldLessons.map((lesson) => sessionOf.get(lesson.id)!);
  });
  for (const id of sessionIds) await refreshLessonRollups(db, id);
  return sessionIds.length;
}
