import type { LessonReport, LessonReportList, LessonReportListQuery } from '../../../../shared/api/evidence-lesson.js';
import { ApiError, type ApiClient } from '../../../lib/api.js';

/** Where the lesson reports live (the REST routes of server/evidence/lesson-report). */
export const lessonReportPath = (lessonSessionId: number) => `/reports/lessons/${lessonSessionId}`;
const reportUrl = (lessonSessionId: number) => `/api/reports/lessons/${lessonSessionId}`;

/** Runs a load and keeps its failure as an ApiError for the page to show. */
async function guarded(run: () => Promise<void>, setError: (error: ApiError | null) => void, setLoading: (loading: boolean) => void): Promise<void> {
  setLoading(true);
  setError(null);
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    setError(error);
  } finally {
    setLoading(false);
  }
}

/** The lessons the signed-in user may report on, in a date range (Shanghai days). */
export class LessonReportListManager {
  #list = $state<LessonReportList | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  readonly #http: ApiClient;

  constructor(http: ApiClient) {
    this.#http = http;
  }

  get list(): LessonReportList | null {
    return this.#list;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  /** Loads the list; without dates the server answers for the last 30 days. */
  load = (query: LessonReportListQuery = {}): Promise<void> =>
    guarded(
      async () => {
        this.#list = await this.#http.get<LessonReportList>('/api/reports/lessons', { ...query });
      },
      (error) => (this.#error = error),
      (loading) => (this.#loading = loading),
    );
}

/** One lesson's report. */
export class LessonReportManager {
  #report = $state<LessonReport | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  readonly #http: ApiClient;

  constructor(http: ApiClient) {
    this.#http = http;
  }

  get report(): LessonReport | null {
    return this.#report;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  load = (lessonSessionId: number): Promise<void> =>
    guarded(
      async () => {
        this.#report = await this.#http.get<LessonReport>(reportUrl(lessonSessionId));
      },
      (error) => (this.#error = error),
      (loading) => (this.#loading = loading),
    );
}

/**
 * Downloads a report's export with progress: streams the response (its length is known for these files),
 * then hands the file to the browser under the name the server gave it (RFC 5987 `filename*`).
 */
export class ReportDownload {
  #progress = $state<number | null>(null);
  #active = $state(false);
  #error = $state<string | null>(null);
  readonly #describeFailure: () => string;

  constructor(describeFailure: () => string) {
    this.#describeFailure = describeFailure;
  }

  /** 0…1 while the size is known, null before it is. */
  get progress(): number | null {
    return this.#progress;
  }
  get active(): boolean {
    return this.#active;
  }
  get error(): string | null {
    return this.#error;
  }

  async start(lessonSessionId: number, format: 'xlsx' | 'csv'): Promise<void> {
    if (this.#active) return;
    this.#active = true;
    this.#progress = null;
    this.#error = null;
    try {
      const response = await fetch(`${reportUrl(lessonSessionId)}?format=${format}`, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(await failureMessage(response));
      const blob = await readWithProgress(response, (fraction) => (this.#progress = fraction));
      save(blob, fileNameOf(response.headers.get('content-disposition')) ?? `lesson-report-${lessonSessionId}.${format}`);
    } catch (error) {
      console.error('downloading a lesson report failed', error);
      this.#error = error instanceof Error && error.message ? error.message : this.#describeFailure();
    } finally {
      this.#active = false;
    }
  }
}

async function readWithProgress(response: Response, onProgress: (fraction: number) => void): Promise<Blob> {
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body || !total) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.byteLength;
    onProgress(Math.min(1, received / total));
  }
  return new Blob(parts, { type: response.headers.get('content-type') ?? 'application/octet-stream' });
}

/** The server's message of a failed download (already in the user's language), if it sent one. */
async function failureMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null && 'message' in body.error) {
      return String(body.error.message);
    }
  } catch (error) {
    console.error('a failed download had no readable error body', error);
  }
  return '';
}

/** The UTF-8 name of `filename*=UTF-8''…`, else the plain `filename="…"`. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) return decodeURIComponent(extended[1]);
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? null;
}

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Give the browser a moment to start the download before the blob goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
