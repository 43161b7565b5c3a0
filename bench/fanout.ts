/**
 * SFU fan-out: one VP8 camera fed with real RTP into a lesson through a PlainTransport, N receivers on
 * PlainTransports to loopback UDP sinks in this process. Per step: forwarded packets/s, loss, and the
 * worker's CPU (getResourceUsage). The baseline builds the same topology with bare mediasoup calls on a
 * router of the same pool (same worker, same settings) in the same run, alternating with Tongke per step.
 */
import type dgram from 'node:dgram';

import { MediaWorkerPool, type LessonMedia, type MediaLogger, type Router } from '../media/index.js';
import { plainRtpCapabilities, vp8Parameters } from '../media/testing/lesson.js';
import { LOOPBACK, VP8_PAYLOAD_TYPE, delay, isRtp, portOf, rtpPacket, udpSocket } from '../media/testing/rtp.js';
import { ratios, round, type BenchResult, type Benchmark } from './result.js';

const CAMERA_SSRC = 0x5a11;
const FRAMES_PER_SECOND = 30;
/** Packets per frame: a ~600 kbit/s camera (VP8 at 640×360) in ~1 KB packets. */
const PACKETS_PER_FRAME = 3;
const PAYLOAD_BYTES = 900;
const LOSS_LIMIT_PCT = 1;

const silent: MediaLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface StepFigures {
  receivers: number;
  sent: number;
  /** What the camera actually sent: below the nominal rate when the shared JS thread is saturated. */
  sentPerSecond: number;
  forwarded: number;
  forwardedPerSecond: number;
  lossPct: number;
  sequenceGaps: number;
  workerCpuMs: number;
  cpuMicrosPerPacket: number;
}

/** A loopback UDP sink: counts RTP packets and gaps in the (per-consumer) sequence numbers. */
class RtpSink {
  received = 0;
  gaps = 0;
  #last: number | null = null;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (packet) => {
      if (!isRtp(packet)) return;
      this.received++;
      const seq = packet.readUInt16BE(2);
      if (this.#last !== null) {
        const step = (seq - this.#last + 0x10000) % 0x10000;
        // A step back (reordering) is not a gap.
        if (step > 1 && step < 0x8000) this.gaps += step - 1;
      }
      this.#last = seq;
    });
  }

  static async create(): Promise<RtpSink> {
    return new RtpSink(await udpSocket());
  }

  get port(): number {
    return portOf(this.socket);
  }

  reset(): void {
    this.received = 0;
    this.gaps = 0;
  }
}

/** One VP8 frame split over PACKETS_PER_FRAME packets; every frame a key frame so a new receiver starts at once. */
function vp8Frame(frame: number): Buffer[] {
  const pictureId = frame & 0x7fff;
  return Array.from({ length: PACKETS_PER_FRAME }, (_, part) => {
    const first = part === 0;
    // Payload descriptor: X, S (start of partition) on the first packet, picture id, TL0PICIDX, TID 0.
    const descriptor = Buffer.from([first ? 0x90 : 0x80, 0xe0, 0x80 | (pictureId >> 8), pictureId & 0xff, frame & 0xff, 0x00]);
    const body = Buffer.alloc(PAYLOAD_BYTES, 0x55);
    // Key-frame payload header (P bit clear), start code and a 640×360 size on the first packet.
    if (first) Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(body);
    return rtpPacket({
      payloadType: VP8_PAYLOAD_TYPE,
      ssrc: CAMERA_SSRC,
      sequenceNumber: frame * PACKETS_PER_FRAME + part,
      timestamp: frame * (90_000 / FRAMES_PER_SECOND),
      marker: part === PACKETS_PER_FRAME - 1,
      payload: Buffer.concat([descriptor, body]),
    });
  });
}

/** Where to send the camera's RTP, and how to take the topology down. */
interface Topology {
  sendPort: number;
  sinks: RtpSink[];
  close(): void;
}

async function tongkeTopology(pool: MediaWorkerPool, lessonId: string, receivers: number): Promise<Topology> {
  const lesson: LessonMedia = await pool.createLessonMedia({ lessonId });
  const sinks: RtpSink[] = [];
  try {
    const send = await lesson.createPlainTransport('camera', { direction: 'send' });
    const producerId = await lesson.produce('camera', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([CAMERA_SSRC]) });
    const capabilities = plainRtpCapabilities(lesson.rtpCapabilities);
    for (let i = 0; i < receivers; i++) {
      const sink = await RtpSink.create();
      sinks.push(sink);
      const participantId = `receiver-${i}`;
      await lesson.createPlainTransport(participantId, { direction: 'recv', remote: { ip: LOOPBACK, port: sink.port } });
      const consumer = await lesson.consume(participantId, { producerId, rtpCapabilities: capabilities });
      await lesson.setTile(participantId, consumer.id, { width: 640, height: 360, visible: true });
      await lesson.resumeConsumer(participantId, consumer.id);
    }
    return { sendPort: send.port, sinks, close: () => closeAll(sinks, () => lesson.close()) };
  } catch (error) {
    closeAll(sinks, () => lesson.close());
    throw error;
  }
}

/**
 * The baseline: bare mediasoup calls on a router of the same pool. The router comes from
 * `pool.createRouter()` (a bare router for tools), so no `mediasoup` import is needed even here.
 */
async function rawTopology(pool: MediaWorkerPool, receivers: number): Promise<Topology> {
  const router: Router = await pool.createRouter();
  const sinks: RtpSink[] = [];
  try {
    const send = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: true });
    const producer = await send.produce({ kind: 'video', rtpParameters: vp8Parameters([CAMERA_SSRC]) });
    const capabilities = plainRtpCapabilities(router.rtpCapabilities);
    for (let i = 0; i < receivers; i++) {
      const sink = await RtpSink.create();
      sinks.push(sink);
      const transport = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: false });
      await transport.connect({ ip: LOOPBACK, port: sink.port });
      await transport.consume({ producerId: producer.id, rtpCapabilities: capabilities, paused: false });
    }
    return { sendPort: send.tuple.localPort, sinks, close: () => closeAll(sinks, () => router.close()) };
  } catch (error) {
    closeAll(sinks, () => router.close());
    throw error;
  }
}

function closeAll(sinks: RtpSink[], closeMedia: () => void): void {
  closeMedia();
  for (const sink of sinks) sink.socket.close();
}

async function workerCpuMs(pool: MediaWorkerPool): Promise<number> {
  const usage = await pool.resourceUsage();
  return usage.reduce((sum, w) => sum + w.usage.ru_utime + w.usage.ru_stime, 0);
}

/** Sends the camera for warm-up + measurement, counting only the measurement window. */
async function measure(pool: MediaWorkerPool, topology: Topology, warmupMs: number, measureMs: number): Promise<StepFigures> {
  const source = await udpSocket();
  let frame = 0;
  let sent = 0;
  const timer = setInterval(() => {
    for (const packet of vp8Frame(frame++)) {
      source.send(packet, topology.sendPort, LOOPBACK);
      sent++;
    }
  }, 1000 / FRAMES_PER_SECOND);
  try {
    await delay(warmupMs);
    for (const sink of topology.sinks) sink.reset();
    const sentBefore = sent;
    const cpuBefore = await workerCpuMs(pool);
    const startedAt = performance.now();
    await delay(measureMs);
    const sentInWindow = sent - sentBefore;
    const elapsedS = (performance.now() - startedAt) / 1000;
    clearInterval(timer);
    // Let the packets in flight arrive before counting.
    await delay(300);
    const cpuMs = (await workerCpuMs(pool)) - cpuBefore;
    const forwarded = topology.sinks.reduce((sum, s) => sum + s.received, 0);
    const expected = sentInWindow * topology.sinks.length;
    return {
      receivers: topology.sinks.length,
      sent: sentInWindow,
      sentPerSecond: round(sentInWindow / elapsedS, 1),
      forwarded,
      forwardedPerSecond: round(forwarded / elapsedS, 0),
      lossPct: round(Math.max(0, (1 - forwarded / expected) * 100), 2),
      sequenceGaps: topology.sinks.reduce((sum, s) => sum + s.gaps, 0),
      workerCpuMs: round(cpuMs, 0),
      cpuMicrosPerPacket: forwarded > 0 ? round((cpuMs * 1000) / forwarded, 2) : 0,
    };
  } finally {
    clearInterval(timer);
    source.close();
  }
}

function summarise(steps: readonly StepFigures[]): Record<string, number> {
  const clean = steps.filter((s) => s.lossPct < LOSS_LIMIT_PCT);
  const largest = steps.at(-1);
  return {
    maxReceiversUnder1PctLoss: clean.length > 0 ? Math.max(...clean.map((s) => s.receivers)) : 0,
    forwardedPerSecondAtLargestN: largest?.forwardedPerSecond ?? 0,
    lossPctAtLargestN: largest?.lossPct ?? 0,
    // CPU per forwarded packet over every step, weighted by packets.
    cpuMicrosPerPacket: round((steps.reduce((s, x) => s + x.workerCpuMs, 0) * 1000) / Math.max(1, steps.reduce((s, x) => s + x.forwarded, 0)), 2),
  };
}

export async function runFanout(options: { quick: boolean }): Promise<BenchResult> {
  const steps = options.quick ? [5, 10] : [50, 100, 200, 400];
  const warmupMs = options.quick ? 500 : 1500;
  const measureMs = options.quick ? 1000 : 5000;
  const pool = await MediaWorkerPool.create({ workerCount: 1, rtcMinPort: 47000, rtcMaxPort: 48999, listenIp: LOOPBACK, announcedIp: '', webRtcServerPort: 49100, logger: silent });
  const tongke: StepFigures[] = [];
  const raw: StepFigures[] = [];
  try {
    for (const [index, receivers] of steps.entries()) {
      // Alternate which runs first, so neither always gets the warmer (or more tired) machine.
      const order = index % 2 === 0 ? (['tongke', 'raw'] as const) : (['raw', 'tongke'] as const);
      for (const which of order) {
        const topology = which === 'tongke' ? await tongkeTopology(pool, `fanout-${receivers}`, receivers) : await rawTopology(pool, receivers);
        try {
          (which === 'tongke' ? tongke : raw).push(await measure(pool, topology, warmupMs, measureMs));
        } finally {
          topology.close();
        }
      }
    }
  } finally {
    pool.close();
  }
  const figures = summarise(tongke);
  const baseline = summarise(raw);
  return {
    name: 'fanout',
    parameters: { receivers: steps, framesPerSecond: FRAMES_PER_SECOND, packetsPerFrame: PACKETS_PER_FRAME, payloadBytes: PAYLOAD_BYTES, warmupMs, measureMs, workers: 1 },
    figures,
    baseline,
    ratio: ratios(figures, baseline),
    steps: [...tongke.map((s) => ({ side: 'tongke', ...s })), ...raw.map((s) => ({ side: 'raw', ...s }))],
    notes: [
      'The UDP sinks are node:dgram sockets in the benchmarking process: past some N its single JS thread, not the SFU, drops packets, so max N is a lower bound for the worker.',
      `The camera's timer shares that thread too: at large N it sends below the nominal ${FRAMES_PER_SECOND * PACKETS_PER_FRAME} packets/s (see sentPerSecond per step); loss is counted against what was actually sent.`,
      'Worker CPU is ru_utime+ru_stime of the one mediasoup worker over the measurement window (includes RTCP and the adaptation loop).',
      'Tongke and raw share one worker and alternate per step; on a shared 2-core machine the run-to-run noise is several percent.',
    ],
  };
}

export const fanoutBenchmark: Benchmark = {
  name: 'fanout',
  description: 'one VP8 camera to N plain-RTP receivers: forwarded packets/s, loss, worker CPU; vs bare mediasoup',
  run: runFanout,
};
