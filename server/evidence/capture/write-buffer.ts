import type { FastifyBaseLogger as Logger } from 'fastify';
import type { EvidenceOp, EvidenceSink } from './ops.js';

export interface EvidenceBufferOptions {
  sink: EvidenceSink;
  log: Logger;
  /** How often pending writes are flushed (ms). */
  flushIntervalMs?: number;
  /** Flush as soon as this many writes wait (on the next turn of the event loop, not in the caller). */
  flushAtOps?: number;
  /** The most writes kept while the database does not take them; beyond, new ones are dropped. */
  maxPending?: number;
  /** Called after each flush that left nothing pending (whether it had anything to write or not). */
  onDrained?: () => void;
}

export const EVIDENCE_BUFFER_DEFAULTS = { flushIntervalMs: 1_000, flushAtOps: 500, maxPending: 50_000 } as const;
/** Quality samples are the least valuable evidence: they stop being kept first, at 80 % of the bound. */
const QUALITY_SHARE = 0.8;
const DROP_LOG_EVERY_MS = 10_000;

/**
 * The evidence recorder's write-behind buffer: writes are queued in memory and applied in batched
 * transactions every second (or at once when many wait), so that a live lesson never waits for the
 * database. A busy database keeps the batch for the next try; a row the database refuses is dropped alone
 * (and logged) while the rest of its batch is written. The queue is bounded: if the database stalls for
 * long, new writes are dropped and counted, loudly, rather than filling the memory.
 */
export class EvidenceBuffer {
  readonly #sink: EvidenceSink;
  readonly #log: Logger;
  readonly #flushAtOps: number;
  readonly #maxPending: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onDrained: (() => void) | undefined;
  #pending: EvidenceOp[] = [];
  #soon: NodeJS.Immediate | null = null;
  #dropped = 0;
  #droppedLoggedAt = 0;
  #closed = false;

  constructor(options: EvidenceBufferOptions) {
    this.#sink = options.sink;
    this.#log = options.log;
    this.#flushAtOps = options.flushAtOps ?? EVIDENCE_BUFFER_DEFAULTS.flushAtOps;
    this.#maxPending = options.maxPending ?? EVIDENCE_BUFFER_DEFAULTS.maxPending;
    this.#onDrained = options.onDrained;
    this.#timer = setInterval(() => this.flush(), options.flushIntervalMs ?? EVIDENCE_BUFFER_DEFAULTS.flushIntervalMs);
    this.#timer.unref();
  }

  /** Writes waiting for the database. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Writes dropped because the buffer was full (or closed) since start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a write. Never throws and never touches the database itself. */
  push(op: EvidenceOp): void {
    const bound = op.op === 'quality' ? this.#maxPending * QUALITY_SHARE : this.#maxPending;
    if (this.#closed || this.#pending.length >= bound) {
      this.#drop(op);
      return;
    }
    this.#pending.push(op);
    if (this.#pending.length >= this.#flushAtOps && this.#soon === null) {
      this.#soon = setImmediate(() => {
        this.#soon = null;
        this.flush();
      });
    }
  }

  /**
   * Writes everything pending now, synchronously. Returns false when the database could not take it (the
   * writes stay queued for the next flush).
   */
  flush(): boolean {
    const written = this.#write();
    if (written) this.#onDrained?.();
    return written;
  }

  /** Stops the timers and writes what is pending (graceful shutdown). Later writes are dropped. */
  close(): void {
    if (this.#closed) return;
    clearInterval(this.#timer);
    if (this.#soon) clearImmediate(this.#soon);
    this.#soon = null;
    this.flush();
    this.#closed = true;
    if (this.#pending.length > 0) this.#log.error({ lost: this.#pending.length }, 'evidence writes still pending at shutdown are lost');
  }

  #write(): boolean {
    if (this.#pending.length === 0) return true;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.#sink.apply(batch);
      return true;
    } catch (error) {
      if (isBusy(error)) return this.#requeue(batch, error);
      return this.#writeEach(batch);
    }
  }

  /** The batch failed for a reason other than a busy database: write its ops one by one, drop the refused. */
  #writeEach(batch: EvidenceOp[]): boolean {
    try {
      const failed = this.#sink.applyEach(batch);
      for (const { op, error } of failed) this.#log.error({ err: error, evidence: describe(op) }, 'evidence write refused by the database; dropped');
      return true;
    } catch (error) {
      return this.#requeue(batch, error);
    }
  }

  #requeue(batch: EvidenceOp[], error: unknown): boolean {
    this.#pending = batch.concat(this.#pending);
    this.#log.warn({ err: error, pending: this.#pending.length }, 'evidence flush failed; keeping the writes for the next try');
    return false;
  }

  #drop(op: EvidenceOp): void {
    this.#dropped++;
    const now = Date.now();
    if (now - this.#droppedLoggedAt < DROP_LOG_EVERY_MS) return;
    this.#droppedLoggedAt = now;
    this.#log.error(
      { dropped: this.#dropped, pending: this.#pending.length, maxPending: this.#maxPending, closed: this.#closed, evidence: describe(op) },
      'EVIDENCE LOST: the evidence buffer is full (database stalled?) or closed; dropping writes',
    );
  }
}

/** SQLite's "try again" errors, also when drizzle wraps them. */
function isBusy(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string' && (e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED'))) return true;
  }
  return false;
}

/** An op for a log line: what and where, without the whole row. */
function describe(op: EvidenceOp): Record<string, unknown> {
  const lessonSessionId = 'row' in op ? op.row.lessonSessionId : op.lessonSessionId;
  return { op: op.op, lessonSessionId };
}
