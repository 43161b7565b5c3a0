import { MAX_COURSEWARE_BYTES, type CoursewareView } from '../../../shared/api/courseware.js';
import { ApiError } from '../api.js';
import type { CoursewareApi } from './courseware-api.js';

/** What went wrong last: the server's message, or a file refused before it was sent (the page words it). */
export type CoursewareProblem = { kind: 'api'; message: string } | { kind: 'too_large' | 'wrong_type'; name: string };

/** A file being sent: how much of it has gone (0…1). */
export interface CoursewareUploading {
  key: number;
  name: string;
  fraction: number;
}

/** Extensions offered in the file picker and checked before sending (the server still tells the kind by the bytes). */
export const COURSEWARE_EXTENSIONS = ['.pdf', '.ppt', '.pptx', '.doc', '.docx'] as const;
const hasCoursewareExtension = (name: string) => COURSEWARE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** Schedules `run` after `ms`; returns how to cancel it (tests drive time themselves). */
export type Schedule = (run: () => void, ms: number) => () => void;
const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

/** How often a document being converted is asked about (LibreOffice takes seconds; the bar should move). */
export const CONVERSION_POLL_MS = 1_000;

/**
 * One course's courseware as the teacher's page shows it: the documents, files being sent with their
 * progress, and documents being converted, asked about every second until they are ready or failed. A newer
 * load wins over an older one still in flight; every change takes the server's answer as the new row.
 */
export class CoursewareLibrary {
  #items = $state<CoursewareView[]>([]);
  #uploads = $state<CoursewareUploading[]>([]);
  #loading = $state(false);
  #problem = $state<CoursewareProblem | null>(null);
  #courseId: number | null = null;
  #latest = 0;
  #nextUpload = 0;
  #cancelPoll: (() => void) | null = null;
  #closed = false;

  constructor(
    private readonly api: Pick<CoursewareApi, 'list' | 'upload' | 'view' | 'rename' | 'remove'>,
    private readonly schedule: Schedule = realSchedule,
  ) {}

  get items(): CoursewareView[] {
    return this.#items;
  }
  get uploads(): CoursewareUploading[] {
    return this.#uploads;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get problem(): CoursewareProblem | null {
    return this.#problem;
  }
  /** Whether a document is being converted (and so asked about). */
  get polling(): boolean {
    return this.#cancelPoll !== null;
  }

  dismissProblem(): void {
    this.#problem = null;
  }

  async load(courseId: number): Promise<void> {
    const load = ++this.#latest;
    this.#courseId = courseId;
    this.#loading = true;
    this.#problem = null;
    try {
      const { items } = await this.api.list(courseId);
      if (load !== this.#latest) return;
      this.#items = items;
      this.#pollIfConverting();
    } catch (error) {
      if (load === this.#latest) this.#fail(error);
    } finally {
      if (load === this.#latest) this.#loading = false;
    }
  }

  /** Sends a picked file (checked here first for its extension and size, so a wrong one is not sent at all). */
  async upload(file: Blob & { name: string }): Promise<CoursewareView | null> {
    const courseId = this.#courseId;
    if (courseId === null) return null;
    this.#problem = null;
    if (!hasCoursewareExtension(file.name)) {
      this.#problem = { kind: 'wrong_type', name: file.name };
      return null;
    }
    if (file.size > MAX_COURSEWARE_BYTES) {
      this.#problem = { kind: 'too_large', name: file.name };
      return null;
    }
    const key = ++this.#nextUpload;
    this.#uploads = [...this.#uploads, { key, name: file.name, fraction: 0 }];
    try {
      const view = await this.api.upload(courseId, file, file.name, (fraction) => {
        this.#uploads = this.#uploads.map((u) => (u.key === key ? { ...u, fraction } : u));
      });
      if (courseId === this.#courseId) {
        this.#items = [view, ...this.#items];
        this.#pollIfConverting();
      }
      return view;
    } catch (error) {
      this.#fail(error);
      return null;
    } finally {
      this.#uploads = this.#uploads.filter((u) => u.key !== key);
    }
  }

  async rename(id: number, title: string): Promise<boolean> {
    this.#problem = null;
    try {
      this.#replace(await this.api.rename(id, title));
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  async remove(id: number): Promise<void> {
    this.#problem = null;
    try {
      await this.api.remove(id);
      this.#items = this.#items.filter((i) => i.id !== id);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Asks again about every document being converted (the poll's step; the page never calls it). */
  async refreshConverting(): Promise<void> {
    this.#cancelPoll = null;
    const converting = this.#items.filter((i) => i.status === 'converting');
    const views = await Promise.all(
      converting.map((i) =>
        this.api.view(i.id).catch((error: unknown) => {
          // A document removed meanwhile (404) leaves the list; a dropped connection is asked again next time.
          if (error instanceof ApiError && error.code === 'not_found') this.#items = this.#items.filter((x) => x.id !== i.id);
          else console.warn(`could not ask about courseware ${i.id}`, error);
          return null;
        }),
      ),
    );
    for (const view of views) if (view) this.#replace(view);
    this.#pollIfConverting();
  }

  /** Stops asking (the page is left). */
  close(): void {
    this.#closed = true;
    this.#cancelPoll?.();
    this.#cancelPoll = null;
  }

  #pollIfConverting(): void {
    if (this.#closed || this.#cancelPoll !== null || !this.#items.some((i) => i.status === 'converting')) return;
    this.#cancelPoll = this.schedule(() => void this.refreshConverting(), CONVERSION_POLL_MS);
  }

  #replace(view: CoursewareView): void {
    this.#items = this.#items.map((i) => (i.id === view.id ? view : i));
  }

  #fail(error: unknown): void {
    if (error instanceof ApiError) this.#problem = { kind: 'api', message: error.message };
    else throw error;
  }
}
