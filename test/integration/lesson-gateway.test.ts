import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { LESSON_REQUESTS, type LessonRequestName } from '../../shared/lesson/protocol.js';
import { courseReceivers, courses, lessonSessions, scheduledLessons } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket, recordedEnd } from '../support/lesson-socket.js';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const VP8 = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc: 22222222 }, { ssrc: 22222223 }],
};

/** A payload of the wrong shape for every request: an unknown property, or a wrong type. */
const MALFORMED: Record<LessonRequestName, unknown> = Object.fromEntries(
  Object.keys(LESSON_REQUESTS).map((name) => [name, { unexpected: 'x', courseId: 'not a number', transportId: 42, text: '' }]),
) as Record<LessonRequestName, unknown>;

describe('live-lesson gateway (real mediasoup worker, real Socket.IO)', () => {
  let f: OrganisationFixture;
  let baseUrl: string;
  const sockets: LessonSocket[] = [];
  const connect = async (principal: Parameters<OrganisationFixture['as']>[0]) => {
    const client = await f.as(principal);
    const socket = new LessonSocket(baseUrl, client.cookieHeader());
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const joinAs = async (socket: LessonSocket) => {
    const { routerRtpCapabilities } = await socket.request('lesson:capabilities', { courseId: f.ids.courseId });
    // The router's own capabilities are a valid device capability set: enough to consume anything.
    return socket.request('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } });
  };

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 2 });
    baseUrl = f.t.baseUrl!;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('refuses a handshake without a session', async () => {
    const socket = new LessonSocket(baseUrl, '');
    sockets.push(socket);
    await expect(socket.connected()).rejects.toThrow('unauthenticated');
  });

  it('rejects a malformed payload of every request with bad_request and stays usable', async () => {
    const socket = await connect('teacher');
    for (const name of Object.keys(LESSON_REQUESTS) as LessonRequestName[]) {
      const result = await socket.ask(name, MALFORMED[name]);
      expect(result, name).toEqual({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('格式') } });
    }
    // Still connected and answering.
    expect(await socket.ask('lesson:capabilities', { courseId: f.ids.courseId })).toMatchObject({ ok: false, error: { code: 'lesson_not_live' } });
  });

  it('refuses a course id no store can hold with bad_request, not a server fault (PostgreSQL keys end at 2^31 - 1)', async () => {
    const socket = await connect('teacher');
    for (const courseId of [2 ** 31, 2 ** 53]) {
      for (const name of ['lesson:capabilities', 'lesson:start', 'lesson:join'] as const) {
        const payload = name === 'lesson:join' ? { courseId, rtpCapabilities: { codecs: [] } } : { courseId };
        expect(await socket.ask(name, payload), `${name} ${courseId}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
    }
    expect(await socket.ask('lesson:start', { courseId: f.ids.courseId, scheduledLessonId: 2 ** 31 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses in-lesson requests before joining, and a start by anyone but the lead teacher', async () => {
    const device = await connect('classroom_device');
    expect(await device.ask('chat:send', { text: '你好' })).toMatchObject({ ok: false, error: { code: 'lesson_not_live' } });
    expect(await device.ask('lesson:start', { courseId: f.ids.courseId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const outsider = await connect('other_region_admin');
    expect(await outsider.ask('lesson:capabilities', { courseId: f.ids.courseId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('does not start a lesson for a timetabled lesson that was cancelled (停课)', async () => {
    const [first] = await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.courseId, f.ids.courseId));
    await f.db.update(scheduledLessons).set({ status: 'cancelled', changeReason: '运动会' }).where(eq(scheduledLessons.id, first!.id));
    try {
      const teacher = await connect('teacher');
      expect(await teacher.ask('lesson:start', { courseId: f.ids.courseId, scheduledLessonId: first!.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await f.db.select().from(lessonSessions).where(eq(lessonSessions.courseId, f.ids.courseId))).toEqual([]);
    } finally {
      await f.db.update(scheduledLessons).set({ status: 'scheduled', changeReason: null }).where(eq(scheduledLessons.id, first!.id));
    }
  });

  it('runs a lesson: start, join, produce, consume, moderate, chat, quiz, end', async () => {
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const teacherJoin = await joinAs(teacher);
    expect(teacherJoin.resumed).toBe(false);

    const send = await teacher.request('transport:create', { direction: 'send' });
    expect(send.iceCandidates).toEqual(expect.arrayContaining([expect.objectContaining({ ip: '127.0.0.1' })]));
    const { producerId: micId } = await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    const { producerId: cameraId } = await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    // A camera with an audio kind is refused and changes nothing.
    expect(await teacher.ask('producer:create', { transportId: send.id, kind: 'audio', source: 'camera', rtpParameters: OPUS })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const room = await connect('classroom_device');
    const roomJoin = await joinAs(room);
    expect(roomJoin.snapshot.producers.map((p) => p.id).sort()).toEqual([micId, cameraId].sort());
    expect(roomJoin.snapshot.participants.map((p) => p.kind).sort()).toEqual(['lead_teacher', 'receiving_classroom']);
    await teacher.nextParticipant('joined', (p) => p.id === roomJoin.participantId);

    await room.request('transport:create', { direction: 'recv' });
    const consumer = await room.request('consumer:create', { producerId: cameraId });
    expect(consumer).toMatchObject({ producerId: cameraId, kind: 'video', source: 'camera', participantId: teacherJoin.participantId });
    await room.request('consumer:resume', { consumerId: consumer.id });
    await room.request('consumer:tile', { consumerId: consumer.id, width: 320, height: 180, visible: true });
    // Another site's consumer id is not mine to touch.
    expect(await teacher.ask('consumer:resume', { consumerId: consumer.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Only the lead teacher moderates.
    expect(await room.ask('stage:invite', { participantId: roomJoin.participantId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await room.request('hand:raise', {});
    const queue = await teacher.nextEvent('hand:queue', (q) => q.queue.length === 1);
    expect(queue.queue[0]!.participantId).toBe(roomJoin.participantId);
    await teacher.request('stage:invite', { participantId: roomJoin.participantId });
    await room.nextParticipant('updated', (p) => p.id === roomJoin.participantId && p.onStage);

    await room.request('chat:send', { text: '老师好' });
    expect(await teacher.nextEvent('chat:message')).toMatchObject({ text: '老师好', participantId: roomJoin.participantId });

    const { pollId } = await teacher.request('poll:create', { question: '1+1=?', options: ['1', '2'], multiple: false, correct: [1] });
    await room.request('poll:answer', { pollId, choices: [1] });
    expect(await room.ask('poll:answer', { pollId, choices: [0] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await teacher.nextEvent('poll:updated', (p) => p.answered === 1)).toMatchObject({ tally: [0, 1] });

    const metrics = (await f.t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^tongke_live_lessons 1$/m);
    expect(metrics).toMatch(/^tongke_lesson_participants\{connection="connected"\} 2$/m);
    expect(metrics).toMatch(/^tongke_media_consumers\{worker="\d"\} 1$/m);

    await teacher.request('moderate:mute', { participantId: 'all' });
    await teacher.request('lesson:end', {});
    expect(await room.nextEvent('lesson:ended')).toMatchObject({ lessonSessionId });
    const row = await recordedEnd(f.db, lessonSessionId);
    expect(row).toMatchObject({ endReason: 'ended_by_teacher', endedBy: f.ids.users.teacher });
    expect(row?.endedAt).toBeInstanceOf(Date);
  });

  it('answers media-layer refusals with named codes, never internal', async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await joinAs(teacher);
    const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };
    // An id that is not hers: not_found (the media layer's `unknown-transport`).
    expect(await teacher.ask('transport:connect', { transportId: 'no-such-transport', dtlsParameters })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await teacher.ask('transport:restart-ice', { transportId: 'no-such-transport' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const send = await teacher.request('transport:create', { direction: 'send' });
    await teacher.request('transport:connect', { transportId: send.id, dtlsParameters });
    // mediasoup accepts one connect per transport: a second one is the caller's conflict.
    expect(await teacher.ask('transport:connect', { transportId: send.id, dtlsParameters })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // Parameters mediasoup refuses (an Opus codec without a clock rate), or a recv transport to send on: bad_request.
    const noClockRate = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, channels: 2 }], encodings: [{ ssrc: 1 }] };
    expect(await teacher.ask('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: noClockRate })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const recv = await teacher.request('transport:create', { direction: 'recv' });
    expect(await teacher.ask('producer:create', { transportId: recv.id, kind: 'audio', source: 'mic', rtpParameters: OPUS })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await teacher.ask('consumer:create', { producerId: 'no-such-producer' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await teacher.ask('consumer:tile', { consumerId: 'no-such-consumer', width: 1, height: 1, visible: true })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Still a healthy lesson: the same transport sends.
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
    teacher.close();
  });

  it('refuses media parameters nested absurdly deep or huge with bad_request, not a server fault', async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const { routerRtpCapabilities } = await teacher.request('lesson:capabilities', { courseId: f.ids.courseId });
    const deep = (depth: number) => '['.repeat(depth) + '0' + ']'.repeat(depth);
    const wide = `[${Array.from({ length: 10_000 }, () => '0').join(',')}]`;
    const caps = JSON.stringify(routerRtpCapabilities).slice(0, -1);
    for (const junk of [deep(20), deep(50_000), wide]) {
      expect(await teacher.askRaw('lesson:join', `{"courseId":${f.ids.courseId},"rtpCapabilities":${caps},"extra":${junk}}}`)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    await joinAs(teacher);
    const send = await teacher.request('transport:create', { direction: 'send' });
    const opus = JSON.stringify(OPUS).slice(0, -1);
    for (const junk of [deep(50_000), wide]) {
      expect(await teacher.askRaw('producer:create', `{"transportId":"${send.id}","kind":"audio","source":"mic","rtpParameters":${opus},"extra":${junk}}}`)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await teacher.askRaw('transport:connect', `{"transportId":"${send.id}","dtlsParameters":{"fingerprints":[{"algorithm":"sha-256","value":"AB"}],"extra":${junk}}}`)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // The same requests without the junk go through.
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
    teacher.close();
  });

  it('rebuilds a lesson on a live worker when its worker dies, and tells the sites', async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await joinAs(teacher);
    const room = await connect('classroom_device');
    await joinAs(room);
    const worker = f.t.media!.workers.find((w) => w.alive && w.lessonCount > 0);
    expect(worker).toBeDefined();
    process.kill(worker!.pid, 'SIGKILL');
    const rebuild = await room.nextEvent('media:rebuild', () => true, 15_000);
    expect(rebuild.routerRtpCapabilities).toMatchObject({ codecs: expect.any(Array) });
    // The rebuilt media works: the teacher can send again.
    await expect.poll(async () => (await teacher.ask('transport:create', { direction: 'send' })).ok, { timeout: 15_000 }).toBe(true);
    await teacher.request('lesson:end', {});
  });

  it('leaves a site in one lesson when it asks to join two at once (a join waits on the store between its checks)', async () => {
    // A second course of the same lead teacher, live at the same time as the first.
    const courseB = (
      await f.db
        .insert(courses)
        .values({ termId: f.ids.termId, schoolId: f.ids.leadSchoolId, name: '三年级书法', subject: 'chinese', grade: 3, kind: 'delivered', leadTeacherId: f.ids.users.teacher, hostClassroomId: null })
        .returning()
    )[0]!;
    const starter = await connect('teacher');
    await starter.request('lesson:start', { courseId: f.ids.courseId });
    await starter.request('lesson:start', { courseId: courseB.id });
    // The receiving classroom receives both courses (an observer would be in neither lead teacher's list).
    await f.db.insert(courseReceivers).values({ courseId: courseB.id, classroomId: f.ids.receivingClassroomId, assistantTeacherId: null, expectedStudents: 12 });
    const site = await connect('classroom_device');
    const { routerRtpCapabilities } = await site.request('lesson:capabilities', { courseId: f.ids.courseId });
    const acks = await Promise.all([f.ids.courseId, courseB.id].map((courseId) => site.ask('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } })));
    expect(acks.map((a) => a.ok)).toEqual([true, true]);

    // Each lesson as its lead teacher sees it on joining: the site is connected in one, gone from the other.
    const states: string[] = [];
    for (const courseId of [f.ids.courseId, courseB.id]) {
      const lead = await connect('teacher');
      const { snapshot } = await lead.request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } });
      states.push(...snapshot.participants.filter((p) => p.userId === f.ids.users.classroom_device).map((p) => p.connection));
      await lead.request('lesson:end', {});
    }
    expect(states.sort()).toEqual(['connected', 'reconnecting']);
  });
});
