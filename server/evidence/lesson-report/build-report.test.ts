import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../../shared/time.js';
import { buildLessonReport, type ReportInputs } from './build-report.js';
import type { AttendanceRow } from './repository.js';

const at = (time: string) => shanghaiInstant('2025-06-04', time);
const TEACHER = 50;
const ASSISTANT = 60;
const STUDENT = 70;
const ROOM = 80;

const attendance = (row: Partial<AttendanceRow> & Pick<AttendanceRow, 'participantId' | 'userId' | 'siteKind' | 'joinedAt'>): AttendanceRow => ({
  classroomId: null,
  schoolId: null,
  leftAt: null,
  leaveReason: null,
  headcount: null,
  lastHeartbeatAt: row.joinedAt,
  ...row,
});

/** A 40-minute lesson with the lead teacher, a receiving classroom that dropped and came back, its assistant, and a student. */
const inputs: ReportInputs = {
  session: {
    id: 1,
    courseId: 7,
    startedAt: at('09:00'),
    endedAt: at('09:40'),
    endReason: 'ended_by_teacher',
    evidenceIncomplete: false,
    courseName: '三年级音乐',
    subject: 'music',
    kind: 'delivered',
    grade: 3,
    leadTeacherId: TEACHER,
    leadTeacherName: '王老师',
    hostSchoolName: '城关第一小学',
  },
  receivers: [
    { classroomId: 10, classroomName: '教学点教室', schoolName: '石门教学点', assistantTeacherId: ASSISTANT, expectedStudents: 12 },
    { classroomId: 11, classroomName: '村小教室', schoolName: '河口村小', assistantTeacherId: null, expectedStudents: 8 },
  ],
  names: {
    users: new Map([
      [TEACHER, '王老师'],
      [ASSISTANT, '李老师'],
      [STUDENT, '小明'],
      [ROOM, '石门教学点 教学点教室'],
    ]),
    classrooms: new Map([
      [1, { name: '三年级(1)班', schoolName: '城关第一小学' }],
      [10, { name: '教学点教室', schoolName: '石门教学点' }],
    ]),
    schools: new Map([
      [100, '城关第一小学'],
      [101, '石门教学点'],
    ]),
  },
  evidence: {
    attendance: [
      attendance({ participantId: 't', userId: TEACHER, siteKind: 'host', classroomId: 1, schoolId: 100, joinedAt: at('09:00'), leftAt: at('09:40'), leaveReason: 'lesson_ended' }),
      attendance({ participantId: 'r1', userId: ROOM, siteKind: 'receiving_classroom', classroomId: 10, schoolId: 101, joinedAt: at('09:01'), leftAt: at('09:10'), leaveReason: 'connection_lost', headcount: 10 }),
      attendance({ participantId: 's', userId: STUDENT, siteKind: 'student', schoolId: 101, joinedAt: at('09:02'), lastHeartbeatAt: at('09:30') }),
      attendance({ participantId: 'a', userId: ASSISTANT, siteKind: 'receiving_classroom', classroomId: 10, schoolId: 101, joinedAt: at('09:05'), leftAt: at('09:20'), leaveReason: 'left' }),
      // Back from a second device before the first one's interval closed: the minute they overlap counts once.
      attendance({ participantId: 'r2', userId: ROOM, siteKind: 'receiving_classroom', classroomId: 10, schoolId: 101, joinedAt: at('09:09'), leftAt: at('09:40'), leaveReason: 'lesson_ended', headcount: 12 }),
    ],
    mediaStates: [
      { participantId: 't', userId: TEACHER, kind: 'speaking', startedAt: at('09:00'), endedAt: at('09:20') },
      { participantId: 'r2', userId: ROOM, kind: 'speaking', startedAt: at('09:20'), endedAt: at('09:25') },
      { participantId: 'r2', userId: ROOM, kind: 'camera_on', startedAt: at('09:09'), endedAt: null },
    ],
    participation: [
      { participantId: 'r1', userId: ROOM, kind: 'hand_raised', occurredAt: at('09:03'), pollId: null, correct: null },
      { participantId: 'r1', userId: ROOM, kind: 'stage_invited', occurredAt: at('09:04'), pollId: null, correct: null },
      { participantId: 'r1', userId: ROOM, kind: 'chat_message', occurredAt: at('09:05'), pollId: null, correct: null },
      { participantId: 's', userId: STUDENT, kind: 'chat_message', occurredAt: at('09:06'), pollId: null, correct: null },
      { participantId: 's', userId: STUDENT, kind: 'chat_message', occurredAt: at('09:06'), pollId: null, correct: null },
      { participantId: 'r2', userId: ROOM, kind: 'poll_answer', occurredAt: at('09:30'), pollId: 'p1', correct: true },
      { participantId: 's', userId: STUDENT, kind: 'poll_answer', occurredAt: at('09:31'), pollId: 'p1', correct: false },
      { participantId: 's', userId: STUDENT, kind: 'poll_answer', occurredAt: at('09:32'), pollId: 'p2', correct: true },
    ],
    quality: [
      { participantId: 'r1', classroomId: 10, rttMs: 100, packetLossPct: 1, consumerScore: 9 },
      { participantId: 'r2', classroomId: 10, rttMs: 700, packetLossPct: 0, consumerScore: 8 },
      { participantId: 't', classroomId: 1, rttMs: 20, packetLossPct: 0, consumerScore: 10 },
    ],
  },
};
const options = { now: at('10:00'), deliveredMinMinutes: 20, scope: 'full' as const, viewerUserId: TEACHER };

describe('buildLessonReport', () => {
  it('gives each site its minutes, counts and activity score', () => {
    const report = buildLessonReport(inputs, options);
    expect(report.header).toMatchObject({ startedAt: '2025-06-04T09:00:00+08:00', endedAt: '2025-06-04T09:40:00+08:00', durationMinutes: 40, delivered: true, pollsInLesson: 2 });
    expect(report.header.minutesByDay).toEqual([{ date: '2025-06-04', weekStart: '2025-06-02', minutes: 40 }]);
    const rows = report.participants.map((p) => ({
      name: p.displayName,
      kind: p.kind,
      online: p.onlineMinutes,
      talk: p.talkMinutes,
      webcam: p.webcamMinutes,
      messages: p.messages,
      hands: p.handRaises,
      stage: p.stageInvitations,
      polls: [p.pollAnswers, p.pollCorrect],
      score: p.activityScore,
      spells: p.spells.length,
    }));
    expect(rows).toEqual([
      { name: '王老师', kind: 'lead_teacher', online: 40, talk: 20, webcam: 0, messages: 0, hands: 0, stage: 0, polls: [0, 0], score: null, spells: 1 },
      // 09:01–09:10 and 09:09–09:40 → 39 minutes; the camera left open runs to the lesson's end (31).
      // Score: talk 5/5 → 20, messages 20 (the student's two messages fell in one minute: one active
      // minute each), hand 20, stage 20, polls 1/2 → 10.
      { name: '石门教学点 教学点教室', kind: 'receiving_classroom', online: 39, talk: 5, webcam: 31, messages: 1, hands: 1, stage: 1, polls: [1, 1], score: 90, spells: 2 },
      { name: '李老师', kind: 'assistant_teacher', online: 15, talk: 0, webcam: 0, messages: 0, hands: 0, stage: 0, polls: [0, 0], score: 0, spells: 1 },
      // Never left before a crash: present until her last heartbeat (09:02–09:30). Score: messages 20, polls 2/2 → 20.
      { name: '小明', kind: 'student', online: 28, talk: 0, webcam: 0, messages: 2, hands: 0, stage: 0, polls: [2, 1], score: 40, spells: 1 },
    ]);
    expect(report.participants[1]!.spells).toEqual([
      { joinedAt: '2025-06-04T09:01:00+08:00', leftAt: '2025-06-04T09:10:00+08:00', leaveReason: 'connection_lost' },
      { joinedAt: '2025-06-04T09:09:00+08:00', leftAt: '2025-06-04T09:40:00+08:00', leaveReason: 'lesson_ended' },
    ]);
  });

  it('lists every receiving classroom with its headcount, connected minutes and quality', () => {
    expect(buildLessonReport(inputs, options).classrooms).toEqual([
      {
        classroomId: 10,
        classroomName: '教学点教室',
        schoolName: '石门教学点',
        expectedStudents: 12,
        presentStudents: 12,
        connectedMinutes: 39,
        quality: { samples: 2, avgRttMs: 400, avgPacketLossPct: 0.5, poorPct: 50 },
      },
      {
        classroomId: 11,
        classroomName: '村小教室',
        schoolName: '河口村小',
        expectedStudents: 8,
        presentStudents: null,
        connectedMinutes: 0,
        quality: { samples: 0, avgRttMs: null, avgPacketLossPct: null, poorPct: null },
      },
    ]);
  });

  it('orders the timeline and leaves chat out of it', () => {
    const timeline = buildLessonReport(inputs, options).timeline.map((e) => `${e.at.slice(11, 16)} ${e.kind} ${e.displayName}`);
    expect(timeline).toEqual([
      '09:00 joined 王老师',
      '09:01 joined 石门教学点 教学点教室',
      '09:02 joined 小明',
      '09:03 hand_raised 石门教学点 教学点教室',
      '09:04 stage_invited 石门教学点 教学点教室',
      '09:05 joined 李老师',
      '09:09 joined 石门教学点 教学点教室',
      '09:10 left 石门教学点 教学点教室',
      '09:20 left 李老师',
      '09:30 poll_answer 石门教学点 教学点教室',
      '09:31 poll_answer 小明',
      '09:32 poll_answer 小明',
      '09:40 left 王老师',
      '09:40 left 石门教学点 教学点教室',
    ]);
  });

  it("shows a student only her own figures and timeline, scored among everyone's", () => {
    const report = buildLessonReport(inputs, { ...options, scope: 'own', viewerUserId: STUDENT });
    expect(report.participants.map((p) => [p.displayName, p.activityScore])).toEqual([['小明', 40]]);
    expect(report.classrooms).toEqual([]);
    expect(new Set(report.timeline.map((e) => e.userId))).toEqual(new Set([STUDENT]));
  });

  it('runs a live lesson to now', () => {
    const live = { ...inputs, session: { ...inputs.session, endedAt: null, endReason: null } };
    const report = buildLessonReport(live, { ...options, now: at('09:15') });
    expect(report.header).toMatchObject({ live: true, endedAt: null, durationMinutes: 15, delivered: false });
    // The student's open interval runs to now while the lesson is live (not to her last heartbeat).
    expect(report.participants.find((p) => p.displayName === '小明')?.onlineMinutes).toBe(13);
  });

  it('counts broadcast viewers and their minutes in the header, and lists only the one called on stage', () => {
    const viewerRow = (n: number, from: string, to: string) =>
      attendance({ participantId: `v${n}`, userId: 900 + n, siteKind: 'viewer', schoolId: 102, joinedAt: at(from), leftAt: at(to), leaveReason: 'left' });
    const withViewers: ReportInputs = {
      ...inputs,
      evidence: {
        ...inputs.evidence,
        attendance: [...inputs.evidence.attendance, viewerRow(1, '09:00', '09:30'), viewerRow(2, '09:10', '09:20'), viewerRow(3, '09:05', '09:40')],
        participation: [...inputs.evidence.participation, { participantId: 'v3', userId: 903, kind: 'stage_invited', occurredAt: at('09:15'), pollId: null, correct: null }],
      },
    };
    const report = buildLessonReport(withViewers, options);
    expect(report.header.liveViewers).toEqual({ count: 3, minutes: 75 });
    expect(report.participants.filter((p) => p.kind === 'viewer').map((p) => [p.userId, p.onlineMinutes, p.activityScore])).toEqual([[903, 35, null]]);
    // The sites' scores are as without viewers.
    expect(report.participants.find((p) => p.kind === 'student')!.activityScore).toBe(40);
    expect(buildLessonReport(inputs, options).header.liveViewers).toEqual({ count: 0, minutes: 0 });
  });
});
