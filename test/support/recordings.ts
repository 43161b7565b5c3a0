import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { RecordingStatus, RecordingVisibility } from '../../shared/api/recordings.js';
import { lessonSessions, recordings } from '../../server/db/schema/index.js';
import { DirectoryRecordingStore, renditionKey } from '../../server/recordings/storage.js';
import type { OrganisationFixture } from './fixtures.js';

/*
 * Recordings for tests of the library and replay, made directly (rows with the schema, small MP4s with
 * FFmpeg's lavfi test sources), so that no test waits for a real lesson to be recorded and rendered.
 */

let sample: Promise<string> | undefined;
/** A 4-second 320×180 H.264/AAC MP4 (a test picture and a tone), made once per test file. */
export function sampleMp4(): Promise<string> {
  sample ??= (async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'tongke-mp4-')), 'sample.mp4');
    const run = spawnSync(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', '-y', path],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (run.status !== 0) throw new Error(`ffmpeg could not make the sample MP4: ${run.stderr?.toString()}`);
    return path;
  })();
  return sample;
}

/** A finished lesson session of the fixture course (40 minutes from `startedAt`). */
export async function finishedLesson(f: OrganisationFixture, startedAt = new Date('2026-09-07T01:00:00Z')): Promise<number> {
  const [session] = await f.db
    .insert(lessonSessions)
    .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: startedAt, endedAt: new Date(startedAt.getTime() + 40 * 60_000), endReason: 'ended_by_teacher' })
    .returning({ id: lessonSessions.id });
  return session!.id;
}

export interface RecordingOptions {
  lessonSessionId?: number;
  title?: string;
  status?: RecordingStatus;
  visibility?: RecordingVisibility | null;
  /** When it started (default: 5 minutes into the lesson) and how long it ran. */
  startedAt?: Date;
  durationMs?: number;
  /** Write both renditions' files (default true for a ready recording). */
  files?: boolean;
}

/** A recording of the fixture course (a ready one has both renditions on disk, copies of the sample MP4). */
export async function makeRecording(f: OrganisationFixture, options: RecordingOptions = {}): Promise<{ id: number; lessonSessionId: number; sizeBytes: number }> {
  const lessonSessionId = options.lessonSessionId ?? (await finishedLesson(f));
  const status = options.status ?? 'ready';
  const startedAt = options.startedAt ?? new Date(new Date('2026-09-07T01:05:00Z').getTime());
  const durationMs = options.durationMs ?? 30 * 60_000;
  const [row] = await f.db
    .insert(recordings)
    .values({
      lessonSessionId,
      courseId: f.ids.courseId,
      title: options.title ?? '三年级音乐 录像',
      status,
      progress: status === 'processing' ? 40 : status === 'ready' ? 100 : 0,
      startedBy: f.ids.users.teacher,
      startedAt,
      endedAt: status === 'recording' ? null : new Date(startedAt.getTime() + durationMs),
      durationMs: status === 'recording' ? null : durationMs,
      visibility: options.visibility ?? null,
      publishedAt: options.visibility ? new Date() : null,
    })
    .returning({ id: recordings.id });
  const id = row!.id;
  let sizeBytes = 0;
  if (status === 'ready' && options.files !== false) {
    const store = new DirectoryRecordingStore(f.t.config.recordingsDir);
    const source = await sampleMp4();
    for (const rendition of ['high', 'low'] as const) {
      const key = renditionKey(lessonSessionId, id, rendition);
      await copyFile(source, await store.pathOf(key));
      sizeBytes = (await store.sizeOf(key)) ?? 0;
    }
    await f.db
      .update(recordings)
      .set({ highKey: renditionKey(lessonSessionId, id, 'high'), highBytes: sizeBytes, highBitrate: 1_500_000, lowKey: renditionKey(lessonSessionId, id, 'low'), lowBytes: sizeBytes, lowBitrate: 380_000 })
      .where(eq(recordings.id, id));
  }
  return { id, lessonSessionId, sizeBytes };
}
