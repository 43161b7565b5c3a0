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
  /** Called after each flush that left nothing pending (whether it had anything to write or not). */
  onDrained?: () => void;
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
 * database. A busy database keeps the batch for the next try; a row the database refuses is dropped alone
 * (and logged) while the rest of its batch is written. The queue is bounded: if the database stalls for
 * long, writes are dropped and counted, loudly, rather than filling the memory.
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
  readonly #onDrained: (() => void) | undefined;
  readonly #onDropped: ((reason: EvidenceDropReason, lessonSessionId: number) => void) | undefined;
  /** Pending writes per lesson session, oldest first. */
  #pending = new Map<number, EvidenceOp[]>();
  #pendingCount = 0;
  /** Lessons that lost evidence and whose mark has not reached the database yet. */
  readonly #incomplete = new Set<number>();
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
    this.#onDropped = options.onDropped;
    this.#timer = setInterval(() => this.flush(), options.flushIntervalMs ?? EVIDENCE_BUFFER_DEFAULTS.flushIntervalMs);
    this.#timer.unref();
  }

  /** Writes waiting for the database. */
  get pending(): number {
    return this.#pendingCount;
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
    if (this.#pendingCount >= this.#flushAtOps && this.#soon === null) {
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
    if (this.#pendingCount > 0) this.#log.error({ lost: this.#pendingCount }, 'evidence writes still pending at shutdown are lost');
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
    const queue = this.#pending.get(hog)!;
    const evicted = queue.pop()!;
    this.#pendingCount--;
    this.#drop(evicted, 'buffer_full');
    return true;
  }

  #write(): boolean {
    if (this.#pendingCount === 0 && this.#incomplete.size === 0) return true;
    const taken = this.#pending;
    const marked = [...this.#incomplete];
    this.#pending = new Map();
    this.#pendingCount = 0;
    const batch: EvidenceOp[] = [...marked.map((lessonSessionId): EvidenceOp => ({ op: 'evidence-incomplete', lessonSessionId })), ...[...taken.values()].flat()];
    try {
      this.#sink.apply(batch);
    } catch (error) {
      if (isBusy(error)) return this.#requeue(taken, error);
      if (!this.#writeEach(batch)) return this.#requeue(taken, error);
    }
    for (const id of marked) this.#incomplete.delete(id);
    return true;
  }

  /** The batch failed for a reason other than a busy database: write its ops one by one, drop the refused. */
  #writeEach(batch: EvidenceOp[]): boolean {
    try {
      const failed = this.#sink.applyEach(batch);
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

/** SQLite's "try again" errors, also when drizzle wraps them. */
function isBusy(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string' && (e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED'))) return true;
  }
  return false;
}

/** An op for a log line: what and where, without the whole row. */
function describe(op: EvidenceOp): Record<string, unknown> {
  return { op: op.op, lessonSessionId: lessonOf(op) };
}
