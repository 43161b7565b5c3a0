import { and, asc, eq, isNull, lt, notInArray, or } from 'drizzle-orm';
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

/** How long a render claim holds without a progress write (FFmpeg reports progress every second or so). */
export const RENDER_LEASE_MS = 5 * 60_000;

export interface RenderClaimOptions {
  /** This node (config.nodeId): what its claims carry. */
  nodeId: string;
  leaseMs?: number;
  now?: () => Date;
}

/**
 * The rows the render jobs and retention read and write. Rows `processing` are the render queue, oldest
 * first; every write of a job's outcome is conditional on the row still being `processing`, so a recording
 * deleted while it rendered stays deleted. Several nodes share the queue: a node renders only a recording it
 * claimed (`nextJob`).
 */
export class RenderRepository {
  readonly #nodeId: string;
  readonly #leaseMs: number;
  readonly #now: () => Date;

  constructor(
    private readonly db: TongkeDb,
    claims: RenderClaimOptions = { nodeId: 'this-node' },
  ) {
    this.#nodeId = claims.nodeId;
    this.#leaseMs = claims.leaseMs ?? RENDER_LEASE_MS;
    this.#now = claims.now ?? (() => new Date());
  }

  /**
   * Claims the oldest recording to render that is not one of `running` (already being rendered here) and no
   * other node holds a live claim on. The claim is one conditional UPDATE: of two nodes that pick the same row
   * at once, PostgreSQL lets one update it and re-checks the other's condition against the claimed row, which
   * no longer matches (SQLite has one writer at a time). A node may take back its own claims: after a restart,
   * what it was rendering is rendered again at once, as with one process alone.
   */
  async nextJob(running: readonly number[]): Promise<RenderJob | undefined> {
    const now = this.#now();
    const claimable = and(
      eq(recordings.status, 'processing'),
      running.length > 0 ? notInArray(recordings.id, [...running]) : undefined,
      or(isNull(recordings.renderLeaseUntil), lt(recordings.renderLeaseUntil, now), eq(recordings.renderNode, this.#nodeId)),
    );
    let row: { id: number; lessonId: number; startedAt: Date; endedAt: Date | null; durationMs: number | null } | undefined;
    // Another node may win the row between the look and the claim: then the next one is looked for.
    for (;;) {
      const [candidate] = await this.db.select({ id: recordings.id }).from(recordings).where(claimable).orderBy(asc(recordings.startedAt), asc(recordings.id)).limit(1);
      if (!candidate) return undefined;
      [row] = await this.db
        .update(recordings)
        .set({ renderNode: this.#nodeId, renderLeaseUntil: new Date(now.getTime() + this.#leaseMs) })
        .where(and(eq(recordings.id, candidate.id), claimable))
        .returning({ id: recordings.id, lessonId: recordings.lessonSessionId, startedAt: recordings.startedAt, endedAt: recordings.endedAt, durationMs: recordings.durationMs });
      if (row) break;
    }
    const tracks = await this.db.select().from(recordingTracks).where(eq(recordingTracks.recordingId, row.id)).orderBy(asc(recordingTracks.startedAt), asc(recordingTracks.id));
    return { ...row, tracks };
  }

  /** The job's progress (0–100) while it renders; it renews this node's claim. */
  async setProgress(id: number, progress: number): Promise<void> {
    const renderLeaseUntil = new Date(this.#now().getTime() + this.#leaseMs);
    await this.db.update(recordings).set({ progress, renderLeaseUntil }).where(and(eq(recordings.id, id), eq(recordings.status, 'processing'), eq(recordings.renderNode, this.#nodeId)));
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
