import type { FastifyBaseLogger } from 'fastify';
import type { ExpiredRecording } from './render/repository.js';
import type { RecordingStore } from './storage.js';
import type { OncePerCluster } from '../cluster/once-per-cluster.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionRows {
  expired(before: Date, limit?: number): Promise<ExpiredRecording[]>;
  markDeleted(id: number, at: Date): Promise<void>;
}

export interface RecordingRetentionOptions {
  /** config.recordingRetentionDays: recordings older than this lose their files; 0 keeps them forever. */
  days: number;
  store: RecordingStore;
  log: FastifyBaseLogger;
  now?: () => Date;
  /** How often the sweep runs (default daily; the first runs on start). */
  everyMs?: number;
  /** With several nodes: a sweep runs on one node at a time, and once per Shanghai day across them. */
  oncePerCluster?: OncePerCluster;
}

/**
 * Retention by age: once a day, every recording that started more than `days` days ago loses its files
 * (tracks and renditions) and becomes `deleted`. The row stays, and with it the viewing evidence that
 * names it — a county's 点播 figures must not change because a file was cleared away. Published
 * recordings are not spared: retention is the county's storage decision, and says so in the config.
 */
export class RecordingRetention {
  readonly #rows: RetentionRows;
  readonly #options: RecordingRetentionOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<number> | null = null;

  constructor(rows: RetentionRows, options: RecordingRetentionOptions) {
    this.#rows = rows;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Sweeps now and then every day (nothing when retention is off). */
  start(): void {
    if (this.#options.days <= 0 || this.#timer) return;
    const run = () => {
      this.sweep().catch((error: unknown) => this.#options.log.error({ err: error }, 'recording retention failed; the next daily timer of any node runs it again'));
    };
    this.#timer = setInterval(run, this.#options.everyMs ?? DAY_MS);
    this.#timer.unref();
    run();
  }

  /** Removes the files of every recording past retention; returns how many recordings it cleared. */
  async sweep(): Promise<number> {
    if (this.#options.days <= 0) return 0;
    // One sweep at a time, here and on every node (a slow disk must not have two sweeps delete the same folders),
    // and one a day across the nodes: every node's timer fires daily, the first one each day sweeps.
    this.#sweeping ??= this.#sweepOnEveryNodeOnce().finally(() => (this.#sweeping = null));
    return this.#sweeping;
  }

  async #sweepOnEveryNodeOnce(): Promise<number> {
    if (!this.#options.oncePerCluster) return this.#sweepOnce();
    let cleared = 0;
    await this.#options.oncePerCluster.runDaily('recording-retention', this.#now(), async () => {
      cleared = await this.#sweepOnce();
    });
    return cleared;
  }

  async #sweepOnce(): Promise<number> {
    const now = this.#now();
    const before = new Date(now.getTime() - this.#options.days * DAY_MS);
    let cleared = 0;
    for (let batch = await this.#rows.expired(before); batch.length > 0; batch = await this.#rows.expired(before)) {
      for (const recording of batch) {
        await this.#options.store.removeRecording(recording.lessonId, recording.id);
        await this.#rows.markDeleted(recording.id, now);
        cleared++;
      }
    }
    if (cleared > 0) this.#options.log.info({ cleared, days: this.#options.days }, 'recordings past retention had their files removed');
    return cleared;
  }

  /** Stops the daily sweep and waits for one in progress. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    // Its failure was logged by whoever started it (start's daily run, or the caller of sweep).
    await this.#sweeping?.catch((error: unknown) => this.#options.log.debug({ err: error }, 'the retention sweep in progress failed'));
  }
}
