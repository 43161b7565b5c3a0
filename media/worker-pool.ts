import { EventEmitter } from 'node:events';
import { createWorker, type types as mediasoup } from 'mediasoup';

import { DEFAULT_MEDIA_CODECS } from './codecs.js';
import type { Router, RtpCodecCapability, WorkerLogLevel, WorkerResourceUsage } from './types.js';

/** Structured logger the media layer writes to; a pino child logger fits as is. */
export interface MediaLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How to start a {@link MediaWorkerPool}. */
export interface MediaWorkerPoolOptions {
  /** Number of mediasoup worker processes; each uses at most one CPU core. */
  workerCount: number;
  /** Lowest port the workers may bind for RTP/RTCP (shared by all workers). */
  rtcMinPort: number;
  /** Highest port the workers may bind for RTP/RTCP. */
  rtcMaxPort: number;
  /** mediasoup worker log level; defaults to 'warn'. */
  logLevel?: WorkerLogLevel;
  logger: MediaLogger;
}

/** A snapshot of one worker slot of the pool. */
export interface MediaWorkerStatus {
  /** Stable slot number: a replacement worker takes the slot of the one that died. */
  readonly index: number;
  readonly pid: number;
  readonly alive: boolean;
  readonly routerCount: number;
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
   * A worker process exited unexpectedly. Its routers, and every transport, producer and consumer on
   * them, are closed; their owners must recreate them. A replacement worker is already starting.
   */
  'worker-died': [death: { index: number; pid: number; error: Error }];
  /** A new worker took the slot of a dead one. */
  'worker-replaced': [replacement: { index: number; pid: number; previousPid: number }];
  /** The pool was closed; all its workers are gone. */
  closed: [];
}

/** Why the pool could not serve a request. */
export type MediaPoolErrorCode = 'pool-closed' | 'no-worker-alive';

/** Error thrown by {@link MediaWorkerPool} methods, with a machine-readable `code`. */
export class MediaPoolError extends Error {
  readonly code: MediaPoolErrorCode;

  constructor(code: MediaPoolErrorCode, message: string) {
    super(message);
    this.name = 'MediaPoolError';
    this.code = code;
  }
}

interface WorkerSlot {
  readonly index: number;
  worker: mediasoup.Worker;
  readonly routers: Set<Router>;
  /** Routers requested but not created yet, so that a burst of requests is spread too. */
  pendingRouters: number;
}

type WorkerStartSettings = Pick<mediasoup.WorkerSettings, 'logLevel' | 'rtcMinPort' | 'rtcMaxPort'>;

const REPLACEMENT_RETRY_MAX_MS = 30_000;

/**
 * A fixed number of mediasoup worker processes. Routers go to the least-loaded live worker; a worker
 * that dies is reported through `'worker-died'` and replaced in the same slot.
 */
export class MediaWorkerPool extends EventEmitter<MediaWorkerPoolEvents> {
  readonly #settings: WorkerStartSettings;
  readonly #logger: MediaLogger;
  readonly #slots: readonly WorkerSlot[];
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #closed = false;

  /** Starts `workerCount` workers; rejects (leaving no process behind) if any fails to start. */
  static async create(options: MediaWorkerPoolOptions): Promise<MediaWorkerPool> {
    assertValidOptions(options);
    const settings: WorkerStartSettings = {
      logLevel: options.logLevel ?? 'warn',
      rtcMinPort: options.rtcMinPort,
      rtcMaxPort: options.rtcMaxPort,
    };
    const results = await Promise.allSettled(
      Array.from({ length: options.workerCount }, (_, index) => startWorker(settings, index)),
    );
    const workers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      for (const worker of workers) worker.close();
      throw failure.reason;
    }
    return new MediaWorkerPool(settings, options.logger, workers);
  }

  private constructor(settings: WorkerStartSettings, logger: MediaLogger, workers: mediasoup.Worker[]) {
    super();
    this.#settings = settings;
    this.#logger = logger;
    this.#slots = workers.map((worker, index) => ({ index, worker, routers: new Set(), pendingRouters: 0 }));
    for (const slot of this.#slots) this.#watch(slot);
    logger.info({ pids: workers.map((worker) => worker.pid) }, 'media workers started');
  }

  /** One status per slot, in slot order. */
  get workers(): readonly MediaWorkerStatus[] {
    return this.#slots.map((slot) => ({
      index: slot.index,
      pid: slot.worker.pid,
      alive: isAlive(slot.worker),
      routerCount: slot.routers.size,
    }));
  }

  /** Whether every slot has a live worker (false while a replacement is starting, and once closed). */
  get alive(): boolean {
    return !this.#closed && this.#slots.every((slot) => isAlive(slot.worker));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** CPU and memory usage of each live worker. */
  async resourceUsage(): Promise<MediaWorkerUsage[]> {
    const live = this.#slots.filter((slot) => isAlive(slot.worker));
    return Promise.all(
      live.map(async ({ index, worker }) => ({ index, pid: worker.pid, usage: await worker.getResourceUsage() })),
    );
  }

  /**
   * Creates a router on the live worker with the fewest routers.
   * @throws {MediaPoolError} `pool-closed`, or `no-worker-alive` while every worker is being replaced.
   */
  async createRouter(mediaCodecs: readonly RtpCodecCapability[] = DEFAULT_MEDIA_CODECS): Promise<Router> {
    if (this.#closed) throw new MediaPoolError('pool-closed', 'the media worker pool is closed');
    const slot = this.#leastLoadedSlot();
    if (!slot) throw new MediaPoolError('no-worker-alive', 'no media worker is alive; replacements are starting');

    const { worker } = slot;
    slot.pendingRouters++;
    let router: Router;
    try {
      // mediasoup fills in defaults on the codec objects it gets, so it must not get the shared constant.
      router = await worker.createRouter({ mediaCodecs: structuredClone([...mediaCodecs]) });
    } finally {
      slot.pendingRouters--;
    }
    // The worker may have died (and been replaced) while the router was being created.
    if (router.closed || slot.worker !== worker) {
      throw new MediaPoolError('no-worker-alive', 'the media worker died while creating a router; retry');
    }
    slot.routers.add(router);
    router.observer.once('close', () => slot.routers.delete(router));
    return router;
  }

  /** Closes every worker (and so every router). Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const slot of this.#slots) {
      slot.worker.close();
      slot.routers.clear();
    }
    this.#logger.info({}, 'media workers closed');
    this.emit('closed');
  }

  // A router count stands for load for now; counting consumers per worker is a later refinement.
  #leastLoadedSlot(): WorkerSlot | undefined {
    const load = (slot: WorkerSlot) => slot.routers.size + slot.pendingRouters;
    let best: WorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (isAlive(slot.worker) && (!best || load(slot) < load(best))) best = slot;
    }
    return best;
  }

  #watch(slot: WorkerSlot): void {
    const { worker } = slot;
    worker.once('died', (error) => {
      const { pid } = worker;
      slot.routers.clear();
      this.#logger.error({ workerIndex: slot.index, pid, err: error }, 'media worker died; starting a replacement');
      this.emit('worker-died', { index: slot.index, pid, error });
      void this.#replace(slot, pid, 0);
    });
  }

  async #replace(slot: WorkerSlot, previousPid: number, attempt: number): Promise<void> {
    if (this.#closed) return;
    let worker: mediasoup.Worker;
    try {
      worker = await startWorker(this.#settings, slot.index);
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
    slot.worker = worker;
    this.#watch(slot);
    this.#logger.info({ workerIndex: slot.index, pid: worker.pid, previousPid }, 'media worker replaced');
    this.emit('worker-replaced', { index: slot.index, pid: worker.pid, previousPid });
  }
}

function startWorker(settings: WorkerStartSettings, index: number): Promise<mediasoup.Worker> {
  return createWorker({ ...settings, appData: { index } });
}

function isAlive(worker: mediasoup.Worker): boolean {
  return !worker.closed && !worker.died;
}

function assertValidOptions({ workerCount, rtcMinPort, rtcMaxPort }: MediaWorkerPoolOptions): void {
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    throw new RangeError(`workerCount must be a positive integer, got ${workerCount}`);
  }
  const isPort = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;
  if (!isPort(rtcMinPort) || !isPort(rtcMaxPort) || rtcMinPort > rtcMaxPort) {
    throw new RangeError(`invalid RTC port range ${rtcMinPort}-${rtcMaxPort}`);
  }
}
