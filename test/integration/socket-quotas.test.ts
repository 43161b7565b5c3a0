import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { participationEvents } from '../../server/db/schema/index.js';
import { LESSON_REQUEST_LIMITS, MAX_LESSON_SOCKETS_PER_ACCOUNT } from '../../server/lessons/quotas.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }] };

describe('lesson socket quotas, caps and handshake checks (real server, real worker)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const open = async (principal: PrincipalKey, headers: Record<string, string> = {}) => {
    const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader(), headers);
    sockets.push(socket);
    return socket;
  };
  const connect = async (principal: PrincipalKey) => {
    const socket = await open(principal);
    await socket.connected();
    return socket;
  };
  const join = (socket: LessonSocket) => socket.joinLesson(f.ids.courseId);

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('refuses most of a 5,000-message chat burst with rate_limited and records only the accepted messages as evidence', async () => {
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const room = await connect('classroom_device');
    const { participantId } = await join(room);

    const acks = await Promise.all(Array.from({ length: 5_000 }, (_, i) => room.ask('chat:send', { text: `消息 ${i}` })));
    const accepted = acks.filter((a) => a.ok).length;
    const refused = acks.filter((a) => !a.ok);
    expect(accepted).toBe(LESSON_REQUEST_LIMITS['chat:send'].points);
    expect(refused).toHaveLength(5_000 - accepted);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/请稍等 \d+ 秒/) } });
    expect(new Set(refused.map((a) => !a.ok && a.error.code))).toEqual(new Set(['rate_limited']));

    // The limit belongs to the account: a new socket does not start afresh.
    room.close();
    const back = await connect('classroom_device');
    await join(back);
    expect(await back.ask('chat:send', { text: '再来' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // A hand raised many times counts at most its limit.
    const hands = await Promise.all(Array.from({ length: 200 }, (_, i) => back.ask(i % 2 ? 'hand:lower' : 'hand:raise', {})));
    const raised = hands.filter((a, i) => i % 2 === 0 && a.ok).length;
    expect(raised).toBe(LESSON_REQUEST_LIMITS['hand:raise'].points);

    await teacher.request('lesson:end', {});
    await back.nextEvent('lesson:ended');
    const recorded = async (kind: 'chat_message' | 'hand_raised') =>
      (await f.db.select().from(participationEvents).where(and(eq(participationEvents.lessonSessionId, lessonSessionId), eq(participationEvents.participantId, participantId), eq(participationEvents.kind, kind)))).length;
    await expect.poll(() => recorded('chat_message'), { timeout: 10_000 }).toBe(accepted);
    await expect.poll(() => recorded('hand_raised'), { timeout: 10_000 }).toBe(raised);
    teacher.close();
    back.close();
  }, 60_000);

  it('gives a retried consumer:create of the same producer the same consumer, also when the requests overlap', async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const send = await teacher.request('transport:create', { direction: 'send' });
    const { producerId } = await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    const student = await connect('student');
    await join(student);
    await student.request('transport:create', { direction: 'recv' });

    const overlapping = await Promise.all(Array.from({ length: 5 }, () => student.request('consumer:create', { producerId })));
    const again = await student.request('consumer:create', { producerId });
    expect(new Set([...overlapping, again].map((c) => c.id)).size).toBe(1);
    const metrics = (await f.t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^tongke_media_consumers\{worker="\d"\} 1$/m);

    await teacher.request('lesson:end', {});
    await student.nextEvent('lesson:ended');
    teacher.close();
    student.close();
  });

  it(`keeps ${MAX_LESSON_SOCKETS_PER_ACCOUNT} lesson sockets per account: a new one closes the oldest, which then leaves the lesson's channel to the newest`, async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const first = await connect('assistant_teacher');
    const { participantId } = await join(first);
    const others: LessonSocket[] = [];
    for (let i = 0; i < 20; i++) others.push(await connect('assistant_teacher'));
    // Only the newest three are still open; the oldest was told by the server (the page shows "joined elsewhere").
    await expect.poll(() => [first, ...others].filter((s) => s.socket.connected).length, { timeout: 5_000 }).toBe(MAX_LESSON_SOCKETS_PER_ACCOUNT);
    expect(others.slice(-MAX_LESSON_SOCKETS_PER_ACCOUNT).every((s) => s.socket.connected)).toBe(true);
    // Another account is not affected.
    expect(teacher.socket.connected).toBe(true);
    // The newest socket takes the lesson over as the same participant.
    const latest = others.at(-1)!;
    expect(await join(latest)).toMatchObject({ participantId, resumed: true });
    expect(await latest.ask('chat:send', { text: '还在' })).toMatchObject({ ok: true });
    await teacher.request('lesson:end', {});
    teacher.close();
  });

  it('refuses a handshake from a page of another site, and admits our own origins', async () => {
    const foreign = await open('teacher', { origin: 'https://evil.example' });
    expect(await foreign.refused()).toMatchObject({ message: 'origin_not_allowed', data: { message: expect.stringContaining('正式网址') } });
    const nullOrigin = await open('teacher', { origin: 'null' });
    expect(await nullOrigin.refused()).toMatchObject({ message: 'origin_not_allowed' });
    const sameHost = await open('teacher', { origin: f.t.baseUrl! });
    await sameHost.connected();
    sameHost.close();
    const publicUrl = await open('teacher', { origin: new URL(f.t.config.publicUrl).origin });
    await publicUrl.connected();
    publicUrl.close();
  });
});
