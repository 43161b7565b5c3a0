import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { researchSessions, usageSiteDays } from '../../server/db/schema/index.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import type { LessonReportList } from '../../shared/api/evidence-lesson.js';
import type { ResearchAttendance, ResearchSessionList, ResearchSessionStarted, ResearchSessionView } from '../../shared/api/research-sessions.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';
import { closedAttendance, lessonDriver, LessonSocket, recordedEnd } from '../support/lesson-socket.js';

const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }] };
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };

/**
 * 协同教研: a teacher of the group schedules a teaching-research session about teacher 王's lesson and
 * convenes it live in the SFU; the lead teacher joins and both send; the course's classroom is refused; the
 * meeting's attendance is recorded, and it is no lesson in the lesson reports, roll-ups or live list.
 */
describe('teaching-research sessions (real mediasoup worker, real Socket.IO)', () => {
  let f: OrganisationFixture;
  let observedLessonId: number;
  let colleague: TestClient;
  let colleagueId: number;
  let outsider: TestClient;
  const sockets: LessonSocket[] = [];
  const { connect } = lessonDriver(() => f, sockets);
  const signedIn = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return client;
  };
  const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  const sessionCount = async () => (await f.db.select().from(researchSessions)).length;

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
    observedLessonId = await recordFinishedLesson(f, new Date(Date.now() - 3 * 3_600_000), [
      { participantId: 'host', userId: f.ids.users.teacher, siteKind: 'host', classroomId: f.ids.hostClassroomId, schoolId: f.ids.leadSchoolId },
    ]);
    // 刘老师 teaches at the group's teaching point (a colleague of the host); 赵老师 in the other region.
    colleagueId = await f.addUser('teacher.liu', 'teacher', { schoolId: f.ids.teachingPointId });
    await f.addUser('teacher.zhao', 'teacher', { schoolId: f.ids.otherSchoolId });
    colleague = await signedIn('teacher.liu');
    outsider = await signedIn('teacher.zhao');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('lets only those who may observe the course or teach it schedule; anyone else changes nothing', async () => {
    const body = { title: '音乐课评课', scheduledAt: inMinutes(60), durationMinutes: 45 };
    for (const client of [outsider, await f.as('other_region_admin'), await f.as('classroom_device'), await f.as('assistant_teacher'), await f.as('student')]) {
      expect((await client.post(`/api/lessons/${observedLessonId}/research-sessions`, body)).statusCode).toBe(403);
      expect((await client.get(`/api/lessons/${observedLessonId}/research-sessions`)).statusCode).toBe(403);
    }
    expect(await sessionCount()).toBe(0);
    expect((await colleague.post(`/api/lessons/${observedLessonId}/research-sessions`, { ...body, durationMinutes: 5 })).statusCode).toBe(400);
    expect((await colleague.post(`/api/lessons/${observedLessonId}/research-sessions`, { ...body, scheduledAt: 'soon' })).statusCode).toBe(400);
    expect(await sessionCount()).toBe(0);

    const created = await colleague.post(`/api/lessons/${observedLessonId}/research-sessions`, body);
    expect(created.statusCode).toBe(201);
    const session = created.json() as ResearchSessionView;
    expect(session).toMatchObject({ title: '音乐课评课', convenerId: colleagueId, status: 'scheduled', mine: true, joinable: false, courseId: f.ids.courseId });
    // The lead teacher sees it (not hers to change); the outsider may not touch it.
    const listed = (await (await f.as('teacher')).get(`/api/lessons/${observedLessonId}/research-sessions`)).json() as ResearchSessionList;
    expect(listed.sessions).toEqual([expect.objectContaining({ id: session.id, mine: false })]);
    expect((await (await f.as('teacher')).delete(`/api/research-sessions/${session.id}`)).statusCode).toBe(403);
    expect((await outsider.patch(`/api/research-sessions/${session.id}`, { title: '改了' })).statusCode).toBe(403);
    expect((await outsider.delete(`/api/research-sessions/${session.id}`)).statusCode).toBe(403);
    expect((await (await f.as('other_region_admin')).delete(`/api/research-sessions/${session.id}`)).statusCode).toBe(403);
    expect((await f.db.select().from(researchSessions).where(eq(researchSessions.id, session.id)))[0]).toMatchObject({ title: '音乐课评课', status: 'scheduled' });
    // An hour away: too early to start. The convener may cancel it.
    expect((await colleague.post(`/api/research-sessions/${session.id}/start`)).statusCode).toBe(409);
    expect((await colleague.delete(`/api/research-sessions/${session.id}`)).statusCode).toBe(204);
    expect((await f.db.select().from(researchSessions).where(eq(researchSessions.id, session.id)))[0]!.status).toBe('cancelled');
  });

  it('holds the meeting live: teachers only, everyone sends, attendance recorded, no lesson figures', async () => {
    const session = (await colleague.post(`/api/lessons/${observedLessonId}/research-sessions`, { title: '集体评课', scheduledAt: inMinutes(10), durationMinutes: 45 })).json() as ResearchSessionView;
    expect(session.joinable).toBe(true);
    // Only the convener starts it.
    expect((await (await f.as('teacher')).post(`/api/research-sessions/${session.id}/start`)).statusCode).toBe(403);
    const started = await colleague.post(`/api/research-sessions/${session.id}/start`);
    expect(started.statusCode).toBe(200);
    const { courseId, lessonSessionId } = started.json() as ResearchSessionStarted;
    expect(courseId).toBe(f.ids.courseId);
    expect((await colleague.get('/api/research-sessions/upcoming')).json()).toEqual({ sessions: [expect.objectContaining({ id: session.id, status: 'live', joinable: true })] });
    expect(((await outsider.get('/api/research-sessions/upcoming')).json() as ResearchSessionList).sessions).toEqual([]);

    // The course's class lesson cannot start meanwhile, and the meeting is on no one's live-lesson list.
    const teacher = await connect('teacher');
    expect(await teacher.ask('lesson:start', { courseId })).toMatchObject({ ok: false, error: { code: 'research_session_running', message: expect.stringContaining('教研活动') } });
    expect((await (await f.as('region_admin')).get('/api/lessons/live')).json()).toEqual({ lessons: [], broadcasts: [] });

    const convener = new LessonSocket(f.t.baseUrl!, colleague.cookieHeader());
    sockets.push(convener);
    await convener.connected();
    const chair = await convener.joinLesson(courseId);
    expect(chair.snapshot).toMatchObject({ researchSessionId: session.id, researchTitle: '集体评课' });
    const member = await teacher.joinLesson(courseId);
    const me = member.snapshot.participants.find((p) => p.id === member.participantId);
    expect(me).toMatchObject({ kind: 'research_member', onStage: true });
    expect(chair.snapshot.participants.find((p) => p.id === chair.participantId)?.kind).toBe('lead_teacher');

    // The course's own classroom, its assistant and its student take part in lessons, not in this meeting.
    for (const principal of ['classroom_device', 'assistant_teacher', 'student'] as const) {
      const site = await connect(principal);
      expect(await site.ask('lesson:capabilities', { courseId }), principal).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }

    // Both send camera and microphone; the member's camera reaches the convener.
    for (const socket of [convener, teacher]) {
      const send = await socket.request('transport:create', { direction: 'send' });
      await socket.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
      await socket.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    }
    await convener.request('transport:create', { direction: 'recv' });
    const memberCamera = await convener.nextEvent('producer:new', (p) => p.participantId === member.participantId && p.source === 'camera');
    expect((await convener.ask('consumer:create', { producerId: memberCamera.id })).ok).toBe(true);

    await convener.request('lesson:end', {});
    await recordedEnd(f.db, lessonSessionId);
    const attendance = await closedAttendance(f.db, lessonSessionId);
    expect(new Set(attendance.map((a) => a.userId))).toEqual(new Set([colleagueId, f.ids.users.teacher]));
    const minutes = (await colleague.get(`/api/research-sessions/${session.id}/attendance`)).json() as ResearchAttendance;
    expect(minutes.meetings).toEqual([expect.objectContaining({ lessonSessionId })]);
    expect(minutes.members.map((m) => m.userId).sort()).toEqual([colleagueId, f.ids.users.teacher].sort());
    expect((await outsider.get(`/api/research-sessions/${session.id}/attendance`)).statusCode).toBe(403);
    await expect.poll(async () => (await f.db.select().from(researchSessions).where(eq(researchSessions.id, session.id)))[0]!.status).toBe('ended');

    // No lesson: neither in the lesson reports nor in the usage roll-ups (the observed lesson is).
    const reports = (await (await f.as('region_admin')).get(`/api/reports/lessons?courseId=${courseId}`)).json() as LessonReportList;
    expect(reports.lessons.map((l) => l.lessonSessionId)).toEqual([observedLessonId]);
    await refreshLessonRollups(f.db, lessonSessionId);
    expect(await f.db.select().from(usageSiteDays).where(eq(usageSiteDays.lessonSessionId, lessonSessionId))).toEqual([]);

    // With the meeting over, the class lesson starts again as usual; and while it runs, no meeting starts.
    expect((await teacher.ask('lesson:start', { courseId })).ok).toBe(true);
    const next = (await colleague.post(`/api/lessons/${observedLessonId}/research-sessions`, { title: '再评', scheduledAt: inMinutes(5), durationMinutes: 30 })).json() as ResearchSessionView;
    const refused = await colleague.post(`/api/research-sessions/${next.id}/start`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'lesson_running' } });
    expect((await f.db.select().from(researchSessions).where(eq(researchSessions.id, next.id)))[0]!.status).toBe('scheduled');
  });
});
