import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/*
 * Where recordings live. Everything is named by a key relative to the store's root — what the recordings
 * tables keep — so that an object-store backend can later take the same keys. Layout, per recording:
 *
 *   lessons/<lessonId>/<recordingId>/tracks/<n>-<participant>-<source>.mkv   written while the lesson records
 *   lessons/<lessonId>/<recordingId>/high.mp4                                 the renditions, once made
 *   lessons/<lessonId>/<recordingId>/low.mp4
 *
 * FFmpeg reads and writes files, so the directory store hands out local paths (`pathOf`); a remote
 * backend would stage files locally and upload on `commit`.
 */

const KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

export interface RecordingStore {
  /** The local path of a key (created parent directories included), for FFmpeg to write or read. */
  pathOf(key: string): Promise<string>;
  /** Size of a stored file in bytes, or null when there is none. */
  sizeOf(key: string): Promise<number | null>;
  /** Removes every file of a recording (its tracks and renditions). Safe when nothing is there. */
  removeRecording(lessonId: number, recordingId: number): Promise<void>;
  /** Free space where recordings are written, in bytes (the disk-space guard reads it). */
  freeBytes(): Promise<number>;
}

/** The folder key of a recording: every one of its files is below it. */
export const recordingFolder = (lessonId: number, recordingId: number): string => `lessons/${lessonId}/${recordingId}`;

/** The key of a recorded track: numbered in the order tracks started, then whose and what, for people reading the folder. */
export function trackKey(lessonId: number, recordingId: number, n: number, participantId: string, source: string): string {
  const safe = participantId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'site';
  return `${recordingFolder(lessonId, recordingId)}/tracks/${String(n).padStart(3, '0')}-${safe}-${source}.mkv`;
}

/** The key of a playable rendition. */
export const renditionKey = (lessonId: number, recordingId: number, rendition: 'high' | 'low'): string =>
  `${recordingFolder(lessonId, recordingId)}/${rendition}.mp4`;

/** A directory on this machine (config `TONGKE_RECORDINGS_DIR`). */
export class DirectoryRecordingStore implements RecordingStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  #path(key: string): string {
    if (!KEY.test(key) || key.split('/').includes('..')) throw new Error(`not a recording key: ${key}`);
    const path = join(this.root, key);
    // Belt and braces: whatever the pattern lets through must still be under the root.
    if (relative(this.root, path).startsWith('..') || !path.startsWith(this.root + sep)) throw new Error(`not a recording key: ${key}`);
    return path;
  }

  async pathOf(key: string): Promise<string> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    return path;
  }

  async sizeOf(key: string): Promise<number | null> {
    try {
      const info = await stat(this.#path(key));
      return info.isFile() ? info.size : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async removeRecording(lessonId: number, recordingId: number): Promise<void> {
    const folder = this.#path(recordingFolder(lessonId, recordingId));
    await rm(folder, { recursive: true, force: true });
    // Leave no empty lesson folder behind (a lesson with no recordings left).
    const lessonFolder = dirname(folder);
    const left = await readdir(lessonFolder).catch(() => null);
    if (left && left.length === 0) await rm(lessonFolder, { recursive: true, force: true });
  }

  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const info = await statfs(this.root);
    return info.bavail * info.bsize;
  }
}
