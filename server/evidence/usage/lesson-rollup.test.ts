import { describe, expect, it } from 'vitest';
import { mondayOf, shanghaiInstant } from '../../../shared/time.js';
import { computeLessonRollup, type LessonEvidence, type SiteDayRow } from './lesson-rollup.js';
import { mergeSpans, unionByShanghaiDay } from '../metrics.js';

const at = (date: string, time: string, seconds = 0) => shanghaiInstant(date, time).getTime() + seconds * 1000;
const host = { regionId: 1, groupId: 10, schoolId: 100 };
const point = { regionId: 1, groupId: 10, schoolId: 101 };
const otherPoint = { regionId: 1, groupId: 10, schoolId: 102 };

/**
 * A music lesson from Sunday 6 Sep 2026 23:40 to Monday 00:20 Shanghai time: it crosses midnight and the
 * week boundary. Teacher 50 hosts from classroom 1000; classroom 1010 (12 students expected, assistant 60)
 * joins 23:45–00:15 over two connections that overlap and reports 10 present; classroom 1020 (8 expected,
 * assistant 61) never joins; enrolled students 70 (at home) and 71 of school 101 — only 70 joins.
 */
function evidence(overrides: Partial<LessonEvidence> = {}): LessonEvidence {
  return {
    lesson: { id: 1, courseId: 7, startedAt: at('2026-09-06', '23:40'), startedBy: 50, endedAt: at('2026-09-07', '00:20'), lastHeartbeatAt: at('2026-09-07', '00:20'), scheduledLessonId: 900 },
    course: { termId: 3, subject: 'music', kind: 'delivered', leadTeacherId: 50, hostClassroomId: 1000, host },
    receivers: [
      { classroomId: 1010, place: point, expectedStudents: 12, assistantTeacherId: 60 },
      { classroomId: 1020, place: otherPoint, expectedStudents: 8, assistantTeacherId: 61 },
    ],
    enrolled: [
      { userId: 70, place: point, homeDelivery: true },
      { userId: 71, place: point, homeDelivery: false },
    ],
    attendance: [
      { participantId: 'p-teacher', userId: 50, siteKind: 'host', classroomId: 1000, schoolId: 100, joinedAt: at('2026-09-06', '23:40'), leftAt: at('2026-09-07', '00:20'), lastHeartbeatAt: at('2026-09-07', '00:20'), headcount: null },
      // The device's first connection drops at 00:05; the reconnect at 23:58 overlaps it: counted once.
      { participantId: 'p-room', userId: 80, siteKind: 'receiving_classroom', classroomId: 1010, schoolId: 101, joinedAt: at('2026-09-06', '23:45'), leftAt: at('2026-09-07', '00:05'), lastHeartbeatAt: at('2026-09-07', '00:05'), headcount: 9 },
      { participantId: 'p-room-2', userId: 80, siteKind: 'receiving_classroom', classroomId: 1010, schoolId: 101, joinedAt: at('2026-09-06', '23:58'), leftAt: at('2026-09-07', '00:15'), lastHeartbeatAt: at('2026-09-07', '00:15'), headcount: 10 },
      { participantId: 'p-home', userId: 70, siteKind: 'student', classroomId: null, schoolId: 101, joinedAt: at('2026-09-07', '00:00'), leftAt: null, lastHeartbeatAt: at('2026-09-07', '00:10'), headcount: null },
      // A county admin watching is nobody's site and no teacher.
      { participantId: 'p-admin', userId: 2, siteKind: 'observer', classroomId: null, schoolId: null, joinedAt: at('2026-09-06', '23:50'), leftAt: at('2026-09-06', '23:55'), lastHeartbeatAt: at('2026-09-06', '23:55'), headcount: null },
    ],
    participation: [
      { participantId: 'p-room', userId: 80, classroomId: 1010, kind: 'hand_raised', occurredAt: at('2026-09-06', '23:50') },
      { participantId: 'p-room', userId: 80, classroomId: 1010, kind: 'hand_lowered', occurredAt: at('2026-09-06', '23:51') },
      { participantId: 'p-room-2', userId: 80, classroomId: 1010, kind: 'poll_answer', occurredAt: at('2026-09-07', '00:02') },
      { participantId: 'p-home', userId: 70, classroomId: null, kind: 'chat_message', occurredAt: at('2026-09-07', '00:03') },
      { participantId: 'p-home', userId: 70, classroomId: null, kind: 'chat_message', occurredAt: at('2026-09-07', '00:04') },
    ],
    classroomPlaces: new Map([
      [1000, host],
      [1010, point],
    ]),
    schoolPlaces: new Map([
      [100, host],
      [101, point],
    ]),
    teacherIds: new Set([50, 60, 61]),
    ...overrides,
  };
}

const row = (rows: SiteDayRow[], classroomId: number | null, day: string, siteKind = classroomId === null ? 'student' : undefined) =>
  rows.find((r) => r.classroomId === classroomId && r.day === day && (siteKind === undefined || r.siteKind === siteKind));

describe('usage roll-up of one lesson', () => {
  it('splits connected time at Shanghai midnight and counts the lesson once, on the day and week it started', () => {
    const { siteDays } = computeLessonRollup(evidence());
    const sunday = row(siteDays, 1000, '2026-09-06');
    const monday = row(siteDays, 1000, '2026-09-07');
    expect(sunday).toMatchObject({ siteKind: 'host', week: '2026-08-31', lessonStart: true, lessonSeconds: 2400, siteLessonSeconds: 2400, connectedSeconds: 1200 });
    expect(monday).toMatchObject({ siteKind: 'host', week: '2026-09-07', lessonStart: false, lessonSeconds: 2400, connectedSeconds: 1200 });
    // Only the host, the two receiving classrooms and the students of school 101 are sites.
    expect(new Set(siteDays.map((r) => `${r.siteKind}:${r.classroomId ?? r.schoolId}`))).toEqual(new Set(['host:1000', 'receiving_classroom:1010', 'receiving_classroom:1020', 'student:101']));
    expect(siteDays.filter((r) => r.lessonStart)).toHaveLength(4);
  });

  it('counts overlapping connections of one classroom once, with its headcount as attendance', () => {
    const { siteDays } = computeLessonRollup(evidence());
    // 23:45 → 00:15 = 30 min, 15 before midnight and 15 after.
    expect(row(siteDays, 1010, '2026-09-06')).toMatchObject({
      lessonStart: true,
      siteLessonSeconds: 1800,
      connectedSeconds: 900,
      studentsExpected: 12,
      attendanceExpected: 12,
      attendancePresent: 10,
      participantsPresent: 1,
      participantsActive: 1,
      hands: 1,
      pollAnswers: 0,
    });
    expect(row(siteDays, 1010, '2026-09-07')).toMatchObject({ lessonStart: false, siteLessonSeconds: 1800, connectedSeconds: 900, attendanceExpected: 0, pollAnswers: 1 });
  });

  it('counts every expected student of a classroom that never joined as absent', () => {
    const { siteDays } = computeLessonRollup(evidence());
    const missing = siteDays.filter((r) => r.classroomId === 1020);
    expect(missing).toEqual([expect.objectContaining({ day: '2026-09-06', lessonStart: true, siteLessonSeconds: 0, connectedSeconds: 0, attendanceExpected: 8, attendancePresent: 0 })]);
  });

  it('leaves a connected classroom without a headcount out of the attendance rate', () => {
    const base = evidence();
    const { siteDays } = computeLessonRollup({ ...base, attendance: base.attendance.map((a) => ({ ...a, headcount: null })) });
    expect(row(siteDays, 1010, '2026-09-06')).toMatchObject({ studentsExpected: 12, attendanceExpected: 0, attendancePresent: 0 });
  });

  it('counts enrolled individual students and home-delivery students who joined, after midnight too', () => {
    const { siteDays } = computeLessonRollup(evidence());
    // The student site has no connection on Sunday, but the lesson's figures stay on its start day.
    expect(row(siteDays, null, '2026-09-06')).toMatchObject({ lessonStart: true, connectedSeconds: 0, siteLessonSeconds: 600, attendanceExpected: 2, attendancePresent: 1, homeExpected: 1, homePresent: 1, participantsActive: 1 });
    expect(row(siteDays, null, '2026-09-07')).toMatchObject({ lessonStart: false, connectedSeconds: 600, chatMessages: 2 });
  });

  it('counts a site whose only act was writing on the board with the pen as taking part', () => {
    const onlyPen = (kind: 'board_pen_turn' | 'hand_lowered') =>
      computeLessonRollup(evidence({ participation: [{ participantId: 'p-home', userId: 70, classroomId: null, kind, occurredAt: at('2026-09-07', '00:03') }] })).siteDays;
    expect(row(onlyPen('board_pen_turn'), null, '2026-09-06')).toMatchObject({ participantsActive: 1 });
    expect(row(onlyPen('hand_lowered'), null, '2026-09-06')).toMatchObject({ participantsActive: 0 });
  });

  it('lists the lead teacher and the assistant of each classroom that joined, not of one that did not', () => {
    const { teachers } = computeLessonRollup(evidence());
    expect(teachers.map((t) => [t.userId, t.part, t.schoolId, t.day])).toEqual([
      [50, 'lead', 100, '2026-09-06'],
      [60, 'assistant', 101, '2026-09-06'],
    ]);
  });

  it('ends a lesson that was never closed at its last heartbeat', () => {
    const base = evidence();
    const { siteDays } = computeLessonRollup({ ...base, lesson: { ...base.lesson, endedAt: null, lastHeartbeatAt: at('2026-09-06', '23:50') } });
    expect(row(siteDays, 1000, '2026-09-06')).toMatchObject({ lessonSeconds: 600, siteLessonSeconds: 600 });
    expect(row(siteDays, 1000, '2026-09-07')).toBeUndefined();
  });
});

describe('interval arithmetic', () => {
  it('merges overlapping and touching spans', () => {
    expect(mergeSpans([{ start: 5, end: 9 }, { start: 0, end: 3 }, { start: 3, end: 4 }, { start: 8, end: 12 }, { start: 20, end: 20 }])).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 12 },
    ]);
  });

  it('splits a span over two midnights into three Shanghai days', () => {
    const days = unionByShanghaiDay([{ start: at('2026-09-06', '23:00'), end: at('2026-09-08', '01:00') }]);
    expect(days.map((d) => [d.date, d.ms])).toEqual([
      ['2026-09-06', 3_600_000],
      ['2026-09-07', 86_400_000],
      ['2026-09-08', 3_600_000],
    ]);
  });

  it('starts weeks on Monday', () => {
    expect(mondayOf('2026-09-06')).toBe('2026-08-31');
    expect(mondayOf('2026-09-07')).toBe('2026-09-07');
    expect(mondayOf('2026-09-13')).toBe('2026-09-07');
  });
});
