import { and, eq, isNull } from 'drizzle-orm';
import type { RecordingCut, RecordingPolicy, RecordingTrackRole, RecordingTrackSource } from '../../../shared/api/recordings.js';
import type { TongkeDb } from '../../db/store.js';
import { courses, recordingTracks, recordings } from '../../db/schema/index.js';
import { notFound } from '../../core/errors.js';

/** A track as the recorder starts it: whose producer, which file, from its first packet. */
export interface NewTrack {
  recordingId: number;
  participantId: string;
  siteName: string;
  role: RecordingTrackRole;
  source: RecordingTrackSource;
  kind: 'audio' | 'video';
  fileKey: string;
  startedAt: Date;
}

/** A recording this node left `recording` when it stopped without finishing it (a crash). */
export interface AbandonedRecording {
  id: number;
  lessonSessionId: number;
  startedAt: Date;
  openTracks: Array<{ id: number; fileKey: string; startedAt: Date }>;
}

/**
 * The rows the recorder writes while a lesson records: one `recordings` row per start–stop span and a
 * `recording_tracks` row per recorded producer span. Rendering, the library and viewing have their own.
 */
export class CaptureRepository {
  constructor(private readonly db: TongkeDb) {}

  /** The course's name (the recording's title) and its recording policy. */
  async courseRecording(courseId: number): Promise<{ name: string; policy: RecordingPolicy }> {
    const [course] = await this.db.select({ name: courses.name, policy: courses.recordingPolicy }).from(courses).where(eq(courses.id, courseId)).limit(1);
    if (!course) throw notFound();
    return course;
  }

  async createRecording(row: { lessonSessionId: number; courseId: number; title: string; nodeId: string; startedBy: number | null; startedAt: Date }): Promise<number> {
    const [created] = await this.db
      .insert(recordings)
      .values({ ...row, status: 'recording' })
      .returning({ id: recordings.id });
    return created!.id;
  }

  async addTrack(track: NewTrack): Promise<number> {
    const [created] = await this.db.insert(recordingTracks).values(track).returning({ id: recordingTracks.id });
    return created!.id;
  }

  async endTrack(trackId: number, endedAt: Date, sizeBytes: number | null): Promise<void> {
    await this.db.update(recordingTracks).set({ endedAt, sizeBytes }).where(and(eq(recordingTracks.id, trackId), isNull(recordingTracks.endedAt)));
  }

  /** The recording stopped: it waits for its playable files (`processing`). Only a `recording` row moves. */
  async finishRecording(recordingId: number, endedAt: Date, cut: RecordingCut | null): Promise<boolean> {
    const [row] = await this.db.select({ startedAt: recordings.startedAt }).from(recordings).where(eq(recordings.id, recordingId)).limit(1);
    if (!row) return false;
    const durationMs = Math.max(0, endedAt.getTime() - row.startedAt.getTime());
    const changed = await this.db
      .update(recordings)
      .set({ status: 'processing', endedAt, durationMs, cut, progress: 0 })
      .where(and(eq(recordings.id, recordingId), eq(recordings.status, 'recording')))
      .returning({ id: recordings.id });
    return changed.length > 0;
  }

  /** Recordings node `nodeId` left `recording`, with their tracks that never ended. */
  async abandoned(nodeId: string): Promise<AbandonedRecording[]> {
    const rows = await this.db
      .select({ id: recordings.id, lessonSessionId: recordings.lessonSessionId, startedAt: recordings.startedAt })
      .from(recordings)
      .where(and(eq(recordings.status, 'recording'), eq(recordings.nodeId, nodeId)));
    const found: AbandonedRecording[] = [];
    for (const row of rows) {
      const openTracks = await this.db
        .select({ id: recordingTracks.id, fileKey: recordingTracks.fileKey, startedAt: recordingTracks.startedAt })
        .from(recordingTracks)
        .where(and(eq(recordingTracks.recordingId, row.id), isNull(recordingTracks.endedAt)));
      found.push({ ...row, openTracks });
    }
    return found;
  }

  /** A recording's tracks (for tests and the recorder's own checks). */
  async tracksOf(recordingId: number) {
    return this.db.select().from(recordingTracks).where(eq(recordingTracks.recordingId, recordingId)).orderBy(recordingTracks.id);
  }

  async recording(recordingId: number) {
    const [row] = await this.db.select().from(recordings).where(eq(recordings.id, recordingId)).limit(1);
    return row ?? null;
  }
}
