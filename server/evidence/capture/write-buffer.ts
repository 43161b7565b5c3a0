import type { FastifyBaseLogger as Logger } from 'fastify';
import type { EvidenceOp, EvidenceSink } from './ops.js';

/** Why evidence was lost: the buffer was full (database stalled), closed (shutdown), or a row was refused. */
export type EvidenceDropReason = 'buffer_full' | 'closed' | 'refused';

export interface EvidenceBufferOptions {
  sink: EvidenceSink;
  log: Logger;
  /** How often pending writes are flushed (ms). */
  flushIntervalMs?: number;
  /** Flush as soon as this many writes wait (on the next turn of the event loop, not in the caller). */
  flushAtOps?: number;
  /** The most writes kept while the database does not take them; beyond, writes are dropped. */
  maxPending?: number;
  /**
   * Called after each flush that wrote everything it took (whether it had anything to write or not), with
   * its number (see `flushesStarted`): every write pushed before that flush started is in the database.
   */
  onDrained?: (flushNumber: number) => void;
  /** Told of every write lost, with why and whose (the /metrics counter). */
  onDropped?: (reason: EvidenceDropReason, lessonSessionId: number) => void;
}

export const EVIDENCE_BUFFER_DEFAULTS = { flushIntervalMs: 1_000, flushAtOps: 500, maxPending: 50_000 } as const;
/** Quality samples are the least valuable evidence: they stop being kept first, at 80 % of the bound. */
const QUALITY_SHARE = 0.8;
const DROP_LOG_EVERY_MS = 10_000;

/**
 * The evidence recorder's write-behind buffer: writes are queued in memory and applied in batched
 * transactions every second (or at once when many wait), so that a live lesson never waits for the
 * database. Flushes are asynchronous and run one at a time, so the order of a lesson's writes (an
 * interval is closed after it was opened) holds even when flushes are asked for while one runs: a flush
 * asked for meanwhile starts when the running one ends, and callers asking meanwhile share it. A busy
 * database keeps the batch for the next try; a row the database refuses is dropped alone (and logged)
 * while the rest of its batch is written. The queue is bounded: if the database stalls for long, writes
 * are dropped and counted, loudly, rather than filling the memory (at most `maxPending` queued, plus the
 * one batch being written; a batch that comes back is trimmed to the bound the same fair way).
 *
 * The bound is shared fairly: writes queue per lesson (their order only matters within a lesson), and when
 * the buffer is full the lesson holding the most pending writes pays — its newest write is dropped to make
 * room for a quieter lesson's, or the incoming write is dropped if it is that lesson's own. One noisy
 * lesson therefore cannot crowd the others' evidence out. A lesson that lost anything is marked incomplete
 * in the database (written with its next batch, so the mark itself is never dropped) and its report says so.
 */
export class EvidenceBuffer {
  readonly #sink: EvidenceSink;
  readonly #log: Logger;
  readonly #flushAtOps: number;
  readonly #maxPending: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onDrained: ((flushNumber: number) => void) | undefined;
  readonly #onDropped: ((reason: EvidenceDropReason, lessonSessionId: number) => void) | undefined;
  /** Pending writes per lesson session, oldest first. */
  #pending = new Map<number, EvidenceOp[]>();
  #pendingCount = 0;
  /** Lessons that lost evidence and whose mark has not reached the database yet. */
  readonly #incomplete = new Set<number>();
  #soon: NodeJS.Immediate | null = null;
  /** The flush writing now, and the one that starts after it (shared by everyone who asks meanwhile). */
  #running: Promise<boolean> | null = null;
  #next: Promise<boolean> | null = null;
  /** Writes taken by the running flush (still in memory until it ends). */
  #inFlight = 0;
  #flushesStarted = 0;
  #dropped = 0;
  #droppedLoggedAt = 0;
  #closed = false;
  /** The shutdown's flush (calling `close()` again waits for the same one). */
  #closing: Promise<void> | null = null;

  constructor(options: EvidenceBufferOptions) {
    this.#sink = options.sink;
    this.#log = options.log;
    this.#flushAtOps = options.flushAtOps ?? EVIDENCE_BUFFER_DEFAULTS.flushAtOps;
    this.#maxPending = options.maxPending ?? EVIDENCE_BUFFER_DEFAULTS.maxPending;
    this.#onDrained = options.onDrained;
    this.#onDropped = options.onDropped;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? EVIDENCE_BUFFER_DEFAULTS.flushIntervalMs);
    this.#timer.unref();
  }

  /** Writes waiting for the database (queued, or in the flush that is writing now). */
  get pending(): number {
    return this.#pendingCount + this.#inFlight;
  }

  /**
   * How many flushes have taken their batch so far. A write pushed now is in the batch of flush number
   * `flushesStarted + 1` or of a later one (a later one only if that flush failed and requeued it).
   */
  get flushesStarted(): number {
    return this.#flushesStarted;
  }

  /** Writes dropped (buffer full, closed, or refused by the database) since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a write. Never throws and never touches the database itself. */
  push(op: EvidenceOp): void {
    if (this.#closed) return this.#drop(op, 'closed');
    if (op.op === 'quality' && this.#pendingCount >= this.#maxPending * QUALITY_SHARE) return this.#drop(op, 'buffer_full');
    if (this.#pendingCount >= this.#maxPending && !this.#makeRoomFor(lessonOf(op))) return this.#drop(op, 'buffer_full');
    const queue = this.#pending.get(lessonOf(op));
    if (queue) queue.push(op);
    else this.#pending.set(lessonOf(op), [op]);
    this.#pendingCount++;
    if (this.#pendingCount >= this.#flushAtOps && this.#soon === null && this.#next === null) {
      this.#soon = setImmediate(() => {
        this.#soon = null;
        void this.flush();
      });
    }
  }

  /**
   * Writes everything pending by the time it runs. Resolves to false when the database could not take it
   * (the writes stay queued for the next flush); never rejects. While a flush runs, a new one waits for it.
   */
  flush(): Promise<boolean> {
    if (this.#next) return this.#next;
    if (!this.#running) return this.#start();
    this.#next = this.#running.then(() => {
      this.#next = null;
      return this.#start();
    });
    return this.#next;
  }

  /**
   * Stops the timers and writes what is pending (graceful shutdown); resolves once it is written or
   * known lost. Writes pushed from now on are dropped.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      clearInterval(this.#timer);
      if (this.#soon) clearImmediate(this.#soon);
      this.#soon = null;
      await this.flush();
      if (this.#pendingCount > 0) this.#log.error({ lost: this.#pendingCount }, 'evidence writes still pending at shutdown are lost');
    })();
    return this.#closing;
  }

  #start(): Promise<boolean> {
    const running = this.#flushOnce().finally(() => {
      if (this.#running === running) this.#running = null;
    });
    this.#running = running;
    return running;
  }

  async #flushOnce(): Promise<boolean> {
    const flushNumber = ++this.#flushesStarted;
    let written: boolean;
    try {
      written = await this.#write();
    } catch (error) {
      this.#log.error({ err: error }, 'evidence flush failed unexpectedly');
      return false;
    }
    if (written) {
      try {
        this.#onDrained?.(flushNumber);
      } catch (error) {
        this.#log.error({ err: error }, 'after an evidence flush');
      }
    }
    return written;
  }

  /**
   * The buffer is full: the lesson with the most pending writes gives up its newest one, unless that is
   * the lesson asking (then nothing is made and its own write is dropped). Returns whether room was made.
   */
  #makeRoomFor(lessonSessionId: number): boolean {
    const own = this.#pending.get(lessonSessionId)?.length ?? 0;
    let hog: number | null = null;
    let hogSize = own + 1;
    for (const [id, queue] of this.#pending) {
      if (queue.length > hogSize) {
        hog = id;
        hogSize = queue.length;
      }
    }
    if (hog === null) return false;
    this.#evictFrom(hog);
    return true;
  }

  #evictFromLargest(): void {
    let hog: number | null = null;
    let hogSize = 0;
    for (const [id, queue] of this.#pending) {
      if (queue.length > hogSize) {
        hog = id;
        hogSize = queue.length;
      }
    }
    if (hog !== null) this.#evictFrom(hog);
  }

  /** Drops a lesson's newest pending write. */
  #evictFrom(lessonSessionId: number): void {
    const queue = this.#pending.get(lessonSessionId)!;
    const evicted = queue.pop()!;
    this.#pendingCount--;
    this.#drop(evicted, 'buffer_full');
  }

  async #write(): Promise<boolean> {
    if (this.#pendingCount === 0 && this.#incomplete.size === 0) return true;
    const taken = this.#pending;
    const marked = [...this.#incomplete];
    this.#pending = new Map();
    this.#inFlight = this.#pendingCount;
    this.#pendingCount = 0;
    const batch: EvidenceOp[] = [...marked.map((lessonSessionId): EvidenceOp => ({ op: 'evidence-incomplete', lessonSessionId })), ...[...taken.values()].flat()];
    try {
      try {
        await this.#sink.apply(batch);
      } catch (error) {
        if (isBusy(error)) return this.#requeue(taken, error);
        if (!(await this.#writeEach(batch))) return this.#requeue(taken, error);
      }
    } finally {
      this.#inFlight = 0;
    }
    for (const id of marked) this.#incomplete.delete(id);
    return true;
  }

  /** The batch failed for a reason other than a busy database: write its ops one by one, drop the refused. */
  async #writeEach(batch: EvidenceOp[]): Promise<boolean> {
    try {
      const failed = await this.#sink.applyEach(batch);
      for (const { op, error } of failed) {
        this.#log.error({ err: error, evidence: describe(op) }, 'evidence write refused by the database; dropped');
        this.#count(op, 'refused');
      }
      return true;
    } catch (error) {
      this.#log.warn({ err: error }, 'writing evidence one by one failed');
      return false;
    }
  }

  /** Puts the taken writes back in front of anything queued since (within each lesson, order is kept). */
  #requeue(taken: Map<number, EvidenceOp[]>, error: unknown): boolean {
    for (const [id, newer] of this.#pending) taken.set(id, [...(taken.get(id) ?? []), ...newer]);
    this.#pending = taken;
    this.#pendingCount = [...taken.values()].reduce((sum, queue) => sum + queue.length, 0);
    this.#inFlight = 0;
    // Writes pushed while the batch was out may have filled the queue again: back within the bound, fairly.
    while (this.#pendingCount > this.#maxPending) this.#evictFromLargest();
    this.#log.warn({ err: error, pending: this.#pendingCount }, 'evidence flush failed; keeping the writes for the next try');
    return false;
  }

  #drop(op: EvidenceOp, reason: EvidenceDropReason): void {
    this.#count(op, reason);
    const now = Date.now();
    if (now - this.#droppedLoggedAt < DROP_LOG_EVERY_MS) return;
    this.#droppedLoggedAt = now;
    this.#log.error(
      { dropped: this.#dropped, pending: this.#pendingCount, maxPending: this.#maxPending, reason, evidence: describe(op) },
      'EVIDENCE LOST: the evidence buffer is full (database stalled?) or closed; dropping writes',
    );
  }

  #count(op: EvidenceOp, reason: EvidenceDropReason): void {
    this.#dropped++;
    this.#incomplete.add(lessonOf(op));
    this.#onDropped?.(reason, lessonOf(op));
  }
}

/** The lesson session a write belongs to. */
function lessonOf(op: EvidenceOp): number {
  return 'row' in op ? op.row.lessonSessionId : op.lessonSessionId;
}

/**
 * "Try again" errors, also when drizzle wraps them: SQLite busy or locked; on PostgreSQL a lock or
 * serialization conflict, a server not accepting connections, or the connection itself failing.
 */
function isBusy(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (!('code' in e) || typeof e.code !== 'string') continue;
    const code = e.code;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (['40001', '40P01', '55P03', '57P01', '57P03'].includes(code) || code.startsWith('08') || code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
  }
  return false;
}

/** An op for a log line: what and where, without the whole row. */
function describe(op: EvidenceOp): Record<string, unknown> {
  return { op: op.op, lessonSessionId: lessonOf(op) };
}
