import type { EventEmitter } from 'node:events';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonRegistryEvents } from '../../lessons/registry.js';
import { LessonTap, type RecordableLesson } from './lesson-tap.js';
import type { EvidenceSink } from './ops.js';
import { EvidenceBuffer, type EvidenceBufferOptions, type EvidenceDropReason } from './write-buffer.js';

export interface EvidenceRecorderOptions {
  /** Where batches are written (the EvidenceRepository). */
  sink: EvidenceSink;
  log: Logger;
  /**
   * Called once a lesson that ended has all its evidence written (the roll-up refresh). Errors are
   * logged, never thrown back into the lesson.
   */
  onLessonFinalised?: (lessonSessionId: number) => void | Promise<void>;
  /** Lessons closed after a crash before this recorder started: finalised (roll-ups) right away. */
  recoveredLessonIds?: readonly number[];
  /** The clock of every recorded instant (tests pass a fake one). */
  now?: () => Date;
  /** Quality sampling period per site (ms). */
  sampleIntervalMs?: number;
  /** How often open attendance intervals record that their site is still there (ms). */
  heartbeatIntervalMs?: number;
  buffer?: Pick<EvidenceBufferOptions, 'flushIntervalMs' | 'flushAtOps' | 'maxPending'>;
  /** Told of every evidence write lost (the /metrics counter, by reason). */
  onDropped?: (reason: EvidenceDropReason, lessonSessionId: number) => void;
}

/** A site's attendance heartbeat every 5 s: after a crash its interval is closed at most ~5 s early. */
export const EVIDENCE_RECORDER_DEFAULTS = { sampleIntervalMs: 5_000, heartbeatIntervalMs: 5_000 } as const;

/**
 * Records the usage evidence of every live lesson: taps each lesson the registry starts, buffers the
 * writes and flushes them in batches; on a lesson's end flushes at once (its report is final right away)
 * and then asks for its roll-ups; on shutdown (`close()`) flushes what is left.
 */
export class EvidenceRecorder {
  readonly #buffer: EvidenceBuffer;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #onLessonFinalised: ((lessonSessionId: number) => void | Promise<void>) | undefined;
  readonly #taps = new Map<number, LessonTap>();
  /**
   * Ended lessons whose writes have not all reached the database yet, each with the buffer's flush count
   * when it ended: the first flush after that which writes everything it took has written the lesson's last.
   */
  readonly #awaitingFinalisation = new Map<number, number>();
  /** Roll-up refreshes running now (close waits for them: the database closes after it). */
  readonly #finalising = new Set<Promise<void>>();
  readonly #timers: NodeJS.Timeout[];
  #closed = false;
  /** The shutdown (calling `close()` again waits for the same one). */
  #closing: Promise<void> | null = null;

  constructor(registry: Pick<EventEmitter<LessonRegistryEvents>, 'on'>, options: EvidenceRecorderOptions) {
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#onLessonFinalised = options.onLessonFinalised;
    this.#buffer = new EvidenceBuffer({
      ...options.buffer,
      sink: options.sink,
      log: options.log,
      onDrained: (flushNumber) => this.#finaliseWritten(flushNumber),
      onDropped: options.onDropped,
    });
    registry.on('lesson-started', (running) => this.record(running));
    registry.on('lesson-ended', (lessonSessionId) => this.#lessonEnded(lessonSessionId));
    // Gone to another node, which records it from there on: what was recorded here is written, nothing closed.
    registry.on('lesson-released', (lessonSessionId) => {
      this.#taps.get(lessonSessionId)?.abandon();
      this.#taps.delete(lessonSessionId);
      void this.flush();
    });
    const sampleEvery = options.sampleIntervalMs ?? EVIDENCE_RECORDER_DEFAULTS.sampleIntervalMs;
    const beatEvery = options.heartbeatIntervalMs ?? EVIDENCE_RECORDER_DEFAULTS.heartbeatIntervalMs;
    this.#timers = [setInterval(() => this.#sampleAll(), sampleEvery), setInterval(() => this.heartbeat(), beatEvery)];
    for (const timer of this.#timers) timer.unref();
    // Their evidence was closed at the last heartbeat on start; nothing more will come for them.
    for (const id of options.recoveredLessonIds ?? []) this.#finalise(id);
  }

  /** Writes waiting for the database, and writes dropped because the buffer was full. */
  get backlog(): { pending: number; dropped: number } {
    return { pending: this.#buffer.pending, dropped: this.#buffer.dropped };
  }

  /** Starts recording a live lesson (the registry's 'lesson-started' does this for every lesson). */
  record(running: RecordableLesson): void {
    if (this.#closed) return;
    try {
      const tap = new LessonTap(running, (op) => this.#buffer.push(op), this.#log.child({ lessonSessionId: running.lesson.lessonSessionId }), this.#now);
      this.#taps.set(tap.lessonSessionId, tap);
    } catch (error) {
      this.#log.error({ err: error, lessonSessionId: running.lesson.lessonSessionId }, 'could not start recording the lesson');
    }
  }

  /** Every live lesson's connected sites were seen now. */
  heartbeat(): void {
    for (const tap of this.#taps.values()) tap.heartbeat();
  }

  /**
   * Writes everything pending now (after the flush already running, if any); false when the database did
   * not take it (it stays queued). Never rejects.
   */
  flush(): Promise<boolean> {
    return this.#buffer.flush();
  }

  /**
   * Graceful shutdown: no more sampling, lessons still tapped are closed, everything is written and the
   * roll-up refreshes it started have ended. Resolves when it is safe to close the database.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      for (const timer of this.#timers) clearInterval(timer);
      for (const tap of this.#taps.values()) tap.finish();
      this.#taps.clear();
      await this.#buffer.close();
      await Promise.all(this.#finalising);
    })();
    return this.#closing;
  }

  #lessonEnded(lessonSessionId: number): void {
    try {
      this.#taps.get(lessonSessionId)?.finish();
      this.#taps.delete(lessonSessionId);
      this.#awaitingFinalisation.set(lessonSessionId, this.#buffer.flushesStarted);
      void this.flush().then((written) => {
        if (!written) this.#log.error({ lessonSessionId }, "the ended lesson's evidence could not be written yet; its report waits for the next flush");
      });
    } catch (error) {
      // Ending a lesson must never fail because of its evidence.
      this.#log.error({ err: error, lessonSessionId }, 'finishing the evidence of an ended lesson failed');
    }
  }

  /** Flush `flushNumber` wrote all it took: the lessons that ended before it started are complete. */
  #finaliseWritten(flushNumber: number): void {
    for (const [lessonSessionId, endedAtFlush] of this.#awaitingFinalisation) {
      if (endedAtFlush >= flushNumber) continue;
      this.#awaitingFinalisation.delete(lessonSessionId);
      this.#finalise(lessonSessionId);
    }
  }

  /** Refreshes an ended lesson's roll-ups; errors are logged, never thrown back into the lesson. */
  #finalise(lessonSessionId: number): void {
    if (!this.#onLessonFinalised) return;
    const refreshing = (async () => {
      try {
        await this.#onLessonFinalised!(lessonSessionId);
      } catch (error) {
        this.#log.error({ err: error, lessonSessionId }, 'refreshing the roll-ups of an ended lesson failed');
      }
    })();
    this.#finalising.add(refreshing);
    void refreshing.finally(() => this.#finalising.delete(refreshing));
  }

  #sampleAll(): void {
    for (const tap of this.#taps.values()) {
      tap.sampleQuality().catch((error: unknown) => this.#log.error({ err: error, lessonSessionId: tap.lessonSessionId }, 'quality sampling failed'));
    }
  }
}
