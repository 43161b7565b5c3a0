import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { LessonReport, LessonReportList } from '../../shared/api/evidence-lesson.js';
import { attendanceIntervals, lessonSessions, mediaStateIntervals, participationEvents } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket, closedAttendance, lessonDriver } from '../support/lesson-socket.js';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('usage evidence of a real lesson (real gateway, real worker)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  let lessonSessionId: number;
  let teacherId: string;
  let roomId: string;
  let pollId: string;

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
    const { connect, join } = lessonDriver(() => f, sockets);

    const teacher = await connect('teacher');
    ({ lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId }));
    teacherId = (await join(teacher)).participantId;
    const send = await teacher.request('transport:create', { direction: 'send' });
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });

    const room = await connect('classroom_device');
    roomId = (await join(room)).participantId;
    await room.request('classroom:headcount', { count: 9 });
    await room.request('hand:raise', {});
    await room.request('chat:send', { text: '老师好' });
    ({ pollId } = await teacher.request('poll:create', { question: '1+1=?', options: ['1', '2'], multiple: false, correct: [1] }));
    await room.request('poll:answer', { pollId, choices: [1] });

    // The classroom's link drops and comes back within the grace period: the same participant, the same interval.
    room.close();
    await teacher.nextParticipant('updated', (p) => p.id === roomId && p.connection === 'reconnecting');
    const back = await connect('classroom_device');
    const rejoined = await join(back);
    expect(rejoined).toMatchObject({ participantId: roomId, resumed: true });
    // Long enough for whole tenths of a minute.
    await sleep(4_000);
    await teacher.request('lesson:end', {});
    await back.nextEvent('lesson:ended');
    // The evidence is written a moment after the sites are told.
    await closedAttendance(f.db, lessonSessionId);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('leaves exactly the expected rows in the evidence tables', async () => {
    const [session] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)).limit(1);
    const attendance = await f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(attendanceIntervals.id));
    expect(attendance.map((a) => ({ p: a.participantId, user: a.userId, kind: a.siteKind, classroom: a.classroomId, reason: a.leaveReason, left: a.leftAt, headcount: a.headcount }))).toEqual([
      { p: teacherId, user: f.ids.users.teacher, kind: 'host', classroom: f.ids.hostClassroomId, reason: 'lesson_ended', left: session!.endedAt, headcount: null },
      { p: roomId, user: f.ids.users.classroom_device, kind: 'receiving_classroom', classroom: f.ids.receivingClassroomId, reason: 'lesson_ended', left: session!.endedAt, headcount: 9 },
    ]);

    const media = await f.db.select().from(mediaStateIntervals).where(eq(mediaStateIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(mediaStateIntervals.id));
    // The only microphone is the dominant speaker from the observer's first tick on (mediasoup's rule).
    expect(media.map((m) => [m.participantId, m.kind]).sort()).toEqual([
      [teacherId, 'camera_on'],
      [teacherId, 'mic_on'],
      [teacherId, 'speaking'],
    ]);
    for (const m of media) expect(m.endedAt).toEqual(session!.endedAt);

    const events = await f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId)).orderBy(asc(participationEvents.id));
    expect(events.map((e) => [e.participantId, e.kind, e.pollId, e.correct])).toEqual([
      [roomId, 'hand_raised', null, null],
      [roomId, 'chat_message', null, null],
      [roomId, 'poll_answer', pollId, true],
    ]);
  });

  it('reports both sites with their online minutes, the classroom and the timeline', async () => {
    const res = await (await f.as('teacher')).get(`/api/reports/lessons/${lessonSessionId}`);
    expect(res.statusCode).toBe(200);
    const report = res.json() as LessonReport;
    expect(report.scope).toBe('full');
    expect(report.header).toMatchObject({ lessonSessionId, courseName: '三年级音乐', subject: 'music', kind: 'delivered', leadTeacherName: '王老师', live: false, delivered: false, endReason: 'ended_by_teacher', pollsInLesson: 1 });
    expect(report.header.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(report.participants.map((p) => [p.displayName, p.kind])).toEqual([
      ['王老师', 'lead_teacher'],
      ['石门教学点 教学点教室', 'receiving_classroom'],
    ]);
    for (const p of report.participants) expect(p.onlineMinutes).toBeGreaterThan(0);
    const room = report.participants[1]!;
    expect(room).toMatchObject({ messages: 1, handRaises: 1, pollAnswers: 1, pollCorrect: 1, activityScore: 60, spells: [{ leaveReason: 'lesson_ended' }] });
    expect(report.participants[0]!.activityScore).toBeNull();
    expect(report.classrooms).toEqual([
      expect.objectContaining({ classroomId: f.ids.receivingClassroomId, expectedStudents: 12, presentStudents: 9, connectedMinutes: room.onlineMinutes }),
    ]);
    expect(report.timeline.map((e) => e.kind)).toEqual(['joined', 'joined', 'hand_raised', 'poll_answer', 'left', 'left']);
  });

  it('exports the participant table as XLSX (classrooms on a second sheet) and CSV, named in Chinese', async () => {
    const teacher = await f.as('teacher');
    const xlsx = await f.t.app.inject({ method: 'GET', url: `/api/reports/lessons/${lessonSessionId}?format=xlsx`, headers: { cookie: teacher.cookieHeader() } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toMatch(/^attachment; filename="lesson-report-\d+-[\d-]+\.xlsx"; filename\*=UTF-8''%E8%AF%BE%E5%A0%82%E6%8A%A5%E5%91%8A_/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['参与者', '接收教室']);
    const people = workbook.getWorksheet('参与者')!;
    expect(people.getRow(1).getCell(1).value).toBe('姓名');
    expect(people.getRow(1).getCell(5).value).toBe('在线分钟');
    expect(people.getRow(3).getCell(1).value).toBe('石门教学点 教学点教室');
    expect(people.getRow(3).getCell(5).value).toBeGreaterThan(0);
    const rooms = workbook.getWorksheet('接收教室')!;
    expect([rooms.getRow(2).getCell(1).value, rooms.getRow(2).getCell(3).value, rooms.getRow(2).getCell(4).value]).toEqual(['教学点教室', 12, 9]);

    const csv = await f.t.app.inject({ method: 'GET', url: `/api/reports/lessons/${lessonSessionId}?format=csv`, headers: { cookie: teacher.cookieHeader(), 'accept-language': 'en' } });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    // The title block (what the file is) comes first, then an empty row, then the table.
    const lines = csv.body.split('\r\n\r\n')[1]!.split('\r\n');
    expect(csv.body).toMatch(/^\uFEFFLesson report — /);
    expect(lines[0]).toMatch(/^Name,Taking part as,School,Classroom,Online minutes,/);
    expect(lines.filter(Boolean)).toHaveLength(3);
  });

  it('lets a site that took part see only its own row, and nobody else see the lesson', async () => {
    const device = await f.as('classroom_device');
    const own = (await device.get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    expect(own.scope).toBe('own');
    expect(own.participants.map((p) => p.userId)).toEqual([f.ids.users.classroom_device]);
    expect(own.classrooms).toEqual([]);
    expect(new Set(own.timeline.map((e) => e.userId))).toEqual(new Set([f.ids.users.classroom_device]));

    const student = (await (await f.as('student')).get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    expect(student).toMatchObject({ scope: 'own', participants: [], classrooms: [], timeline: [] });

    expect((await (await f.as('other_region_admin')).get(`/api/reports/lessons/${lessonSessionId}`)).statusCode).toBe(403);
    expect((await (await f.as('anonymous')).get(`/api/reports/lessons/${lessonSessionId}`)).statusCode).toBe(401);
    expect((await (await f.as('teacher')).get('/api/reports/lessons/999999')).statusCode).toBe(404);
  });

  it('shows lost evidence on /metrics by reason (none lost here) and the report as complete', async () => {
    const metrics = (await f.t.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const reason of ['buffer_full', 'closed', 'refused']) expect(metrics).toMatch(new RegExp(`^tongke_evidence_dropped_total\\{reason="${reason}"\\} 0$`, 'm'));
    const report = (await (await f.as('teacher')).get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    expect(report.header.evidenceIncomplete).toBe(false);
  });

  it('lists the lesson for those who may report on it', async () => {
    const list = async (principal: PrincipalKey, query = '') => (await (await f.as(principal)).get(`/api/reports/lessons${query}`)).json() as LessonReportList;
    const forTeacher = await list('teacher');
    expect(forTeacher.lessons).toEqual([
      expect.objectContaining({ lessonSessionId, scope: 'full', sitesPresent: 2, receivingClassroomsPresent: 1, receivingClassroomsExpected: 1, live: false }),
    ]);
    expect((await list('region_admin', `?schoolId=${f.ids.teachingPointId}`)).lessons.map((l) => l.lessonSessionId)).toEqual([lessonSessionId]);
    expect((await list('region_admin', `?schoolId=${f.ids.independentSchoolId}`)).lessons).toEqual([]);
    expect((await list('classroom_device')).lessons).toEqual([expect.objectContaining({ lessonSessionId, scope: 'own' })]);
    expect((await list('student')).lessons).toEqual([]);
    expect((await list('other_region_admin')).lessons).toEqual([]);
    const tooLong = await (await f.as('teacher')).get('/api/reports/lessons?from=2024-01-01&to=2025-06-01');
    expect(tooLong.statusCode).toBe(400);
  });
});

describe('usage evidence on shutdown', () => {
  it('writes what happened just before the server closed', async () => {
    const f = await createOrganisationFixture({ media: true, listen: true });
    const sockets: LessonSocket[] = [];
    try {
      const { connect, join } = lessonDriver(() => f, sockets);
      const teacher = await connect('teacher');
      const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
      await join(teacher);
      const room = await connect('classroom_device');
      await join(room);
      await room.request('chat:send', { text: '再见' });
      await room.request('hand:raise', {});

      await f.t.app.close();

      const attendance = await f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId));
      expect(attendance.map((a) => a.leaveReason)).toEqual(['lesson_ended', 'lesson_ended']);
      const events = await f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId));
      expect(events.map((e) => e.kind)).toEqual(['chat_message', 'hand_raised']);
      expect((await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)))[0]).toMatchObject({ endReason: 'server_restart' });
    } finally {
      for (const s of sockets) s.close();
      f.t.media?.close();
      await f.t.database.close();
      rmSync(dirname(f.t.config.dbPath), { recursive: true, force: true });
    }
  }, 60_000);
});
