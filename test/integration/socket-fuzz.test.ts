import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Compile } from 'typebox/compile';
import { LESSON_REQUESTS, type Ack, type LessonRequestName } from '../../shared/lesson/protocol.js';
import { attendanceIntervals, participationEvents } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket, lessonDriver } from '../support/lesson-socket.js';
import { BROKEN_FRAMES, lessonFuzzer, rawPayloads, seededRandom, type FuzzMessage } from '../support/socket-fuzz.js';

const SEED = Number(process.env.TONGKE_FUZZ_SEED ?? Date.now() % 2 ** 31);
const MESSAGES = 4_000;
/** Accounts that fuzz (none of them the honest teacher's or classroom's, whose rate limits are their own). */
const FUZZERS: PrincipalKey[] = ['student_link', 'assistant_teacher', 'region_admin', 'school_admin', 'group_admin', 'other_region_admin'];
const VALIDATORS = Object.fromEntries(Object.entries(LESSON_REQUESTS).map(([name, spec]) => [name, Compile(spec.payload)]));
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`socket fuzzer (seed ${SEED}; replay with TONGKE_FUZZ_SEED=${SEED})`, () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const { connect, join } = lessonDriver(() => f, sockets);

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('survives thousands of malformed and out-of-role messages while an honest lesson is recorded completely', async () => {
    console.info(`socket fuzzer seed ${SEED}`);
    const random = seededRandom(SEED);

    // The honest lesson: a lead teacher sending audio, and a receiving classroom taking part.
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const lead = await join(teacher);
    const send = await teacher.request('transport:create', { direction: 'send' });
    const { producerId } = await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    const room = await connect('classroom_device');
    const site = await join(room);
    const knownIds = [lead.participantId, site.participantId, producerId, send.id];

    // Fuzzing sockets: half of them join the lesson (out-of-role messages), the rest never do (before join).
    const fuzzers: LessonSocket[] = [];
    for (const [i, principal] of FUZZERS.entries()) {
      const socket = await connect(principal);
      if (i % 2 === 0 && principal !== 'other_region_admin') knownIds.push((await join(socket)).participantId);
      fuzzers.push(socket);
    }

    // /healthz over real HTTP all along.
    const health: number[] = [];
    let fuzzing = true;
    const healthWatch = (async () => {
      while (fuzzing) {
        health.push((await fetch(`${f.t.baseUrl}/healthz`)).status);
        await sleep(100);
      }
    })();

    // The honest script, interleaved with the fuzz: every acknowledged action must be in the evidence.
    const honest = { chat: 0, hands: 0, answers: 0 };
    const script = (async () => {
      for (let round = 0; round < 5; round++) {
        const { pollId } = await teacher.request('poll:create', { question: `第${round + 1}题`, options: ['对', '错'], multiple: false, correct: [0] });
        for (let i = 0; i < 3; i++) {
          if ((await room.ask('chat:send', { text: `第${round}轮 ${i}` })).ok) honest.chat++;
          await sleep(30);
        }
        if ((await room.ask('hand:raise', {})).ok) honest.hands++;
        await teacher.request('hand:lower', { participantId: site.participantId });
        if ((await room.ask('poll:answer', { pollId, choices: [0] })).ok) honest.answers++;
        await teacher.request('poll:close', { pollId });
        await room.request('classroom:headcount', { count: 10 + round });
        await sleep(100);
      }
    })();

    const next = lessonFuzzer(random, [f.ids.courseId, f.ids.courseId + 1], () => knownIds);
    const acked: Array<{ message: FuzzMessage; ack: Ack<unknown> }> = [];
    const unanswered: FuzzMessage[] = [];
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < MESSAGES; i++) {
      const message = next();
      const socket = fuzzers[i % fuzzers.length]!;
      // The server acks a known request whose payload comes alone with a function ack; anything else is dropped.
      const expectsAck = message.ack === 'function' && message.args.length === 1 && Object.hasOwn(LESSON_REQUESTS, message.event);
      const emit = socket.socket.emit as (event: string, ...args: unknown[]) => unknown;
      if (message.ack !== 'function') {
        emit.call(socket.socket, message.event, ...message.args);
        continue;
      }
      const sent = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (expectsAck) unanswered.push(message);
          resolve();
        }, expectsAck ? 10_000 : 200);
        emit.call(socket.socket, message.event, ...message.args, (ack: Ack<unknown>) => {
          clearTimeout(timer);
          acked.push({ message, ack });
          resolve();
        });
      });
      inFlight.add(sent);
      void sent.then(() => inFlight.delete(sent));
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);

    // What only a hand-written client sends: raw packets the Socket.IO client's encoder cannot produce.
    const raw = rawPayloads(random);
    const names = Object.keys(LESSON_REQUESTS) as LessonRequestName[];
    for (let i = 0; i < 150; i++) {
      const event = names[Math.floor(random() * names.length)]!;
      const payload = raw();
      const ack = await fuzzers[i % 2]!.askRaw(event, payload);
      const valid = VALIDATORS[event]!.Check(JSON.parse(payload));
      if (!valid) expect(ack, `raw ${event} ${payload.slice(0, 60)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      if (!ack.ok) expect(ack.error.code, `raw ${event} ${payload.slice(0, 60)}`).not.toBe('internal');
    }
    // Nothing in this process was polluted through a __proto__ key.
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    // Frames that break the protocol close their own connection, and nothing else.
    for (const [i, frame] of BROKEN_FRAMES.entries()) {
      const socket = await connect(FUZZERS[i % FUZZERS.length]!);
      const closed = new Promise<boolean>((resolve) => {
        socket.socket.once('disconnect', () => resolve(true));
        setTimeout(() => resolve(false), 1_000);
      });
      socket.socket.io.engine.write(frame);
      await closed;
      socket.close();
    }
    expect(teacher.socket.connected && room.socket.connected).toBe(true);
    await script;
    fuzzing = false;
    await healthWatch;

    // The process is up and answered /healthz throughout; every fuzzing socket is still served.
    expect(health.length).toBeGreaterThan(3);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(unanswered.map((m) => `${m.event} (${m.shape})`)).toEqual([]);
    for (const socket of fuzzers) {
      if (socket.socket.connected) expect(await socket.ask('lesson:capabilities', { courseId: f.ids.courseId })).toMatchObject({ ok: expect.any(Boolean) });
    }
    // Nothing the contract refuses was accepted, and nothing was a server fault.
    for (const { message, ack } of acked) {
      const valid = message.args.length === 1 && Object.hasOwn(VALIDATORS, message.event) && VALIDATORS[message.event as LessonRequestName]!.Check(message.args[0]);
      // socket.io's binary packets copy objects by assignment, where an own `__proto__` key is lost on the
      // way: the server then rightly judges the payload without it.
      const lostOnTheWay = Object.hasOwn(message.args[0] ?? {}, '__proto__');
      if (!valid && !lostOnTheWay) expect(ack, `${message.event} (${message.shape})`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      if (!ack.ok) expect(ack.error.code, `${message.event} (${message.shape})`).not.toBe('internal');
    }
    expect(acked.length).toBeGreaterThan(MESSAGES / 2);
    const codes: Record<string, number> = {};
    for (const { ack } of acked) codes[ack.ok ? 'ok' : ack.error.code] = (codes[ack.ok ? 'ok' : ack.error.code] ?? 0) + 1;
    console.info(`socket fuzzer: ${MESSAGES} messages, ${acked.length} acked`, codes, `healthz polled ${health.length}×`);

    // The honest lesson goes on and its evidence is complete.
    expect(honest).toEqual({ chat: 15, hands: 5, answers: 5 });
    await teacher.request('lesson:end', {});
    await room.nextEvent('lesson:ended');
    const events = async (kind: 'chat_message' | 'hand_raised' | 'poll_answer') =>
      (await f.db.select().from(participationEvents).where(and(eq(participationEvents.lessonSessionId, lessonSessionId), eq(participationEvents.participantId, site.participantId), eq(participationEvents.kind, kind)))).length;
    // Evidence is written in batches after the fact: each count is waited for.
    await expect.poll(() => events('chat_message'), { timeout: 10_000 }).toBe(honest.chat);
    await expect.poll(() => events('hand_raised'), { timeout: 10_000 }).toBe(honest.hands);
    await expect.poll(() => events('poll_answer'), { timeout: 10_000 }).toBe(honest.answers);
    const attendanceOf = async (participantId: string) =>
      (await f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId))).filter((a) => a.participantId === participantId);
    await expect.poll(() => attendanceOf(site.participantId), { timeout: 10_000 }).toEqual([expect.objectContaining({ leaveReason: 'lesson_ended', headcount: 14 })]);
    await expect.poll(() => attendanceOf(lead.participantId), { timeout: 10_000 }).toEqual([expect.objectContaining({ leaveReason: 'lesson_ended' })]);
  }, 90_000);
});
