import type dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  LessonMediaError,
  MediaWorkerPool,
  type LessonMedia,
  type LessonMediaEvents,
  type RtpCapabilities,
} from './index.js';
import { opusParameters, plainReceiver, plainSender, recordingLogger, totalReceived, vp8Parameters, type LogEntry } from './testing/lesson.js';
import {
  LOOPBACK,
  delay,
  eventMatching,
  opusPacket,
  startSending,
  stunBindingRequest,
  udpSocket,
  vp8Packet,
  withTimeout,
} from './testing/rtp.js';

const SERVER_PORT = 52150;
const DTLS_CLIENT = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

type Recorded = { [K in keyof LessonMediaEvents]?: Array<LessonMediaEvents[K][0]> };

/** Records every event the lesson emits, by name. */
function recordEvents(lesson: LessonMedia): Recorded {
  const recorded: Recorded = {};
  const names: Array<keyof LessonMediaEvents> = [
    'producer-created',
    'producer-closed',
    'producer-paused',
    'consumer-created',
    'consumer-closed',
    'consumer-score',
    'consumer-layers',
    'advice',
    'active-speaker',
    'transport-state',
    'closed',
  ];
  for (const name of names) {
    const list: unknown[] = [];
    (recorded as Record<string, unknown[]>)[name] = list;
    lesson.on(name, (payload: unknown) => list.push(payload));
  }
  return recorded;
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  await expect(run).rejects.toBeInstanceOf(LessonMediaError);
  await expect(run).rejects.toMatchObject({ code });
}

describe('LessonMedia', () => {
  let pool: MediaWorkerPool;
  let lesson: LessonMedia;
  let events: Recorded;
  let logs: LogEntry[];
  let sockets: dgram.Socket[];
  const stops: Array<() => void> = [];

  beforeEach(async () => {
    logs = [];
    sockets = [];
    pool = await MediaWorkerPool.create({
      workerCount: 1,
      rtcMinPort: 52000,
      rtcMaxPort: 52099,
      listenIp: LOOPBACK,
      announcedIp: '',
      webRtcServerPort: SERVER_PORT,
      logger: recordingLogger(logs),
    });
    lesson = await pool.createLessonMedia({ lessonId: 'lesson-1' });
    events = recordEvents(lesson);
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
    for (const socket of sockets) socket.close();
  });

  it('creates WebRTC transports on the worker’s WebRtcServer: UDP and TCP candidates on its port', async () => {
    const send = await lesson.createTransport('lead-teacher', 'send');
    const recv = await lesson.createTransport('classroom-1', 'recv');

    for (const transport of [send, recv]) {
      expect(transport.iceCandidates.map(({ protocol, ip, port }) => ({ protocol, ip, port }))).toEqual(
        expect.arrayContaining([
          { protocol: 'udp', ip: LOOPBACK, port: SERVER_PORT },
          { protocol: 'tcp', ip: LOOPBACK, port: SERVER_PORT },
        ]),
      );
      expect(transport.iceCandidates).toHaveLength(2);
      expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    }
    expect(send.iceParameters.usernameFragment).not.toBe(recv.iceParameters.usernameFragment);
    expect(pool.workers[0]?.webRtcServerPort).toBe(SERVER_PORT);
  });

  it('connects the right transport when ICE arrives on the shared port, reports its states, and restarts ICE', async () => {
    const other = await lesson.createTransport('classroom-1', 'send');
    const transport = await lesson.createTransport('lead-teacher', 'send');
    await lesson.connectTransport('lead-teacher', transport.id, DTLS_CLIENT);

    const peer = await udpSocket();
    sockets.push(peer);
    const iceUp = eventMatching<LessonMediaEvents['transport-state'][0]>(lesson, 'transport-state', (state) => state.ice !== undefined);
    const dtlsStarted = eventMatching<LessonMediaEvents['transport-state'][0]>(lesson, 'transport-state', (state) => state.dtls !== undefined);
    const response = new Promise<Buffer>((resolve) => peer.once('message', resolve));
    peer.send(stunBindingRequest(transport.iceParameters.usernameFragment, transport.iceParameters.password), SERVER_PORT, LOOPBACK);

    const reply = await withTimeout(response, 3000, 'a STUN response');
    expect(reply.readUInt16BE(0)).toBe(0x0101); // Binding success
    const ice = await withTimeout(iceUp, 3000, 'an ICE state change');
    expect(ice).toMatchObject({ participantId: 'lead-teacher', transportId: transport.id, direction: 'send' });
    expect(['connected', 'completed']).toContain(ice.ice);
    expect(await withTimeout(dtlsStarted, 3000, 'a DTLS state change')).toMatchObject({ transportId: transport.id, dtls: 'connecting' });
    expect(events['transport-state']?.some((state) => state.transportId === other.id)).toBe(false);

    const restarted = await lesson.restartIce('lead-teacher', transport.id);
    expect(restarted.usernameFragment).not.toBe(transport.iceParameters.usernameFragment);
    expect(restarted.password).not.toBe(transport.iceParameters.password);
  });

  it('routes a microphone to a receiver only once it resumes the consumer, and reports the lifecycle', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const classroom = await plainReceiver(lesson, 'classroom-1', sockets);
    const producerId = await lesson.produce('lead-teacher', {
      transportId: teacher.transportId,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusParameters(0x1111),
    });
    expect(events['producer-created']).toEqual([{ participantId: 'lead-teacher', producerId, kind: 'audio', source: 'mic' }]);
    expect(lesson.producers).toEqual([{ producerId, participantId: 'lead-teacher', kind: 'audio', source: 'mic', paused: false }]);

    const consumer = await lesson.consume('classroom-1', { producerId, rtpCapabilities: lesson.rtpCapabilities });
    expect(consumer).toMatchObject({ producerId, kind: 'audio', source: 'mic', participantId: 'lead-teacher' });
    expect(events['consumer-created']).toEqual([{ participantId: 'classroom-1', consumerId: consumer.id, producerId, kind: 'audio' }]);
    expect(pool.workers[0]?.consumerCount).toBe(1);

    stops.push(startSending(teacher.socket, teacher.port, 20, (i) => [opusPacket(0x1111, i, 30)]));
    await delay(400);
    expect(totalReceived(classroom)).toBe(0); // created paused: nothing before the receiver is ready

    await lesson.resumeConsumer('classroom-1', consumer.id);
    await withTimeout(
      (async () => {
        while (totalReceived(classroom) < 10) await delay(50);
      })(),
      3000,
      'RTP at the receiver',
    );
    expect([...classroom.received.keys()]).toEqual([consumer.rtpParameters.encodings?.[0]?.ssrc]);

    await lesson.pauseProducer('lead-teacher', producerId);
    await lesson.pauseProducer('lead-teacher', producerId);
    await lesson.resumeProducer('lead-teacher', producerId);
    expect(events['producer-paused']).toEqual([
      { participantId: 'lead-teacher', producerId, paused: true },
      { participantId: 'lead-teacher', producerId, paused: false },
    ]);

    // The worker tells each consumer that its producer went, a moment after the producer closes.
    const consumerClosed = eventMatching(lesson, 'consumer-closed', () => true);
    lesson.closeProducer('lead-teacher', producerId);
    expect(events['producer-closed']).toEqual([{ participantId: 'lead-teacher', producerId }]);
    await withTimeout(consumerClosed, 3000, "'consumer-closed'");
    expect(events['consumer-closed']).toEqual([
      { participantId: 'classroom-1', consumerId: consumer.id, producerId, reason: 'producer-closed' },
    ]);
    expect(lesson.producers).toEqual([]);
    expect(pool.workers[0]?.consumerCount).toBe(0);
  });

  it('refuses requests that name objects the participant does not own, or contradict its state', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const classroom = await plainReceiver(lesson, 'classroom-1', sockets);
    const classroomSend = await plainSender(lesson, 'classroom-1', sockets);
    const mic = opusParameters(0x2222);
    const producerId = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: mic });

    await expectCode(lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'camera', rtpParameters: mic }), 'kind-mismatch');
    await expectCode(
      lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x3333) }),
      'duplicate-source',
    );
    await expectCode(lesson.produce('classroom-1', { transportId: classroom.transportId, kind: 'audio', source: 'mic', rtpParameters: mic }), 'wrong-direction');
    await expectCode(lesson.produce('classroom-1', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: mic }), 'unknown-transport');
    await expectCode(lesson.produce('nobody', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: mic }), 'unknown-participant');
    // One site cannot mute or close another's producer through its own id.
    await expectCode(lesson.pauseProducer('classroom-1', producerId), 'unknown-producer');
    await expectCode(() => lesson.closeProducer('classroom-1', producerId), 'unknown-producer');
    await expectCode(lesson.consume('classroom-1', { producerId: 'no-such-producer', rtpCapabilities: lesson.rtpCapabilities }), 'unknown-producer');
    const noOpus: RtpCapabilities = { codecs: lesson.rtpCapabilities.codecs?.filter((codec) => codec.kind === 'video') ?? [] };
    await expectCode(lesson.consume('classroom-1', { producerId, rtpCapabilities: noOpus }), 'cannot-consume');
    // The lead teacher has no recv transport yet.
    await expectCode(lesson.consume('lead-teacher', { producerId, rtpCapabilities: lesson.rtpCapabilities }), 'unknown-transport');
    await expectCode(lesson.resumeConsumer('classroom-1', 'no-such-consumer'), 'unknown-consumer');
    await expectCode(lesson.connectTransport('classroom-1', classroomSend.transportId, DTLS_CLIENT), 'unknown-transport');
    // Two requests for the same source at once (a double click): one producer, one refusal.
    const camera = (ssrc: number) =>
      lesson.produce('classroom-1', { transportId: classroomSend.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([ssrc]) });
    const results = await Promise.allSettled([camera(0x2a), camera(0x2b)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'duplicate-source' } });
    // mediasoup's own validation errors reach the caller unchanged.
    await expect(
      lesson.produce('classroom-1', { transportId: classroomSend.transportId, kind: 'audio', source: 'mic', rtpParameters: { codecs: [] } }),
    ).rejects.toThrow();
    expect(events['producer-created']).toHaveLength(2);
  });

  it('follows each tile: hidden pauses, the height picks the layer, clamped to the producer’s layers', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const classroom = await plainSender(lesson, 'classroom-1', sockets);
    await plainReceiver(lesson, 'classroom-2', sockets);
    const teacherCamera = await lesson.produce('lead-teacher', {
      transportId: teacher.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8Parameters([0x100, 0x101, 0x102]),
    });
    const teacherMic = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x103) });
    const classroomCamera = await lesson.produce('classroom-1', {
      transportId: classroom.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8Parameters([0x200, 0x201]),
    });
    const consume = async (producerId: string) => {
      const { id } = await lesson.consume('classroom-2', { producerId, rtpCapabilities: lesson.rtpCapabilities });
      await lesson.resumeConsumer('classroom-2', id);
      return id;
    };
    const [big, small, audio] = [await consume(teacherCamera), await consume(classroomCamera), await consume(teacherMic)];
    const state = (consumerId: string) => lesson.consumerState('classroom-2', consumerId);

    expect(state(big)).toMatchObject({ paused: false, spatialLayers: 3, preferredSpatialLayer: 2 });
    expect(state(small)).toMatchObject({ paused: false, spatialLayers: 2, preferredSpatialLayer: 1 });

    const tile = (consumerId: string, width: number, height: number, visible = true) =>
      lesson.setTile('classroom-2', consumerId, { width, height, visible });
    await tile(big, 320, 180);
    expect(state(big).preferredSpatialLayer).toBe(0);
    await tile(big, 640, 360);
    expect(state(big).preferredSpatialLayer).toBe(1);
    await tile(big, 1280, 720);
    expect(state(big).preferredSpatialLayer).toBe(2);
    await tile(small, 1280, 720);
    expect(state(small).preferredSpatialLayer).toBe(1);
    await tile(small, 320, 240);
    expect(state(small).preferredSpatialLayer).toBe(0);

    await tile(big, 1280, 720, false);
    expect(state(big).paused).toBe(true);
    await tile(big, 0, 0);
    expect(state(big).paused).toBe(true);
    // A quick hide/show burst, as when scrolling a grid, ends in the last state.
    await Promise.all([tile(big, 640, 360, true), tile(big, 640, 360, false), tile(big, 640, 360, true)]);
    expect(state(big)).toMatchObject({ paused: false, preferredSpatialLayer: 1 });
    await tile(audio, 0, 0, false);
    expect(state(audio).paused).toBe(false);

    await tile(small, 320, 240, false);
    await lesson.setAudioOnly('classroom-2', true);
    expect([state(big).paused, state(small).paused, state(audio).paused]).toEqual([true, true, false]);
    await lesson.setAudioOnly('classroom-2', false);
    // Back to video, except the tile that is still hidden.
    expect([state(big).paused, state(small).paused, state(audio).paused]).toEqual([false, true, false]);

    // The gateway ends a consumer the site may no longer see.
    lesson.closeConsumer('classroom-2', small);
    expect(events['consumer-closed']).toEqual([
      { participantId: 'classroom-2', consumerId: small, producerId: classroomCamera, reason: 'closed' },
    ]);
    expect(() => state(small)).toThrow(LessonMediaError);
  });

  it('keeps a capped consumer at or below its top layer whatever its tile asks, from its first frame (a broadcast viewer)', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    await plainReceiver(lesson, 'viewer-1', sockets);
    await plainReceiver(lesson, 'classroom-2', sockets);
    const camera = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([0x300, 0x301, 0x302]) });
    const capped = await lesson.consume('viewer-1', { producerId: camera, rtpCapabilities: lesson.rtpCapabilities, maxSpatialLayer: 1 });
    const free = await lesson.consume('classroom-2', { producerId: camera, rtpCapabilities: lesson.rtpCapabilities });
    // Before anything resumes it, mediasoup already prefers the capped layer.
    expect(lesson.consumerState('viewer-1', capped.id).preferredSpatialLayer).toBe(1);
    await lesson.resumeConsumer('viewer-1', capped.id);
    await lesson.resumeConsumer('classroom-2', free.id);
    await lesson.setTile('viewer-1', capped.id, { width: 1920, height: 1080, visible: true });
    await lesson.setTile('classroom-2', free.id, { width: 1920, height: 1080, visible: true });
    expect(lesson.consumerState('viewer-1', capped.id)).toMatchObject({ paused: false, spatialLayers: 3, preferredSpatialLayer: 1 });
    expect(lesson.consumerState('classroom-2', free.id).preferredSpatialLayer).toBe(2);
    // Below the cap, the tile still decides.
    await lesson.setTile('viewer-1', capped.id, { width: 320, height: 180, visible: true });
    expect(lesson.consumerState('viewer-1', capped.id).preferredSpatialLayer).toBe(0);
  });

  it('closing a participant ends its media and everyone’s consumers of it; a new transport replaces the old', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    await plainReceiver(lesson, 'classroom-1', sockets);
    await plainReceiver(lesson, 'classroom-2', sockets);
    const mic = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x4444) });
    const c1 = await lesson.consume('classroom-1', { producerId: mic, rtpCapabilities: lesson.rtpCapabilities });
    const c2 = await lesson.consume('classroom-2', { producerId: mic, rtpCapabilities: lesson.rtpCapabilities });
    expect(pool.workers[0]?.consumerCount).toBe(2);

    lesson.closeParticipant('classroom-2');
    lesson.closeParticipant('classroom-2');
    expect(events['consumer-closed']).toEqual([{ participantId: 'classroom-2', consumerId: c2.id, producerId: mic, reason: 'closed' }]);
    await expectCode(lesson.resumeConsumer('classroom-2', c2.id), 'unknown-participant');

    const consumerClosed = eventMatching(lesson, 'consumer-closed', () => true);
    lesson.closeParticipant('lead-teacher');
    expect(events['producer-closed']).toEqual([{ participantId: 'lead-teacher', producerId: mic }]);
    await withTimeout(consumerClosed, 3000, "'consumer-closed'");
    expect(events['consumer-closed']?.at(-1)).toEqual({ participantId: 'classroom-1', consumerId: c1.id, producerId: mic, reason: 'producer-closed' });
    expect(pool.workers[0]?.consumerCount).toBe(0);

    const first = await plainSender(lesson, 'lead-teacher', sockets);
    await lesson.produce('lead-teacher', { transportId: first.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x5555) });
    const second = await plainSender(lesson, 'lead-teacher', sockets);
    expect(events['producer-closed']).toHaveLength(2); // the first transport took its producer with it
    await expectCode(
      lesson.produce('lead-teacher', { transportId: first.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x5556) }),
      'unknown-transport',
    );
    await lesson.produce('lead-teacher', { transportId: second.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x5557) });
  });

  it('measures each transport of a participant', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const classroom = await plainReceiver(lesson, 'classroom-1', sockets);
    const camera = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([0x600]) });
    const consumer = await lesson.consume('classroom-1', { producerId: camera, rtpCapabilities: lesson.rtpCapabilities });
    await lesson.resumeConsumer('classroom-1', consumer.id);
    stops.push(startSending(teacher.socket, teacher.port, 10, (i) => [vp8Packet(0x600, i)]));
    await withTimeout(
      (async () => {
        while (totalReceived(classroom) < 50) await delay(50);
      })(),
      5000,
      'video at the receiver',
    );
    await delay(500);

    const [sent] = await lesson.stats('lead-teacher');
    const [received] = await lesson.stats('classroom-1');
    expect(sent).toMatchObject({ transportId: teacher.transportId, direction: 'send', packetLossPct: 0 });
    expect(sent?.recvBitrate).toBeGreaterThan(10_000); // 100 packets/s of ~50 bytes
    expect(received).toMatchObject({ transportId: classroom.transportId, direction: 'recv' });
    expect(received?.sendBitrate).toBeGreaterThan(10_000);
  });

  it('closes once, emits closed, closes its router and refuses requests afterwards', async () => {
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x7777) });
    expect(pool.workers[0]).toMatchObject({ routerCount: 1, lessonCount: 1 });

    lesson.close();
    lesson.close();
    expect(events.closed).toEqual([{ reason: 'closed' }]);
    expect(events['producer-closed']).toHaveLength(1);
    expect(lesson.closed).toBe(true);
    expect(pool.workers[0]).toMatchObject({ routerCount: 0, lessonCount: 0 });
    await expectCode(lesson.createTransport('lead-teacher', 'send'), 'lesson-closed');

    const again = await pool.createLessonMedia({ lessonId: 'lesson-1' });
    expect(again.closed).toBe(false);
    await expect(pool.createLessonMedia({ lessonId: 'lesson-1' })).rejects.toMatchObject({ code: 'lesson-exists' });
    expect(logs.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
