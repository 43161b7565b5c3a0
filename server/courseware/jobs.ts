import type { FastifyBaseLogger } from 'fastify';
import type { AttachmentStore } from '../core/file-store.js';
import type { ConversionJob, CoursewareRepository } from './repository.js';
import { ConversionFailed, type Converter } from './converter.js';
import { checkPdf, PdfRefused } from './pdf.js';

/*
 * Progress of a conversion. LibreOffice reports none while it converts, so the teacher is shown what is
 * known for certain — queued 0, started 10, converted 80, pages counted and stored 100 — and, between
 * "started" and "converted", an estimate from the time spent against the time a file of that size usually
 * takes, which approaches but never reaches 80: the bar moves while soffice works, and never claims a
 * stage that has not happened.
 */
export const PROGRESS = { queued: 0, started: 10, converted: 80, ready: 100 } as const;
/** LibreOffice's start-up (a few seconds on two cores) plus about a second per MiB of document. */
const expectedMs = (sizeBytes: number): number => 5_000 + (sizeBytes / (1024 * 1024)) * 1_000;

/** The estimate while soffice runs: from `started` towards `converted`, capped one below it. */
export function estimatedProgress(elapsedMs: number, sizeBytes: number): number {
  const fraction = 1 - Math.exp(-Math.max(0, elapsedMs) / expectedMs(sizeBytes));
  return Math.min(PROGRESS.converted - 1, PROGRESS.started + Math.floor((PROGRESS.converted - PROGRESS.started) * fraction));
}

export type ConversionQueue = Pick<CoursewareRepository, 'leaseMs' | 'nextConversion' | 'setProgress' | 'renewClaim' | 'converted' | 'conversionFailed'>;

export interface ConversionTiming {
  /** How often this node renews its claim on the document it converts (default a quarter of the lease). */
  renewEveryMs?: number;
  /**
   * With several nodes: also look at the queue this often (ms; routes give the claim's lease). A claim left by
   * a node that died lapses silently — no upload here brings it — so without this look it would wait for this
   * node's next upload or start. Unset (one process alone): only start and uploads look, as ever.
   */
  lookEveryMs?: number;
}

/**
 * Converts uploaded office documents to PDF, one at a time (a conversion takes a core, and the server has
 * two). The queue is the database: rows `converting`, oldest first. So a restart loses nothing — `start()`
 * picks up what a stopped server left, including the conversion it was in the middle of — and `close()`
 * kills a running conversion without marking it failed, so that the next start does it again. Several nodes
 * share the queue: a node converts only a document it claimed (`nextConversion`), and renews the claim while
 * LibreOffice works, so that only a node that died loses it.
 */
export class ConversionJobs {
  #running: Promise<void> | null = null;
  /** A kick arrived while the loop was finishing: look at the queue once more. */
  #again = false;
  #closed = false;
  #looking: NodeJS.Timeout | null = null;
  #current: { id: number; startedAt: number; sizeBytes: number; abort: AbortController } | null = null;

  constructor(
    private readonly queue: ConversionQueue,
    private readonly store: AttachmentStore,
    private readonly convert: Converter,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
    private readonly timing: ConversionTiming = {},
  ) {}

  /** Looks at the queue now, and then every `lookEveryMs` when that is set (on start-up). */
  start(): void {
    this.kick();
    if (this.timing.lookEveryMs === undefined || this.#looking || this.#closed) return;
    this.#looking = setInterval(() => this.kick(), this.timing.lookEveryMs);
    this.#looking.unref();
  }

  /** Starts working through the queue (on start-up, and after every upload of an office document). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((error: unknown) => this.log.error({ err: error }, 'the courseware conversion queue stopped; it resumes on the next upload or start'))
      .finally(() => {
        this.#running = null;
        if (this.#again && !this.#closed) this.kick();
      });
  }

  /** The live progress of the document being converted now, or undefined when it is not the one. */
  progressOf(id: number): number | undefined {
    const current = this.#current;
    if (!current || current.id !== id) return undefined;
    return estimatedProgress(this.now() - current.startedAt, current.sizeBytes);
  }

  /** Resolves when the queue is empty (tests, and the demo seed waiting for its documents). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops: a running conversion is killed and stays queued for the next start. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#looking) clearInterval(this.#looking);
    this.#looking = null;
    this.#current?.abort.abort(new Error('the server is stopping'));
    await this.#running?.catch(() => undefined);
  }

  async #drain(): Promise<void> {
    this.#again = false;
    for (let job = await this.queue.nextConversion(); job && !this.#closed; job = await this.queue.nextConversion()) {
      await this.#convertOne(job);
    }
  }

  async #convertOne(job: ConversionJob): Promise<void> {
    const log = this.log.child({ coursewareId: job.id });
    const abort = new AbortController();
    this.#current = { id: job.id, startedAt: this.now(), sizeBytes: job.sizeBytes, abort };
    const renewing = setInterval(() => {
      this.queue.renewClaim(job.id).catch((error: unknown) => log.warn({ err: error }, 'could not renew the claim on the conversion; another node may take it over'));
    }, this.timing.renewEveryMs ?? this.queue.leaseMs / 4);
    renewing.unref();
    try {
      await this.queue.setProgress(job.id, PROGRESS.started);
      const source = await this.store.get(job.sourceSha256);
      if (!source) throw new Error(`the uploaded file ${job.sourceSha256} is not in the file store`);
      if (job.sourceKind === 'pdf') throw new Error('a PDF is never queued for conversion');
      const startedAt = this.now();
      const pdf = await this.convert(source, job.sourceKind, abort.signal);
      await this.queue.setProgress(job.id, PROGRESS.converted);
      const pageCount = await checkPdf(pdf);
      const { sha256 } = await this.store.put(pdf);
      await this.queue.converted(job.id, sha256, pageCount);
      log.info({ pageCount, ms: this.now() - startedAt, sizeBytes: job.sizeBytes }, 'courseware converted to PDF');
    } catch (error) {
      if (this.#closed) {
        log.info('courseware conversion stopped with the server; it runs again on the next start');
        return;
      }
      const reason = error instanceof ConversionFailed || error instanceof PdfRefused ? error.reason : 'conversion_failed';
      // A PDF LibreOffice wrote but nobody can open is LibreOffice's failure, not a broken upload.
      const stored = reason === 'broken_file' ? 'conversion_failed' : reason;
      if (reason === 'converter_missing') log.error('LibreOffice (soffice) is not installed: office documents cannot be converted; run scripts/ensure-libreoffice.mjs as root');
      else log.warn({ err: error, reason: stored }, 'courseware conversion failed');
      await this.queue.conversionFailed(job.id, stored);
    } finally {
      clearInterval(renewing);
      this.#current = null;
    }
  }
}
