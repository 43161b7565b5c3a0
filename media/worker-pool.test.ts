import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  MediaPoolError,
  MediaWorkerPool,
  type LessonMedia,
  type LessonMediaEvents,
  type MediaWorkerPoolEvents,
  type MediaWorkerPoolOptions,
} from './index.js';
import { opusParameters, plainReceiver, plainSender, recordingLogger, totalReceived, type LogEntry } from './testing/lesson.js';
import { LOOPBACK, OPUS_PAYLOAD_TYPE, delay, isRtp, opusPacket, portOf, rtpPacket, startSending, udpSocket, withTimeout } from './testing/rtp.js';

const PRODUCER_SSRC = 0x1234_5678;
const PACKET_COUNT = 50;
/** An Opus TOC byte plus a tiny frame; the worker forwards the payload untouched. */
const OPUS_PAYLOAD = Buffer.from([0xf8, 0xff, 0xfe, 0x01, 0x02, 0x03]);
const RTC_MIN_PORT = 53000;
const RTC_MAX_PORT = 53099;

function nextEvent<K extends keyof MediaWorkerPoolEvents>(pool: MediaWorkerPool, event: K): Promise<MediaWorkerPoolEvents[K]> {
  return once(pool, event) as Promise<MediaWorkerPoolEvents[K]>;
}

/** The payload after the fixed header, CSRCs and header extensions (the worker adds its own). */
function rtpPayload(packet: Buffer): Buffer {
  const first = packet[0] ?? 0;
  let offset = 12 + 4 * (first & 0x0f);
  if (first & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  return packet.subarray(offset);
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!condition()) await delay(25);
    })(),
    ms,
    what,
  );
}

describe('MediaWorkerPool', () => {
  let pool: MediaWorkerPool;
  let logs: LogEntry[];
  let sockets: dgram.Socket[];
  const stops: Array<() => void> = [];
  const options = (overrides: Partial<MediaWorkerPoolOptions> = {}): MediaWorkerPoolOptions => ({
    workerCount: 2,
    rtcMinPort: RTC_MIN_PORT,
    rtcMaxPort: RTC_MAX_PORT,
    listenIp: LOOPBACK,
    announcedIp: '',
    logLevel: 'warn',
    logger: recordingLogger(logs),
    ...overrides,
  });

  /** A lesson with `count` receivers consuming one microphone: that many consumers on its worker. */
  async function lessonWithConsumers(lessonId: string, count: number): Promise<LessonMedia> {
    const lesson = await pool.createLessonMedia({ lessonId });
    const teacher = await plainSender(lesson, 'lead-teacher', sockets);
    const mic = await lesson.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x42) });
    for (let i = 0; i < count; i++) {
      await plainReceiver(lesson, `classroom-${i}`, sockets);
      await lesson.consume(`classroom-${i}`, { producerId: mic, rtpCapabilities: lesson.rtpCapabilities });
    }
    return lesson;
  }

  beforeEach(async () => {
    logs = [];
    sockets = [];
    pool = await MediaWorkerPool.create(options());
  });

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    pool.close();
    for (const socket of sockets) socket.close();
  });

  it('starts the requested workers, each with a WebRtcServer on a port from the top of the RTC range', () => {
    expect(pool.alive).toBe(true);
    expect(pool.workers).toHaveLength(2);
    for (const worker of pool.workers) {
      expect(worker.alive).toBe(true);
      expect(() => process.kill(worker.pid, 0)).not.toThrow();
    }
    expect(pool.workers.map((worker) => worker.webRtcServerPort)).toEqual([RTC_MAX_PORT, RTC_MAX_PORT - 1]);
  });

  it('routes RTP from a producer to a consumer through a pooled router', async () => {
    const router = await pool.createRouter();
    const [source, sink] = [await udpSocket(), await udpSocket()];
    sockets.push(source, sink);

    const ingress = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: true });
    const egress = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: false });
    await egress.connect({ ip: LOOPBACK, port: portOf(sink) });
    // Per-transport ports come from the RTC range below the WebRtcServer ports.
    for (const port of [ingress.tuple.localPort, egress.tuple.localPort]) {
      expect(port).toBeGreaterThanOrEqual(RTC_MIN_PORT);
      expect(port).toBeLessThanOrEqual(RTC_MAX_PORT - 2);
    }

    const producer = await ingress.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: OPUS_PAYLOAD_TYPE }],
        encodings: [{ ssrc: PRODUCER_SSRC }],
      },
    });
    const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
    await consumer.resume();

    const received: Buffer[] = [];
    const enoughReceived = new Promise<void>((resolve) => {
      sink.on('message', (packet) => {
        if (!isRtp(packet)) return;
        received.push(packet);
        if (received.length >= PACKET_COUNT * 0.8) resolve();
      });
    });
    for (let i = 0; i < PACKET_COUNT; i++) {
      const packet = rtpPacket({ payloadType: OPUS_PAYLOAD_TYPE, ssrc: PRODUCER_SSRC, sequenceNumber: 1000 + i, timestamp: 960 * i, payload: OPUS_PAYLOAD });
      source.send(packet, ingress.tuple.localPort, LOOPBACK);
      await delay(5);
    }
    await withTimeout(enoughReceived, 5000, 'RTP at the consumer sink');

    for (const packet of received) {
      expect(packet.readUInt32BE(8)).toBe(consumer.rtpParameters.encodings?.[0]?.ssrc);
      expect((packet[1] ?? 0) & 0x7f).toBe(consumer.rtpParameters.codecs[0]?.payloadType);
      expect(rtpPayload(packet)).toEqual(OPUS_PAYLOAD);
    }
    expect(pool.workers.map((worker) => worker.routerCount)).toEqual([1, 0]);
  });

  it('places lessons by consumers, not rooms, and spreads lessons that start together', async () => {
    const busy = await lessonWithConsumers('busy', 3);
    expect(pool.workers.map((worker) => worker.consumerCount)).toEqual([3, 0]);

    // Worker 1 has no consumers: it takes the next lessons even once it hosts more lessons than worker 0.
    await pool.createLessonMedia({ lessonId: 'quiet-1' });
    await pool.createLessonMedia({ lessonId: 'quiet-2' });
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([1, 2]);

    const second = await lessonWithConsumers('second', 4);
    expect(pool.workers.map((worker) => worker.consumerCount)).toEqual([3, 4]);
    // 'second' went to worker 1 (it had no consumers); with 3 < 4 consumers the next goes back to worker 0.
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([1, 3]);
    const third = await pool.createLessonMedia({ lessonId: 'third' });
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([2, 3]);

    // When the busy lesson's receivers leave, its worker is the lighter one again.
    for (let i = 0; i < 3; i++) busy.closeParticipant(`classroom-${i}`);
    await waitFor(() => pool.workers[0]?.consumerCount === 0, 2000, 'the consumers to close');
    await pool.createLessonMedia({ lessonId: 'after-leaving' });
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([3, 3]);

    // Lessons timetabled at the same minute (no consumers yet) are spread by their pending routers.
    for (const lesson of [busy, second, third]) lesson.close();
    pool.close();
    pool = await MediaWorkerPool.create(options());
    await Promise.all(['a', 'b', 'c', 'd'].map((lessonId) => pool.createLessonMedia({ lessonId })));
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([2, 2]);
  });

  it('closes the lessons of a killed worker, names them, re-creates them on a live worker, and replaces the worker', async () => {
    const first = await pool.createLessonMedia({ lessonId: 'first' });
    const second = await pool.createLessonMedia({ lessonId: 'second' });
    const victim = pool.workers[0];
    expect(pool.workers.map((worker) => worker.lessonCount)).toEqual([1, 1]);
    if (!victim) throw new Error('no worker 0');
    const lessonClosed = new Promise<LessonMediaEvents['closed'][0]>((resolve) => first.once('closed', resolve));
    const survivorEvents: Array<LessonMediaEvents['closed'][0]> = [];
    second.on('closed', (event) => survivorEvents.push(event));

    const died = nextEvent(pool, 'worker-died');
    const replaced = nextEvent(pool, 'worker-replaced');
    process.kill(victim.pid, 'SIGKILL');

    const [death] = await withTimeout(died, 5000, "'worker-died'");
    expect(death).toMatchObject({ index: 0, pid: victim.pid, lessonIds: ['first'] });
    expect(await withTimeout(lessonClosed, 1000, "the lesson's 'closed'")).toEqual({ reason: 'worker-died' });
    expect(first.closed).toBe(true);
    expect(survivorEvents).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('died') }));

    // Re-created at once, before the replacement is up: it must land on the live worker.
    const again = await pool.createLessonMedia({ lessonId: 'first' });
    expect(pool.workers[1]?.lessonCount).toBe(2);
    const teacher = await plainSender(again, 'lead-teacher', sockets);
    const classroom = await plainReceiver(again, 'classroom-1', sockets);
    const mic = await again.produce('lead-teacher', { transportId: teacher.transportId, kind: 'audio', source: 'mic', rtpParameters: opusParameters(0x99) });
    const consumer = await again.consume('classroom-1', { producerId: mic, rtpCapabilities: again.rtpCapabilities });
    await again.resumeConsumer('classroom-1', consumer.id);
    stops.push(startSending(teacher.socket, teacher.port, 20, (i) => [opusPacket(0x99, i, 40)]));
    await waitFor(() => totalReceived(classroom) >= 10, 3000, 'media in the re-created lesson');

    const [replacement] = await withTimeout(replaced, 10_000, "'worker-replaced'");
    expect(replacement).toMatchObject({ index: 0, previousPid: victim.pid });
    expect(pool.alive).toBe(true);
    expect(pool.workers[0]).toMatchObject({ alive: true, routerCount: 0, consumerCount: 0, lessonCount: 0, webRtcServerPort: RTC_MAX_PORT });
    const onReplacement = await pool.createLessonMedia({ lessonId: 'third' });
    expect(pool.workers[0]?.lessonCount).toBe(1);
    const transport = await onReplacement.createTransport('lead-teacher', 'send');
    expect(transport.iceCandidates.map((candidate) => candidate.port)).toEqual([RTC_MAX_PORT, RTC_MAX_PORT]);
  });

  it('falls back to a port per transport when the WebRtcServer port is taken', async () => {
    const squatter = dgram.createSocket('udp4');
    sockets.push(squatter);
    squatter.bind(53290, LOOPBACK);
    await once(squatter, 'listening');
    pool.close();
    pool = await MediaWorkerPool.create(options({ workerCount: 1, rtcMinPort: 53200, rtcMaxPort: 53280, webRtcServerPort: 53290 }));

    expect(pool.workers[0]?.webRtcServerPort).toBeNull();
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('WebRtcServer could not listen') }));
    const lesson = await pool.createLessonMedia({ lessonId: 'fallback' });
    const transport = await lesson.createTransport('lead-teacher', 'recv');
    expect(transport.iceCandidates.map((candidate) => candidate.protocol).sort()).toEqual(['tcp', 'udp']);
    for (const candidate of transport.iceCandidates) {
      expect(candidate.ip).toBe(LOOPBACK);
      expect(candidate.port).toBeGreaterThanOrEqual(53200);
      expect(candidate.port).toBeLessThanOrEqual(53280);
    }
  });

  it('puts the announced IP in the candidates, and refuses addresses clients cannot reach', async () => {
    pool.close();
    pool = await MediaWorkerPool.create(options({ workerCount: 1, rtcMinPort: 53300, rtcMaxPort: 53380, announcedIp: '203.0.113.7' }));
    const lesson = await pool.createLessonMedia({ lessonId: 'announced' });
    const transport = await lesson.createTransport('lead-teacher', 'send');
    expect(transport.iceCandidates.map(({ ip, port }) => ({ ip, port }))).toEqual([
      { ip: '203.0.113.7', port: 53380 },
      { ip: '203.0.113.7', port: 53380 },
    ]);

    await expect(MediaWorkerPool.create(options({ listenIp: 'localhost' }))).rejects.toThrow(RangeError);
    await expect(MediaWorkerPool.create(options({ listenIp: '0.0.0.0' }))).rejects.toThrow(/announcedIp/);
    await expect(MediaWorkerPool.create(options({ webRtcServerPort: 53050 }))).rejects.toThrow(/overlap/);
  });

  it('closes its lessons first, once, emits closed, and refuses new lessons afterwards', async () => {
    const lesson = await lessonWithConsumers('closing', 1);
    const lessonEvents: Array<LessonMediaEvents['closed'][0]> = [];
    lesson.on('closed', (event) => lessonEvents.push(event));
    let closedEvents = 0;
    pool.on('closed', () => closedEvents++);

    pool.close();
    pool.close();

    expect(lessonEvents).toEqual([{ reason: 'closed' }]);
    expect(closedEvents).toBe(1);
    expect(pool.alive).toBe(false);
    await expect(pool.createLessonMedia({ lessonId: 'late' })).rejects.toMatchObject({ code: 'pool-closed' });
    await expect(pool.createRouter()).rejects.toBeInstanceOf(MediaPoolError);
    await delay(200);
    expect(logs.filter((entry) => entry.level !== 'info')).toEqual([]);
  });
});
