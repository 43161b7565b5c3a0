import { and, asc, eq, lt, notInArray } from 'drizzle-orm';
import type { RecordingFailure } from '../../../shared/api/recordings.js';
import type { TongkeDb } from '../../db/store.js';
import { recordings, recordingTracks } from '../../db/schema/index.js';

export type RecordingTrackRow = typeof recordingTracks.$inferSelect;

/** A recording waiting to be made playable, with everything the render needs. */
export interface RenderJob {
  id: number;
  /** The lesson session: the store keys a recording's files by it. */
  lessonId: number;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  tracks: RecordingTrackRow[];
}

/** A made rendition: its store key, size and measured whole bitrate. */
export interface RenditionMade {
  key: string;
  bytes: number;
  bitrate: number;
}

/** A recording whose files retention removes. */
export interface ExpiredRecording {
  id: number;
  lessonId: number;
}

/**
 * The rows the render jobs and retention read and write. Rows `processing` are the render queue, oldest
 * first; every write of a job's outcome is conditional on the row still being `processing`, so a recording
 * deleted while it rendered stays deleted.
 */
export class RenderRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The oldest recording to render that is not one of `running` (already being rendered here). */
  async nextJob(running: readonly number[]): Promise<RenderJob | undefined> {
    const waiting = eq(recordings.status, 'processing');
    const [row] = await this.db
      .select({ id: recordings.id, lessonId: recordings.lessonSessionId, startedAt: recordings.startedAt, endedAt: recordings.endedAt, durationMs: recordings.durationMs })
      .from(recordings)
      .where(running.length > 0 ? and(waiting, notInArray(recordings.id, [...running])) : waiting)
      .orderBy(asc(recordings.startedAt), asc(recordings.id))
      .limit(1);
    if (!row) return undefined;
    const tracks = await this.db.select().from(recordingTracks).where(eq(recordingTracks.recordingId, row.id)).orderBy(asc(recordingTracks.startedAt), asc(recordingTracks.id));
    return { ...row, tracks };
  }

  /** The job's progress (0–100) while it renders. */
  async setProgress(id: number, progress: number): Promise<void> {
    await this.db.update(recordings).set({ progress }).where(and(eq(recordings.id, id), eq(recordings.status, 'processing')));
  }

  async rendered(id: number, made: { durationMs: number; high: RenditionMade; low: RenditionMade }): Promise<void> {
    const { high, low } = made;
    await this.db
      .update(recordings)
      .set({
        status: 'ready',
        progress: 100,
        failure: null,
        durationMs: made.durationMs,
        highKey: high.key,
        highBytes: high.bytes,
        highBitrate: high.bitrate,
        lowKey: low.key,
        lowBytes: low.bytes,
        lowBitrate: low.bitrate,
      })
      .where(and(eq(recordings.id, id), eq(recordings.status, 'processing')));
  }

  async renderFailed(id: number, failure: RecordingFailure): Promise<void> {
    await this.db.update(recordings).set({ status: 'failed', failure }).where(and(eq(recordings.id, id), eq(recordings.status, 'processing')));
  }

  /**
   * Recordings that started before `before` and still have files: made (`ready`) or not (`failed`). A
   * recording still being written or rendered is left alone — its files are in use.
   */
  async expired(before: Date, limit = 500): Promise<ExpiredRecording[]> {
    const kept = ['recording', 'processing', 'deleted'] as const;
    return this.db
      .select({ id: recordings.id, lessonId: recordings.lessonSessionId })
      .from(recordings)
      .where(and(lt(recordings.startedAt, before), notInArray(recordings.status, [...kept])))
      .orderBy(asc(recordings.startedAt), asc(recordings.id))
      .limit(limit);
  }

  /** The recording's files are gone: the row (and its viewing evidence) stays, `deleted`. */
  async markDeleted(id: number, at: Date): Promise<void> {
    await this.db.update(recordings).set({ status: 'deleted', deletedAt: at, highKey: null, lowKey: null }).where(and(eq(recordings.id, id), notInArray(recordings.status, ['recording', 'processing', 'deleted'])));
  }
}
