import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';

import { DEFAULT_MEDIA_CODECS } from './codecs.js';
import { MediaPoolError } from './errors.js';
import { LessonMedia, type LessonMediaOptions } from './lesson-media.js';
import type { MediaLogger } from './logger.js';
import type { PlacedRouter } from './lesson-routers.js';
import { MediaWorker, type LessonMediaHost, type MediaWorkerSettings } from './media-worker.js';
import { NetworkProbe, type ProbeProtocol } from './network-probe.js';
import { planPorts } from './ports.js';
import type { Router, RtpCodecCapability, WorkerLogLevel, WorkerResourceUsage } from './types.js';

/** How to start a {@link MediaWorkerPool}. */
export interface MediaWorkerPoolOptions {
  /** Number of mediasoup worker processes; each uses at most one CPU core. */
  workerCount: number;
  /** Lowest port of the RTC range (per-transport ports: PlainTransports, and WebRTC when a server is missing). */
  rtcMinPort: number;
  /** Highest port of the RTC range. */
  rtcMaxPort: number;
  /**
   * IP the workers listen on: a local address, or 0.0.0.0 / :: together with `announcedIp`. Default
   * 127.0.0.1 (as TONGKE_RTC_LISTEN_IP's default): only this machine can reach the media.
   */
  listenIp?: string;
  /** IP or host name clients reach the workers on (NAT, or listening on all interfaces); '' (default) = none. */
  announcedIp?: string;
  /**
   * Port of worker 0's WebRtcServer (UDP and TCP); worker i uses base + i, outside the RTC range.
   * Default: the top of the RTC range, worker i on rtcMaxPort − i, and the range shrinks accordingly.
   */
  webRtcServerPort?: number;
  /** Also accept ICE over TCP on the WebRtcServer (for schools that block UDP); default true. */
  enableTcp?: boolean;
  /** mediasoup worker log level; defaults to 'warn'. */
  logLevel?: WorkerLogLevel;
  logger: MediaLogger;
  /**
   * How a worker process is started (default `MediaWorker.start`). A seam for fault tests: a starter that
   * fails makes a dead worker impossible to replace, as a broken binary or an exhausted machine would.
   */
  startWorker?: (settings: MediaWorkerSettings, logger: MediaLogger) => Promise<MediaWorker>;
  /**
   * Consumers a worker is given before a lesson's next receivers go to a router on another worker (default
   * DEFAULT_CONSUMERS_PER_WORKER); a lesson can then use every worker of the pool.
   */
  consumersPerWorker?: number;
}

/** A snapshot of one worker slot of the pool. */
export interface MediaWorkerStatus {
  /** Stable slot number: a replacement worker takes the slot of the one that died. */
  readonly index: number;
  readonly pid: number;
  readonly alive: boolean;
  readonly routerCount: number;
  /** Open consumers: what placement balances. */
  readonly consumerCount: number;
  readonly lessonCount: number;
  /** The WebRtcServer's port, or null when this worker's transports fall back to ports of their own. */
  readonly webRtcServerPort: number | null;
}

/** Resource usage of one live worker process (getrusage of the worker). */
export interface MediaWorkerUsage {
  readonly index: number;
  readonly pid: number;
  readonly usage: WorkerResourceUsage;
}

/** Events of a {@link MediaWorkerPool}, with their payloads. */
export interface MediaWorkerPoolEvents {
  /**
   * A worker process exited unexpectedly. Its routers, and every transport, producer and consumer on them,
   * are closed; each of its lessons' {@link LessonMedia} has emitted 'closed' {reason: 'worker-died'}, and
   * `lessonIds` names them so their owners can create them again. A replacement worker is already starting.
   */
  'worker-died': [death: { index: number; pid: number; error: Error; lessonIds: string[] }];
  /** A new worker took the slot of a dead one. */
  'worker-replaced': [replacement: { index: number; pid: number; previousPid: number }];
  /** The pool was closed; all its workers are gone. */
  closed: [];
}

interface WorkerSlot {
  readonly index: number;
  current: MediaWorker;
  /** Routers requested but not created yet, so that a burst of requests is spread too. */
  pendingRouters: number;
}

const REPLACEMENT_RETRY_MAX_MS = 30_000;
const DEFAULT_LISTEN_IP = '127.0.0.1';

/**
 * A fixed number of mediasoup worker processes, each with a WebRtcServer. Lessons go to the live worker
 * with the fewest consumers; a worker that dies is reported through `'worker-died'` and replaced in the
 * same slot.
 */
export class MediaWorkerPool extends EventEmitter<MediaWorkerPoolEvents> {
  readonly #settings: readonly MediaWorkerSettings[];
  readonly #logger: MediaLogger;
  readonly #slots: readonly WorkerSlot[];
  readonly #lessons = new Map<string, LessonMedia>();
  readonly #startingLessons = new Set<string>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #startWorker: (settings: MediaWorkerSettings, logger: MediaLogger) => Promise<MediaWorker>;
  readonly #consumersPerWorker: number | undefined;
  #closed = false;

  /**
   * Starts `workerCount` workers, each with its WebRtcServer; rejects (leaving no process behind) if any
   * worker fails to start. A WebRtcServer that cannot listen is logged, and its worker falls back.
   * @throws {RangeError} for invalid options.
   */
  static async create(options: MediaWorkerPoolOptions): Promise<MediaWorkerPool> {
    const settings = workerSettings(options);
    const startWorker = options.startWorker ?? ((s: MediaWorkerSettings, logger: MediaLogger) => MediaWorker.start(s, logger));
    const results = await Promise.allSettled(settings.map((workerSettings) => startWorker(workerSettings, options.logger)));
    const workers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      for (const worker of workers) worker.close();
      throw failure.reason;
    }
    return new MediaWorkerPool(settings, options.logger, workers, startWorker, options.consumersPerWorker);
  }

  private constructor(
    settings: readonly MediaWorkerSettings[],
    logger: MediaLogger,
    workers: MediaWorker[],
    startWorker: (settings: MediaWorkerSettings, logger: MediaLogger) => Promise<MediaWorker>,
    consumersPerWorker: number | undefined,
  ) {
    super();
    this.#settings = settings;
    this.#consumersPerWorker = consumersPerWorker;
    this.#startWorker = startWorker;
    this.#logger = logger;
    this.#slots = workers.map((current, index) => ({ index, current, pendingRouters: 0 }));
    for (const slot of this.#slots) this.#watch(slot);
    logger.info(
      {
        pids: workers.map((worker) => worker.pid),
        listen: workers[0]?.listen.listenIp,
        webRtcServerPorts: workers.map((worker) => worker.webRtcServerPort),
      },
      'media workers started',
    );
  }

  /** One status per slot, in slot order. */
  get workers(): readonly MediaWorkerStatus[] {
    return this.#slots.map(({ index, current }) => ({
      index,
      pid: current.pid,
      alive: current.alive,
      routerCount: current.routers.size,
      consumerCount: current.consumerCount,
      lessonCount: current.lessonIds.size,
      webRtcServerPort: current.webRtcServerPort,
    }));
  }

  /** Whether every slot has a live worker (false while a replacement is starting, and once closed). */
  get alive(): boolean {
    return !this.#closed && this.#slots.every((slot) => slot.current.alive);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** CPU and memory usage of each live worker. */
  async resourceUsage(): Promise<MediaWorkerUsage[]> {
    const live = this.#slots.filter((slot) => slot.current.alive);
    return Promise.all(
      live.map(async ({ index, current }) => ({ index, pid: current.pid, usage: await current.getResourceUsage() })),
    );
  }

  /**
   * Creates the media of a live lesson on the live worker with the fewest consumers. If that worker dies
   * while the router is being made, the next live worker is tried.
   * @throws {MediaPoolError} `pool-closed`, `lesson-exists` (a live LessonMedia has this id), or
   *   `no-worker-alive` while every worker is being replaced.
   */
  async createLessonMedia(options: LessonMediaOptions): Promise<LessonMedia> {
    const { lessonId } = options;
    if (this.#lessons.has(lessonId) || this.#startingLessons.has(lessonId)) {
      throw new MediaPoolError('lesson-exists', `lesson ${lessonId} already has live media`);
    }
    this.#startingLessons.add(lessonId);
    try {
      const tried = new Set<MediaWorker>();
      for (;;) {
        const { router, worker } = await this.#placeRouter(DEFAULT_MEDIA_CODECS, tried);
        let lesson: LessonMedia;
        const workers = new Set<MediaWorker>([worker]);
        try {
          lesson = await LessonMedia.create(router, worker, this.#logger, { consumersPerWorker: this.#consumersPerWorker, ...options }, (exclude) => this.#routerOnAnotherWorker(lessonId, exclude, workers));
        } catch (error) {
          if (worker.alive) throw error;
          continue;
        }
        if (this.#closed) {
          lesson.close();
          throw new MediaPoolError('pool-closed', 'the media worker pool closed while the lesson media was created');
        }
        if (lesson.closed || !worker.alive) continue;
        this.#adopt(lesson, workers);
        return lesson;
      }
    } finally {
      this.#startingLessons.delete(lessonId);
    }
  }

  /**
   * Creates a bare router on the least-loaded live worker (benchmarks and tools; lessons use
   * {@link createLessonMedia}).
   * @throws {MediaPoolError} `pool-closed`, or `no-worker-alive` while every worker is being replaced.
   */
  async createRouter(mediaCodecs: readonly RtpCodecCapability[] = DEFAULT_MEDIA_CODECS): Promise<Router> {
    return (await this.#placeRouter(mediaCodecs, new Set())).router;
  }

  /**
   * Opens a pre-join network probe on its own router on the least-loaded live worker, listening on the
   * same ports as lessons (see {@link NetworkProbe}). The caller closes it.
   * @throws {MediaPoolError} `pool-closed`, `no-worker-alive`, or `tcp-disabled` for a TCP probe without ICE-TCP.
   */
  async openNetworkProbe(protocol: ProbeProtocol): Promise<NetworkProbe> {
    const { router, worker } = await this.#placeRouter(DEFAULT_MEDIA_CODECS, new Set());
    return NetworkProbe.open(router, worker.listen, protocol);
  }

  /**
   * Closes every lesson (routers and transports first), then every worker. Never a WebRtcServer on its
   * own: in 3.12 closing one with live transports kills its worker. Safe to call more than once.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const lesson of [...this.#lessons.values()]) lesson.close();
    for (const slot of this.#slots) {
      for (const router of [...slot.current.routers]) router.close();
      slot.current.close();
    }
    this.#logger.info({}, 'media workers closed');
    this.emit('closed');
  }

  /** `workers`: the lesson's home worker, and those it grows onto later (the set is kept current). */
  #adopt(lesson: LessonMedia, workers: Set<MediaWorker>): void {
    this.#lessons.set(lesson.lessonId, lesson);
    for (const worker of workers) worker.lessonIds.add(lesson.lessonId);
    lesson.once('closed', () => {
      this.#lessons.delete(lesson.lessonId);
      // After a death the dead worker's set is still read by its 'died' handler, which runs after this.
      for (const worker of workers) if (worker.alive) worker.lessonIds.delete(lesson.lessonId);
    });
    const [home] = workers;
    this.#logger.info({ lessonId: lesson.lessonId, workerIndex: home?.index, pid: home?.pid }, 'lesson media created');
  }

  /**
   * A router for a lesson outgrowing its workers: on the least loaded live worker it does not use yet, or
   * null when there is none (one worker, or all in use). The worker then counts the lesson among its own.
   */
  async #routerOnAnotherWorker(lessonId: string, exclude: ReadonlySet<LessonMediaHost>, workers: Set<MediaWorker>): Promise<PlacedRouter | null> {
    const tried = new Set(this.#slots.map((slot) => slot.current).filter((worker) => exclude.has(worker)));
    if (!this.#leastLoadedSlot(tried)) return null;
    let placed: { router: Router; worker: MediaWorker };
    try {
      placed = await this.#placeRouter(DEFAULT_MEDIA_CODECS, tried);
    } catch (error) {
      // The lesson stays on the workers it has: fuller, but whole.
      this.#logger.warn({ lessonId, err: error }, 'lesson media could not grow onto another worker');
      return null;
    }
    const { router, worker } = placed;
    if (!this.#lessons.has(lessonId)) {
      router.close();
      return null;
    }
    workers.add(worker);
    worker.lessonIds.add(lessonId);
    this.#logger.info({ lessonId, workerIndex: worker.index, pid: worker.pid, workers: workers.size }, 'lesson media grew onto another worker');
    return { router, host: worker };
  }

  /** Creates a router on the least-loaded live worker not in `tried`, moving on when a worker dies meanwhile. */
  async #placeRouter(
    mediaCodecs: readonly RtpCodecCapability[],
    tried: Set<MediaWorker>,
  ): Promise<{ router: Router; worker: MediaWorker }> {
    for (;;) {
      if (this.#closed) throw new MediaPoolError('pool-closed', 'the media worker pool is closed');
      const slot = this.#leastLoadedSlot(tried);
      if (!slot) throw new MediaPoolError('no-worker-alive', 'no media worker is alive; replacements are starting');
      const worker = slot.current;
      tried.add(worker);
      slot.pendingRouters++;
      let router: Router;
      try {
        // mediasoup fills in defaults on the codec objects it gets, so it must not get the shared constant.
        router = await worker.createRouter(structuredClone([...mediaCodecs]));
      } catch (error) {
        if (worker.alive) throw error;
        continue;
      } finally {
        slot.pendingRouters--;
      }
      // The worker may have died (and been replaced) while the router was being created.
      if (!router.closed && slot.current === worker && worker.alive) return { router, worker };
      router.close();
    }
  }

  /**
   * Load is open consumers plus routers being created; an equal load goes to the worker with fewer routers,
   * so lessons that start together (before anyone consumes) still spread.
   */
  #leastLoadedSlot(exclude: ReadonlySet<MediaWorker>): WorkerSlot | undefined {
    const load = (slot: WorkerSlot) => slot.current.consumerCount + slot.pendingRouters;
    const routers = (slot: WorkerSlot) => slot.current.routers.size + slot.pendingRouters;
    let best: WorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (!slot.current.alive || exclude.has(slot.current)) continue;
      if (!best || load(slot) < load(best) || (load(slot) === load(best) && routers(slot) < routers(best))) best = slot;
    }
    return best;
  }

  #watch(slot: WorkerSlot): void {
    const worker = slot.current;
    worker.once('died', (error) => {
      const { pid } = worker;
      const lessonIds = [...worker.lessonIds];
      worker.lessonIds.clear();
      this.#logger.error(
        { workerIndex: slot.index, pid, err: error, lessonIds },
        'media worker died; its lessons lost their media; starting a replacement',
      );
      this.emit('worker-died', { index: slot.index, pid, error, lessonIds });
      void this.#replace(slot, pid, 0);
    });
  }

  async #replace(slot: WorkerSlot, previousPid: number, attempt: number): Promise<void> {
    if (this.#closed) return;
    const settings = this.#settings[slot.index];
    if (!settings) throw new Error(`no settings for media worker slot ${slot.index}`);
    let worker: MediaWorker;
    try {
      worker = await this.#startWorker(settings, this.#logger);
    } catch (error) {
      const retryInMs = Math.min(1000 * 2 ** attempt, REPLACEMENT_RETRY_MAX_MS);
      this.#logger.error({ workerIndex: slot.index, err: error, retryInMs }, 'cannot start a replacement media worker');
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        void this.#replace(slot, previousPid, attempt + 1);
      }, retryInMs);
      this.#retryTimers.add(timer);
      return;
    }
    if (this.#closed) {
      worker.close();
      return;
    }
    slot.current = worker;
    this.#watch(slot);
    this.#logger.info(
      { workerIndex: slot.index, pid: worker.pid, previousPid, webRtcServerPort: worker.webRtcServerPort },
      'media worker replaced',
    );
    this.emit('worker-replaced', { index: slot.index, pid: worker.pid, previousPid });
  }
}

/** Validates the options once and derives each worker's settings. */
function workerSettings(options: MediaWorkerPoolOptions): MediaWorkerSettings[] {
  const { workerCount, listenIp = DEFAULT_LISTEN_IP, announcedIp = '' } = options;
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new RangeError(`workerCount must be a positive integer, got ${workerCount}`);
  }
  if (isIP(listenIp) === 0) throw new RangeError(`listenIp must be an IP address, got '${listenIp}'`);
  if ((listenIp === '0.0.0.0' || listenIp === '::') && !announcedIp) {
    throw new RangeError(`listenIp ${listenIp} needs an announcedIp: clients cannot reach ${listenIp}`);
  }
  const ports = planPorts(options);
  return ports.webRtcServerPorts.map((webRtcServerPort, index) => ({
    index,
    logLevel: options.logLevel ?? 'warn',
    rtcMinPort: ports.rtcMinPort,
    rtcMaxPort: ports.rtcMaxPort,
    listenIp: announcedIp ? { ip: listenIp, announcedIp } : { ip: listenIp },
    webRtcServerPort,
    enableTcp: options.enableTcp ?? true,
  }));
}
