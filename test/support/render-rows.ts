/**
 * What the render and retention tests need in the store: one lesson of one course, and recordings of it
 * with their tracks, written straight into the tables as the recorder (helper A's part) would leave them.
 * Track files are made with `ffmpeg -f lavfi` — VP8 or Opus in Matroska, one stream each, like the recorder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingStatus, RecordingTrackRole, RecordingTrackSource } from '../../shared/api/recordings.js';
import { openDatabase, type DatabaseHandle, type TongkeDb } from '../../server/db/store.js';
import { classrooms, courses, lessonSessions, recordings, recordingTracks, regions, schools, terms, users } from '../../server/db/schema/index.js';
import { DirectoryRecordingStore, trackKey } from '../../server/recordings/storage.js';
import { newTestStore } from './store.js';

export interface RenderWorld {
  db: TongkeDb;
  store: DirectoryRecordingStore;
  /** The store's root (a temporary directory). */
  dir: string;
  /** Where the database is (what `openDatabase` takes): a second node opens it too. */
  location: string;
  lessonId: number;
  courseId: number;
  /** A recording row of the lesson (status, instants as given). */
  addRecording(values: { status: RecordingStatus; startedAt: Date; durationMs?: number | null; endedAt?: Date | null }): Promise<number>;
  /** A track row, and (when `media` is given) its file made by FFmpeg; returns the track's store key. */
  addTrack(recordingId: number, values: TrackSpec): Promise<string>;
  close(): Promise<void>;
}

export interface TrackSpec {
  participantId: string;
  role: RecordingTrackRole;
  source: RecordingTrackSource;
  startedAt: Date;
  endedAt: Date | null;
  /** Seconds of synthetic media in the file; omitted: the row has no file. */
  seconds?: number;
  /** Keep only this fraction of the file's bytes: the recorder was killed mid-write. */
  truncateTo?: number;
}

const first = <T>(rows: readonly T[]): T => {
  if (rows[0] === undefined) throw new Error('the insert returned no row');
  return rows[0];
};

export async function createRenderWorld(): Promise<RenderWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-render-'));
  const location = await newTestStore(dir);
  const database: DatabaseHandle = await openDatabase(location.location);
  const db = database.db;
  const store = new DirectoryRecordingStore(join(dir, 'recordings'));
  const region = first(await db.insert(regions).values({ name: '示范县', code: 'demo' }).returning());
  const school = first(await db.insert(schools).values({ regionId: region.id, name: '城关第一小学', groupRole: 'member', locality: 'urban', stage: 'primary', studentCount: 1200 }).returning());
  const classroom = first(await db.insert(classrooms).values({ schoolId: school.id, name: '三年级(1)班', receiving: false }).returning());
  const teacher = first(await db.insert(users).values({ username: 'teacher', displayName: '王老师', passwordHash: null }).returning());
  const term = first(await db.insert(terms).values({ regionId: region.id, name: '本学期', startsOn: '2026-02-16', endsOn: '2026-07-10' }).returning());
  const course = first(
    await db.insert(courses).values({ termId: term.id, schoolId: school.id, name: '三年级音乐', subject: 'music', grade: 3, kind: 'delivered', leadTeacherId: teacher.id, hostClassroomId: classroom.id }).returning(),
  );
  const now = new Date();
  const lesson = first(await db.insert(lessonSessions).values({ courseId: course.id, startedBy: teacher.id, startedAt: now, lastHeartbeatAt: now }).returning());
  let trackNumber = 0;

  return {
    db,
    store,
    dir,
    location: location.location,
    lessonId: lesson.id,
    courseId: course.id,
    async addRecording(values) {
      const row = first(
        await db
          .insert(recordings)
          .values({ lessonSessionId: lesson.id, courseId: course.id, title: '三年级音乐 录像', status: values.status, startedAt: values.startedAt, endedAt: values.endedAt ?? null, durationMs: values.durationMs ?? null })
          .returning(),
      );
      return row.id;
    },
    async addTrack(recordingId, spec) {
      const key = trackKey(lesson.id, recordingId, ++trackNumber, spec.participantId, spec.source);
      const kind = spec.source === 'mic' ? 'audio' : 'video';
      if (spec.seconds !== undefined) {
        const path = await store.pathOf(key);
        makeTrackFile(path, kind, spec.seconds, trackNumber);
        if (spec.truncateTo !== undefined) truncate(path, spec.truncateTo);
      }
      await db.insert(recordingTracks).values({ recordingId, participantId: spec.participantId, siteName: spec.participantId, role: spec.role, source: spec.source, kind, fileKey: key, startedAt: spec.startedAt, endedAt: spec.endedAt });
      return key;
    },
    async close() {
      await database.close();
      await location.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A VP8 (test pattern with a running clock) or Opus (a tone) Matroska file of `seconds`, as the recorder writes. */
export function makeTrackFile(path: string, kind: 'audio' | 'video', seconds: number, n = 1): void {
  const args =
    kind === 'video'
      ? ['-f', 'lavfi', '-i', `testsrc=s=640x360:r=25:d=${seconds}`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k']
      : ['-f', 'lavfi', '-i', `sine=f=${300 + 100 * n}:d=${seconds}:sample_rate=48000`, '-ac', '2', '-c:a', 'libopus', '-b:a', '32k'];
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ffmpeg could not make a track file: ${made.stderr}`);
}

/** Cuts a file to a fraction of its bytes, as a recorder killed mid-write leaves it. */
function truncate(path: string, fraction: number): void {
  truncateSync(path, Math.floor(statSync(path).size * fraction));
}
