/**
 * SFU fan-out: one VP8 camera fed with real RTP into a lesson through a PlainTransport, N receivers on
 * PlainTransports to loopback UDP sinks. Per step: forwarded packets/s, loss, and the worker's CPU
 * (getResourceUsage). The baseline builds the same topology with bare mediasoup calls on a router of the same
 * pool (same worker, same settings) in the same run, alternating with Tongke per step.
 *
 * The sinks run in a few child processes (fanout-sinks.ts) and the camera in one of its own
 * (fanout-camera.ts), as classrooms and the teacher are other machines: with both in this process its one JS
 * thread, not the worker, was the limit from N ≈ 400. A side climbs until two of its steps have lost 1 % or more.
 */
import { MediaWorkerPool, type LessonMedia, type MediaLogger, type Router } from '../media/index.js';
import { plainRtpCapabilities, vp8Parameters } from '../media/testing/lesson.js';
import { LOOPBACK, delay } from '../media/testing/rtp.js';
import type { CameraSpec, FromCamera, ToCamera } from './fanout-camera.js';
import type { FromSinks, ToSinks } from './fanout-sinks.js';
import { HelperProcess } from './helper-process.js';
import { ratios, round, type BenchResult, type Benchmark } from './result.js';

/** A ~600 kbit/s camera (VP8 at 640×360, 30 fps) in ~1 KB packets. */
export const CAMERA: CameraSpec = { ssrc: 0x5a11, framesPerSecond: 30, packetsPerFrame: 3, payloadBytes: 900 };
export const LOSS_LIMIT_PCT = 1;
/** A side stops climbing once this many of its steps have lost LOSS_LIMIT_PCT or more. */
const STEPS_OVER_LIMIT = 2;
/** Packets in flight when the camera stops arrive within this. */
const DRAIN_MS = 300;

const silent: MediaLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface StepFigures {
  receivers: number;
  sent: number;
  /** What the camera actually sent in the window: loss is counted against it. */
  sentPerSecond: number;
  forwarded: number;
  forwardedPerSecond: number;
  lossPct: number;
  sequenceGaps: number;
  /** Sinks that received nothing in the window: a receiver the media never reached. */
  silentReceivers: number;
  workerCpuMs: number;
  /** The busiest worker's share of workerCpuMs (all of it with one worker). */
  busiestWorkerCpuMs: number;
  /** CPU time of the sinks' processes together, from each one's first packet of the window to the count. */
  sinksCpuMs: number;
  cpuMicrosPerPacket: number;
}

type Side = 'tongke' | 'raw';

/** The receivers' processes: a step's N sinks split over them, counted together. */
export class SinkProcesses {
  readonly #helpers: ReadonlyArray<HelperProcess<ToSinks, FromSinks>>;

  private constructor(helpers: ReadonlyArray<HelperProcess<ToSinks, FromSinks>>) {
    this.#helpers = helpers;
  }

  static start(processes: number): SinkProcesses {
    return new SinkProcesses(Array.from({ length: processes }, (_, i) => HelperProcess.start<ToSinks, FromSinks>(new URL('./fanout-sinks.ts', import.meta.url), `fan-out sinks ${i}`)));
  }

  /** Opens `receivers` sinks, as evenly as can be over the processes; resolves with their ports. */
  async open(receivers: number): Promise<number[]> {
    const count = this.#helpers.length;
    const answers = await Promise.all(
      this.#helpers.map((helper, i) => {
        const share = Math.floor(receivers / count) + (i < receivers % count ? 1 : 0);
        return share > 0 ? helper.ask({ type: 'open', count: share }) : undefined;
      }),
    );
    const ports = answers.flatMap((answer) => (answer?.type === 'opened' ? answer.ports : []));
    if (ports.length !== receivers) throw new Error(`the fan-out sinks opened ${ports.length} sockets of ${receivers}`);
    return ports;
  }

  /** Zeroes the counts; from now on the sinks count only the camera's packets with an index in [from, to). */
  async window(from: number, to: number): Promise<void> {
    await Promise.all(this.#helpers.map((helper) => helper.ask({ type: 'window', from, to })));
  }

  /** Each open sink's packets and sequence gaps in the window, and the processes' CPU time since its first packet. */
  async counts(): Promise<{ received: number[]; gaps: number[]; cpuMs: number }> {
    const answers = await Promise.all(this.#helpers.map((helper) => helper.ask({ type: 'count' })));
    const counts = answers.flatMap((answer) => (answer.type === 'counts' ? [answer] : []));
    if (counts.length !== answers.length) throw new Error('a fan-out sinks process answered a count with something else');
    return { received: counts.flatMap((c) => c.received), gaps: counts.flatMap((c) => c.gaps), cpuMs: counts.reduce((sum, c) => sum + c.cpuMs, 0) };
  }

  async closeSinks(): Promise<void> {
    await Promise.all(this.#helpers.map((helper) => helper.ask({ type: 'close' })));
  }

  /** Ends the processes (they close their sockets as they exit). */
  async close(): Promise<void> {
    await Promise.all(this.#helpers.map((helper) => helper.close()));
  }
}

/** The camera's process: sends a number of frames, saying when it has sent a number of packets. */
export class CameraProcess {
  readonly #helper = HelperProcess.start<ToCamera, FromCamera>(new URL('./fanout-camera.ts', import.meta.url), 'fan-out camera');

  async start(port: number, frames: number): Promise<void> {
    await this.#helper.ask({ type: 'start', port, camera: CAMERA, frames });
  }

  /** Resolves once `packets` are sent, with the time on the camera's clock. */
  async reached(packets: number): Promise<number> {
    const answer = await this.#helper.ask({ type: 'reached', packets });
    if (answer.type !== 'reached') throw new Error(`the fan-out camera answered ${answer.type}`);
    return answer.atMs;
  }

  /** Stops sending (it stops by itself after its frames). */
  async stop(): Promise<void> {
    await this.#helper.ask({ type: 'stop' });
  }

  close(): Promise<void> {
    return this.#helper.close();
  }
}

/** Where to send the camera's RTP, and how to take the media down (the sinks are the caller's). */
export interface Topology {
  sendPort: number;
  close(): void;
}

async function tongkeTopology(pool: MediaWorkerPool, lessonId: string, sinkPorts: readonly number[], consumersPerWorker?: number): Promise<Topology> {
  const lesson: LessonMedia = await pool.createLessonMedia({ lessonId, ...(consumersPerWorker && { consumersPerWorker }) });
  try {
    const send = await lesson.createPlainTransport('camera', { direction: 'send' });
    const producerId = await lesson.produce('camera', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: vp8Parameters([CAMERA.ssrc]) });
    const capabilities = plainRtpCapabilities(lesson.rtpCapabilities);
    for (const [i, port] of sinkPorts.entries()) {
      const participantId = `receiver-${i}`;
      await lesson.createPlainTransport(participantId, { direction: 'recv', remote: { ip: LOOPBACK, port } });
      const consumer = await lesson.consume(participantId, { producerId, rtpCapabilities: capabilities });
      await lesson.setTile(participantId, consumer.id, { width: 640, height: 360, visible: true });
      await lesson.resumeConsumer(participantId, consumer.id);
    }
    return { sendPort: send.port, close: () => lesson.close() };
  } catch (error) {
    lesson.close();
    throw error;
  }
}

/**
 * The baseline: bare mediasoup calls on a router of the same pool. The router comes from
 * `pool.createRouter()` (a bare router for tools), so no `mediasoup` import is needed even here.
 */
export async function rawTopology(pool: MediaWorkerPool, sinkPorts: readonly number[]): Promise<Topology> {
  const router: Router = await pool.createRouter();
  try {
    const send = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: true });
    const producer = await send.produce({ kind: 'video', rtpParameters: vp8Parameters([CAMERA.ssrc]) });
    const capabilities = plainRtpCapabilities(router.rtpCapabilities);
    for (const port of sinkPorts) {
      const transport = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: false });
      await transport.connect({ ip: LOOPBACK, port });
      await transport.consume({ producerId: producer.id, rtpCapabilities: capabilities, paused: false });
    }
    return { sendPort: send.tuple.localPort, close: () => router.close() };
  } catch (error) {
    router.close();
    throw error;
  }
}

/** CPU time of each live worker so far, by slot. */
async function workerCpuMs(pool: MediaWorkerPool): Promise<Map<number, number>> {
  const usage = await pool.resourceUsage();
  return new Map(usage.map((w) => [w.index, w.usage.ru_utime + w.usage.ru_stime]));
}

export interface Helpers {
  camera: CameraProcess;
  sinks: SinkProcesses;
}

/**
 * Sends the camera for warm-up + measurement, counting only the measurement window. The window is a range of
 * the camera's packet indexes, so what the sinks count and what the camera sent in it match exactly, however
 * late a process answers on a busy machine; its duration is on the camera's clock.
 */
export async function measure(pool: MediaWorkerPool, topology: Topology, helpers: Helpers, warmupMs: number, measureMs: number): Promise<StepFigures> {
  const { camera, sinks } = helpers;
  const framesIn = (ms: number) => Math.round((ms / 1000) * CAMERA.framesPerSecond);
  const from = framesIn(warmupMs) * CAMERA.packetsPerFrame;
  const to = from + framesIn(measureMs) * CAMERA.packetsPerFrame;
  await sinks.window(from, to);
  await camera.start(topology.sendPort, framesIn(warmupMs) + framesIn(measureMs));
  let sending = true;
  try {
    const startedAt = await camera.reached(from);
    const cpuBefore = await workerCpuMs(pool);
    const endedAt = await camera.reached(to);
    sending = false;
    const elapsedS = (endedAt - startedAt) / 1000;
    await delay(DRAIN_MS);
    const cpuAfter = await workerCpuMs(pool);
    const perWorker = [...cpuAfter].map(([index, ms]) => ms - (cpuBefore.get(index) ?? 0));
    const cpuMs = perWorker.reduce((sum, ms) => sum + ms, 0);
    const { received, gaps, cpuMs: sinksCpuMs } = await sinks.counts();
    const sentInWindow = to - from;
    const forwarded = received.reduce((sum, r) => sum + r, 0);
    const expected = sentInWindow * received.length;
    return {
      receivers: received.length,
      sent: sentInWindow,
      sentPerSecond: round(sentInWindow / elapsedS, 1),
      forwarded,
      forwardedPerSecond: round(forwarded / elapsedS, 0),
      lossPct: round(Math.max(0, (1 - forwarded / expected) * 100), 2),
      sequenceGaps: gaps.reduce((sum, g) => sum + g, 0),
      silentReceivers: received.filter((r) => r === 0).length,
      workerCpuMs: round(cpuMs, 0),
      busiestWorkerCpuMs: round(Math.max(...perWorker), 0),
      sinksCpuMs: round(sinksCpuMs, 0),
      cpuMicrosPerPacket: forwarded > 0 ? round((cpuMs * 1000) / forwarded, 2) : 0,
    };
  } finally {
    if (sending) await camera.stop().catch((error: unknown) => console.error('fanout: the camera did not stop after a failed step', error));
  }
}

/**
 * Builds one side's topology for `receivers`, measures it and takes it down again. `tongke-2-workers` is one
 * lesson given two workers, half its receivers on each (the second through `pipeToRouter`).
 */
async function step(pool: MediaWorkerPool, side: Side | 'tongke-2-workers', receivers: number, helpers: Helpers, warmupMs: number, measureMs: number): Promise<StepFigures> {
  try {
    // Inside the try: a process that opened its share before another failed still closes it.
    const ports = await helpers.sinks.open(receivers);
    const topology =
      side === 'raw' ? await rawTopology(pool, ports) : await tongkeTopology(pool, `fanout-${receivers}`, ports, side === 'tongke' ? undefined : Math.ceil(receivers / 2));
    try {
      return await measure(pool, topology, helpers, warmupMs, measureMs);
    } finally {
      topology.close();
    }
  } finally {
    await helpers.sinks.closeSinks();
  }
}

/** The two-worker lesson beside the one-worker lesson: what it carried here, and its projected capacity multiple. */
function twoWorkerFigures(twoWorkers: readonly StepFigures[], oneWorker: readonly StepFigures[]): Record<string, number> {
  const clean = (s: StepFigures) => s.lossPct < LOSS_LIMIT_PCT;
  const both = twoWorkers.filter(clean).flatMap((two) => {
    const one = oneWorker.find((s) => s.receivers === two.receivers && clean(s));
    return one ? [{ two, one }] : [];
  });
  const largest = both.at(-1);
  return {
    twoWorkerMaxReceiversUnder1PctLoss: Math.max(0, ...twoWorkers.filter(clean).map((s) => s.receivers)),
    twoWorkerCapacityMultiple: largest && largest.two.busiestWorkerCpuMs > 0 ? round(largest.one.workerCpuMs / largest.two.busiestWorkerCpuMs, 2) : 0,
  };
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
  const steps = options.quick ? [5, 10] : [50, 100, 200, 400, 600, 800, 1000, 1500, 2000];
  const warmupMs = options.quick ? 500 : 1500;
  const measureMs = options.quick ? 1000 : 5000;
  const sinkProcesses = options.quick ? 2 : 3;
  const spanSteps = options.quick ? [10] : [400, 800, 1000, 1500, 2000];
  const measured: Record<Side | 'tongke-2-workers', StepFigures[]> = { tongke: [], raw: [], 'tongke-2-workers': [] };
  const overLimit = (side: keyof typeof measured) => measured[side].filter((s) => s.lossPct >= LOSS_LIMIT_PCT).length >= STEPS_OVER_LIMIT;
  const helpers: Helpers = { camera: new CameraProcess(), sinks: SinkProcesses.start(sinkProcesses) };
  try {
    // The worker's ports: one per receiver and the camera's, more than the largest step needs.
    const pool = await MediaWorkerPool.create({ workerCount: 1, rtcMinPort: 40000, rtcMaxPort: 44999, listenIp: LOOPBACK, announcedIp: '', webRtcServerPort: 49100, logger: silent });
    try {
      for (const [index, receivers] of steps.entries()) {
        // Alternate which runs first, so neither always gets the warmer (or more tired) machine.
        const order: Side[] = index % 2 === 0 ? ['tongke', 'raw'] : ['raw', 'tongke'];
        const climbing = order.filter((side) => !overLimit(side));
        if (climbing.length === 0) break;
        for (const side of climbing) measured[side].push(await step(pool, side, receivers, helpers, warmupMs, measureMs));
      }
    } finally {
      pool.close();
    }
    // One lesson on two workers, the same ports (the one-worker pool is closed).
    const twoWorkers = await MediaWorkerPool.create({ workerCount: 2, rtcMinPort: 40000, rtcMaxPort: 44999, listenIp: LOOPBACK, announcedIp: '', webRtcServerPort: 49100, logger: silent });
    try {
      for (const receivers of spanSteps) {
        if (overLimit('tongke-2-workers')) break;
        measured['tongke-2-workers'].push(await step(twoWorkers, 'tongke-2-workers', receivers, helpers, warmupMs, measureMs));
      }
    } finally {
      twoWorkers.close();
    }
  } finally {
    await Promise.all([helpers.camera.close(), helpers.sinks.close()]);
  }
  const span = twoWorkerFigures(measured['tongke-2-workers'], measured.tongke);
  const figures = { ...summarise(measured.tongke), ...span };
  const baseline = summarise(measured.raw);
  const nominal = CAMERA.framesPerSecond * CAMERA.packetsPerFrame;
  return {
    name: 'fanout',
    parameters: { receivers: steps, framesPerSecond: CAMERA.framesPerSecond, packetsPerFrame: CAMERA.packetsPerFrame, payloadBytes: CAMERA.payloadBytes, warmupMs, measureMs, workers: 1, sinkProcesses },
    figures,
    baseline,
    ratio: ratios(figures, baseline),
    steps: (Object.keys(measured) as Array<keyof typeof measured>).flatMap((side) => measured[side].map((s) => ({ side, ...s }))),
    notes: [
      `The UDP sinks run in ${sinkProcesses} child processes and the camera in one of its own (since 2026-11-30): before, both shared the benchmarking process's one JS thread, which from N ≈ 400 limited the camera and dropped packets before the worker did.`,
      `The window is a range of the camera's packet indexes (each packet ends with its index): the sinks count only those, so loss is exact however late a process answers; sentPerSecond is that range over the camera's own clock (nominal ${nominal}).`,
      `A side climbs until ${STEPS_OVER_LIMIT} of its steps have lost ≥ ${LOSS_LIMIT_PCT} %, so it may have fewer steps; with no loss at the largest step, max N is a lower bound.`,
      "On 2 cores the sinks (sinksCpuMs, besides the kernel's loopback delivery) and the worker share the machine: at large N the machine runs out before the worker alone would.",
      'Worker CPU is ru_utime+ru_stime of the one mediasoup worker over the measurement window (includes RTCP and the adaptation loop).',
      'Tongke and raw share one worker and alternate per step; on a shared 2-core machine the run-to-run noise is several percent.',
      'tongke-2-workers: one lesson on a two-worker pool with consumersPerWorker = N/2, so half its receivers are on a router of the second worker, fed through pipeToRouter. twoWorkerMaxReceiversUnder1PctLoss is what this machine carried that way; twoWorkerCapacityMultiple is how many times the receivers of one worker the lesson could carry before its busiest worker is as busy as the one worker was at the same N (one-worker CPU / busiest two-worker CPU at the largest N both ran clean) — a projection from CPU, as on 2 cores the sinks and the camera share the machine with both workers.',
    ],
  };
}

export const fanoutBenchmark: Benchmark = {
  name: 'fanout',
  description: 'one VP8 camera to N plain-RTP receivers (sinks in child processes): forwarded packets/s, loss, worker CPU; vs bare mediasoup',
  run: runFanout,
};
