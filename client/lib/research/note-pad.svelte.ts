import type { ObservationNote, ObservationRecording, ObservationView } from '../../../shared/api/research-observations.js';
import type { ObservationMode } from '../../../shared/api/research.js';
import { ApiError } from '../api.js';
import type { ObservationsApi } from './observations-api.js';

/** Lesson time (ms since the lesson session started) of a moment watched live. */
export function liveLessonTime(lessonStartedAt: string, nowMs: number): number {
  return Math.max(0, Math.round(nowMs - Date.parse(lessonStartedAt)));
}

/** Lesson time of a recording's playback position: where the recording starts in the lesson + how far in. */
export function replayLessonTime(recordingOffsetMs: number, currentTimeSeconds: number): number {
  return Math.max(0, Math.round(recordingOffsetMs + currentTimeSeconds * 1000));
}

/** 03:25, or 1:03:25 past an hour. */
export function formatLessonTime(atMs: number): string {
  const total = Math.floor(Math.max(0, atMs) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/**
 * The replay page's link to that lesson moment in a finished recording covering it (one that says it is not
 * ready yet is left out), or null when none does. The note pad and the review page both link notes with it.
 */
export function recordingLink(recordings: ReadonlyArray<Pick<ObservationRecording, 'id' | 'offsetMs' | 'durationMs'> & { ready?: boolean }>, atMs: number): string | null {
  const covering = recordings.find((r) => r.ready !== false && r.durationMs !== null && atMs >= r.offsetMs && atMs <= r.offsetMs + r.durationMs);
  return covering ? `/recordings/${covering.id}?t=${Math.floor((atMs - covering.offsetMs) / 1000)}` : null;
}

/**
 * 听课笔记: the observer's note pad for one lesson, live or from a recording. A note is stamped with the lesson
 * time the page's clock says when she presses Enter (live: now − the lesson's start; replay: the recording's
 * offset + the playback position), kept in lesson-time order, and hers to change until the review closes.
 */
export class NotePad {
  #observation = $state.raw<ObservationView | null>(null);
  #notes = $state.raw<ObservationNote[]>([]);
  #error = $state<string | null>(null);
  #saving = $state(false);

  /**
   * @param lessonTime the lesson time to stamp a new note with now (null: not known yet, nothing is written)
   */
  constructor(
    private readonly api: Pick<ObservationsApi, 'open' | 'addNote' | 'updateNote' | 'removeNote'>,
    readonly mode: ObservationMode,
    private readonly lessonTime: () => number | null,
  ) {}

  get observation() {
    return this.#observation;
  }
  get notes() {
    return this.#notes;
  }
  get error() {
    return this.#error;
  }
  get saving() {
    return this.#saving;
  }
  /** Notes may be written (the observation is open and its review has not closed). */
  get writable(): boolean {
    return this.#observation !== null && !this.#observation.reviewClosed;
  }

  /** Opens (once, server-side) her observation of the lesson and loads her notes. */
  async open(lessonId: number): Promise<void> {
    await this.#run(async () => {
      const observation = await this.api.open(lessonId, this.mode);
      this.#observation = observation;
      this.#notes = sorted(observation.notes);
    });
  }

  /** A note at the current lesson time; false when nothing was written (empty text, no clock, refused). */
  async add(text: string): Promise<boolean> {
    const observation = this.#observation;
    const atMs = this.lessonTime();
    const trimmed = text.trim();
    if (!observation || atMs === null || trimmed === '' || !this.writable) return false;
    return this.#run(async () => {
      const note = await this.api.addNote(observation.id, { atMs, text: trimmed, mode: this.mode });
      this.#notes = sorted([...this.#notes, note]);
    });
  }

  async edit(noteId: number, text: string): Promise<boolean> {
    const observation = this.#observation;
    const trimmed = text.trim();
    if (!observation || trimmed === '') return false;
    return this.#run(async () => {
      const note = await this.api.updateNote(observation.id, noteId, trimmed);
      this.#notes = this.#notes.map((n) => (n.id === noteId ? note : n));
    });
  }

  async remove(noteId: number): Promise<boolean> {
    const observation = this.#observation;
    if (!observation) return false;
    return this.#run(async () => {
      await this.api.removeNote(observation.id, noteId);
      this.#notes = this.#notes.filter((n) => n.id !== noteId);
    });
  }

  /** Where a note's moment can be watched again (a recording covering it), or null. */
  linkOf(note: Pick<ObservationNote, 'atMs'>): string | null {
    return recordingLink(this.#observation?.recordings ?? [], note.atMs);
  }

  async #run(work: () => Promise<void>): Promise<boolean> {
    this.#saving = true;
    this.#error = null;
    try {
      await work();
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) console.error('a note-pad request failed', error);
      this.#error = error instanceof ApiError ? error.message : String(error);
      return false;
    } finally {
      this.#saving = false;
    }
  }
}

function sorted(notes: readonly ObservationNote[]): ObservationNote[] {
  return [...notes].sort((a, b) => a.atMs - b.atMs || a.id - b.id);
}
