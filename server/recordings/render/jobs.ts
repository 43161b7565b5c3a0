import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { RecordingStore } from '../storage.js';
import { RenderFailed } from './process.js';
import { renderRecording, type RenderOptions, type RenderResult } from './render.js';
import type { RenderJob, RenderRepository } from './repository.js';

export type RenderQueue = Pick<RenderRepository, 'nextJob' | 'setProgress' | 'rendered' | 'renderFailed'>;
export type Renderer = (job: RenderJob, options: RenderOptions) => Promise<RenderResult>;

export interface RecordingJobsOptions {
  store: RecordingStore;
  ffmpegPath: string;
  /** Recordings rendered at once (config.recordingJobs); never more than the machine's cores. */
  concurrency: number;
  log: FastifyBaseLogger;
  /** Progress is written to the row at most this often (ms); the live value is always in progressOf. */
  progressEveryMs?: number;
  render?: Renderer;
  now?: () => number;
  /**
   * With several nodes: also look at the queue this often (ms; the plugin gives the claim's lease). A claim left
   * by a node that died lapses silently — no recording stops here because of it — so without this look it
   * would wait for this node's next event. Unset (one process alone): only start and events look, as ever.
   */
  lookEveryMs?: number;
}

interface Running {
  abort: AbortController;
  progress: number;
  writtenAt: number;
  done: Promise<void>;
}

/**
 * Makes stopped recordings playable. The queue is the database — rows `processing`, oldest first — so a
 * restart loses nothing: `kick()` on start picks up what a stopped server left, the render it was in the
 * middle of included, and `close()` kills running FFmpegs without marking their rows, so the next start
 * renders them again. At most `concurrency` renders at once (each takes about a core), capped at the cores.
 */
export class RecordingJobs {
  readonly concurrency: number;
  readonly #queue: RenderQueue;
  readonly #options: RecordingJobsOptions;
  readonly #render: Renderer;
  readonly #now: () => number;
  readonly #running = new Map<number, Running>();
  #filling: Promise<void> | null = null;
  #looking: NodeJS.Timeout | null = null;
  #again = false;
  #closed = false;

  constructor(queue: RenderQueue, options: RecordingJobsOptions) {
    this.#queue = queue;
    this.#options = options;
    this.#render = options.render ?? renderRecording;
    this.#now = options.now ?? Date.now;
    this.concurrency = Math.max(1, Math.min(options.concurrency, availableParallelism()));
  }

  /** Looks at the queue now, and then every `lookEveryMs` when that is set (on start). */
  start(): void {
    this.kick();
    if (this.#options.lookEveryMs === undefined || this.#looking || this.#closed) return;
    this.#looking = setInterval(() => this.kick(), this.#options.lookEveryMs);
    this.#looking.unref();
  }

  /** Looks at the queue (on start, and when a recording stops): starts renders while there are free slots. */
  kick(): void {
    if (this.#closed) return;
    if (this.#filling) {
      this.#again = true;
      return;
    }
    this.#filling = this.#fill()
      .catch((error: unknown) => this.#options.log.error({ err: error }, 'the recording render queue could not be read; it resumes on the next stopped recording or start'))
      .finally(() => {
        this.#filling = null;
        if (this.#again) this.kick();
      });
  }

  /** The live progress (0–99) of a recording being rendered here, or undefined when it is not. */
  progressOf(id: number): number | undefined {
    return this.#running.get(id)?.progress;
  }

  /** Resolves when nothing is rendering and nothing is waiting (tests). */
  async idle(): Promise<void> {
    while (this.#filling || this.#running.size > 0) {
      await this.#filling;
      await Promise.all([...this.#running.values()].map((r) => r.done));
    }
  }

  /** Stops: running renders are killed and stay `processing` for the next start. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#looking) clearInterval(this.#looking);
    this.#looking = null;
    for (const running of this.#running.values()) running.abort.abort(new Error('the server is stopping'));
    await this.#filling;
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  async #fill(): Promise<void> {
    this.#again = false;
    while (!this.#closed && this.#running.size < this.concurrency) {
      const job = await this.#queue.nextJob([...this.#running.keys()]);
      if (!job || this.#closed) return;
      const running: Running = { abort: new AbortController(), progress: 0, writtenAt: this.#now(), done: Promise.resolve() };
      this.#running.set(job.id, running);
      running.done = this.#renderOne(job, running).finally(() => {
        this.#running.delete(job.id);
        // A slot is free: the next recording in the queue may start.
        this.kick();
      });
    }
  }

  async #renderOne(job: RenderJob, running: Running): Promise<void> {
    const log = this.#options.log.child({ recordingId: job.id, lessonId: job.lessonId });
    const startedAt = this.#now();
    const every = this.#options.progressEveryMs ?? 1_000;
    let writing: Promise<void> = Promise.resolve();
    const onProgress = (progress: number) => {
      running.progress = progress;
      if (this.#now() - running.writtenAt < every) return;
      running.writtenAt = this.#now();
      writing = writing.then(() => this.#queue.setProgress(job.id, progress)).catch((error: unknown) => log.warn({ err: error }, 'could not write render progress'));
    };
    try {
      await this.#queue.setProgress(job.id, 0);
      const made = await this.#render(job, { store: this.#options.store, ffmpegPath: this.#options.ffmpegPath, onProgress, signal: running.abort.signal });
      await writing;
      await this.#queue.rendered(job.id, made);
      log.info({ ms: this.#now() - startedAt, durationMs: made.durationMs, highBytes: made.high.bytes, lowBytes: made.low.bytes, lowBitrate: made.low.bitrate, warnings: made.warnings || undefined }, 'recording rendered');
    } catch (error) {
      await writing;
      if (this.#closed) {
        log.info('recording render stopped with the server; it runs again on the next start');
        return;
      }
      const reason = error instanceof RenderFailed ? error.reason : 'render_failed';
      if (reason === 'ffmpeg_missing') log.error({ ffmpeg: this.#options.ffmpegPath }, 'FFmpeg is not installed: recordings cannot be made playable; run scripts/ensure-ffmpeg.mjs as root');
      else log.warn({ err: error, reason }, 'recording render failed');
      await this.#queue.renderFailed(job.id, reason).catch((failure: unknown) => log.error({ err: failure }, 'could not mark the recording failed'));
    }
  }
}
