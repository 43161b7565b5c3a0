import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { ChatMessage } from '../../shared/lesson/model.js';
import type { ParticipantChanges } from '../../shared/lesson/protocol.js';
import { courses, observations } from '../../server/db/schema/index.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

/*
 * Observing (听课) a live lesson over the real gateway and SFU: a teacher of the course's group joins as an
 * observer, receives only, is never listed to the sites, is counted for the lead teacher, chats only when
 * she is let, and her observation is opened. Teachers outside the group/region, or of a course closed to
 * observation, are refused.
 */

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 4242 }] };

describe('observing a live lesson (听课)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const connect = async (cookie: string) => {
    const socket = new LessonSocket(f.t.baseUrl!, cookie);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const signIn = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return connect(client.cookieHeader());
  };
  let colleagueId: number;

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
    // 李老师 teaches at the group's teaching point: a colleague of the host, no part of the course.
    colleagueId = await f.addUser('teacher-li', 'teacher', { schoolId: f.ids.teachingPointId });
    await f.addUser('teacher-far', 'teacher', { schoolId: f.ids.otherSchoolId });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('lets a teacher of the group observe: receive only, unlisted to the sites, counted for the teacher, chat when allowed', async () => {
    const teacher = await connect((await f.as('teacher')).cookieHeader());
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const lead = await teacher.joinLesson(f.ids.courseId);
    expect(lead.snapshot.observing).toEqual({ count: 0, chatAllowed: false });
    const send = await teacher.request('transport:create', { direction: 'send' });
    const { producerId: mic } = await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    const classroom = await connect((await f.as('classroom_device')).cookieHeader());
    await classroom.joinLesson(f.ids.courseId);

    const li = await signIn('teacher-li');
    const joined = await li.joinLesson(f.ids.courseId);
    const mine = joined.snapshot.participants.find((p) => p.id === joined.participantId);
    expect(mine?.kind).toBe('observer');
    // She gets the whole site list: the teacher and the classroom.
    expect(joined.snapshot.participants.map((p) => p.kind).sort()).toEqual(['lead_teacher', 'observer', 'receiving_classroom']);
    // Her observation of this lesson is opened as she joins.
    const opened = await f.db.select().from(observations).where(and(eq(observations.lessonSessionId, lead.snapshot.lessonSessionId), eq(observations.observerId, colleagueId)));
    expect(opened.map((o) => o.mode)).toEqual(['live']);
    expect((await teacher.nextEvent('observers:changed', (o) => o.count === 1)).count).toBe(1);

    // Receive only: the teacher's microphone, yes; a send transport, a producer, a hand, chat — no.
    const recv = await li.request('transport:create', { direction: 'recv' });
    expect(recv.id).toBeTruthy();
    expect((await li.request('consumer:create', { producerId: mic })).id).toBeTruthy();
    expect(await li.ask('transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await li.ask('producer:create', { transportId: recv.id, kind: 'audio', source: 'mic', rtpParameters: OPUS })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await li.ask('hand:raise', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await li.ask('chat:send', { text: '老师讲得好' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // The lead teacher lets observers chat: her message goes out, marked as an observer's.
    await teacher.request('observers:chat', { allowed: true });
    await li.request('chat:send', { text: '学到了' });
    const message: ChatMessage = await classroom.nextEvent('chat:message', (m) => m.text === '学到了');
    expect(message).toMatchObject({ displayName: 'teacher-li', fromObserver: true });
    expect(await teacher.nextEvent('observers:changed', (o) => o.chatAllowed)).toEqual({ count: 1, chatAllowed: true });

    await li.request('lesson:leave', {});
    expect(await teacher.nextEvent('observers:changed', (o) => o.count === 0 && o.chatAllowed)).toEqual({ count: 0, chatAllowed: true });
    // Nobody's list ever heard of her: neither the classroom's nor the teacher's.
    for (const site of [teacher, classroom]) {
      const listed = site.received.flatMap((r) => (r.event === 'participants:changed' ? [...(r.payload as ParticipantChanges).joined, ...(r.payload as ParticipantChanges).updated] : []));
      expect(listed.filter((p) => p.userId === colleagueId)).toEqual([]);
      expect(site.received.filter((r) => r.event === 'participants:changed' && (r.payload as ParticipantChanges).left.some((l) => l.participantId === joined.participantId))).toEqual([]);
    }
    const late = await connect((await f.as('assistant_teacher')).cookieHeader());
    const lateJoin = await late.joinLesson(f.ids.courseId);
    expect(lateJoin.snapshot.participants.some((p) => p.kind === 'observer')).toBe(false);

    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
  }, 30_000);

  it('refuses a teacher of another region, and a colleague once the course is closed to observation', async () => {
    const teacher = await connect((await f.as('teacher')).cookieHeader());
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await teacher.joinLesson(f.ids.courseId);
    const far = await signIn('teacher-far');
    expect(await far.ask('lesson:capabilities', { courseId: f.ids.courseId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await far.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await f.db.update(courses).set({ observable: false }).where(eq(courses.id, f.ids.courseId));
    // The course is read once per live lesson: the closed course applies from its next lesson.
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
    const again = await connect((await f.as('teacher')).cookieHeader());
    await again.request('lesson:start', { courseId: f.ids.courseId });
    await again.joinLesson(f.ids.courseId);
    const li = await signIn('teacher-li');
    const refused = await li.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'observation_closed', message: '本课程未开放听课。' } });
    // An admin over its sites observes all the same.
    const admin = await connect((await f.as('region_admin')).cookieHeader());
    expect((await admin.joinLesson(f.ids.courseId)).snapshot.observing.count).toBe(1);
    await f.db.update(courses).set({ observable: true }).where(eq(courses.id, f.ids.courseId));
    await again.request('lesson:end', {});
  }, 30_000);
});
