import type { LessonRequestPayload } from '../../../shared/lesson/protocol.js';
import { ApiError } from '../api.js';

/** As many as `consumers:resume` takes (a site holds at most this many consumers anyway). */
export const MAX_RESUMES_PER_REQUEST = 100;

type ResumeRequest = <K extends 'consumer:resume' | 'consumers:resume'>(name: K, payload: LessonRequestPayload<K>) => Promise<unknown>;

/**
 * Gathers the consumers the page got ready to render within one task into one request. After a join every
 * tile mounts in the same flush, so a site resumes all it receives with one `consumers:resume` instead of a
 * `consumer:resume` each (a round trip apiece on a slow link, and K × N messages when K sites join at once).
 * A lone consumer (a producer that appeared later) still goes as `consumer:resume`.
 *
 * The server refuses a whole batch that names a consumer it has closed meanwhile (the producer went just
 * before we heard of it); then each is resumed on its own, and the gone ones are let go.
 */
export class ConsumerResumes {
  readonly #request: ResumeRequest;
  /** Whether we still hold the consumer (not closed meanwhile). */
  readonly #holds: (consumerId: string) => boolean;
  readonly #defer: (run: () => void) => void;
  #pending = new Set<string>();
  #flushing: Promise<void> | null = null;

  constructor(request: ResumeRequest, holds: (consumerId: string) => boolean, defer: (run: () => void) => void = (run) => void setTimeout(run, 0)) {
    this.#request = request;
    this.#holds = holds;
    this.#defer = defer;
  }

  /** Resumes a consumer with the others asked for in this task; settles when its request is answered. */
  resume(consumerId: string): Promise<void> {
    this.#pending.add(consumerId);
    this.#flushing ??= new Promise<void>((resolve) => this.#defer(resolve)).then(() => {
      const ids = [...this.#pending].filter(this.#holds);
      this.#pending = new Set();
      this.#flushing = null;
      return this.#send(ids);
    });
    return this.#flushing;
  }

  async #send(ids: string[]): Promise<void> {
    const batches: Array<Promise<void>> = [];
    for (let at = 0; at < ids.length; at += MAX_RESUMES_PER_REQUEST) batches.push(this.#sendBatch(ids.slice(at, at + MAX_RESUMES_PER_REQUEST)));
    await Promise.all(batches);
  }

  async #sendBatch(ids: string[]): Promise<void> {
    if (ids.length === 1) return this.#sendOne(ids[0]!);
    try {
      await this.#request('consumers:resume', { consumerIds: ids });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'not_found')) throw error;
      await Promise.all(ids.map((id) => this.#sendOne(id)));
    }
  }

  async #sendOne(consumerId: string): Promise<void> {
    try {
      await this.#request('consumer:resume', { consumerId });
    } catch (error) {
      // Closed on the server before we heard of it: its consumer:closed is on its way.
      if (!(error instanceof ApiError && error.code === 'not_found')) throw error;
    }
  }
}
