import { spawnSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/store.js';
import { courseStudents, courses, lessonSessions, recordingViewings, recordings, users } from '../../server/db/schema/index.js';
import { DirectoryRecordingStore, renditionKey } from '../../server/recordings/storage.js';
import { login, useBrowser, visible } from './browser.js';
import { openAndPlay } from './replay-helpers.js';

const TITLE = '春天的歌（回放）';

/**
 * A recording of student.chen's course, as the render job leaves it: the row `ready` and both renditions on
 * disk (20 s H.264/AAC MP4s made with FFmpeg's test sources). The demo itself records nothing.
 */
async function recordingForChen(database: DatabaseHandle, recordingsDir: string): Promise<number> {
  const db = database.db;
  const [chen] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'student.chen')).limit(1);
  const [course] = await db
    .select({ id: courses.id, leadTeacherId: courses.leadTeacherId })
    .from(courseStudents)
    .innerJoin(courses, eq(courses.id, courseStudents.courseId))
    .where(eq(courseStudents.studentId, chen!.id))
    .limit(1);
  if (!course) throw new Error('the demo enrols student.chen in no course');
  const startedAt = new Date(Date.now() - 3 * 3_600_000);
  const endedAt = new Date(startedAt.getTime() + 40 * 60_000);
  const [lesson] = await db
    .insert(lessonSessions)
    .values({ courseId: course.id, startedBy: course.leadTeacherId, startedAt, lastHeartbeatAt: endedAt, endedAt, endReason: 'ended_by_teacher' })
    .returning({ id: lessonSessions.id });
  const [row] = await db
    .insert(recordings)
    .values({ lessonSessionId: lesson!.id, courseId: course.id, title: TITLE, status: 'processing', startedAt, endedAt, durationMs: 20_000 })
    .returning({ id: recordings.id });
  const id = row!.id;
  const store = new DirectoryRecordingStore(recordingsDir);
  const high = await store.pathOf(renditionKey(lesson!.id, id, 'high'));
  const made = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', '-y', high],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (made.status !== 0) throw new Error(`ffmpeg could not make the rendition: ${made.stderr?.toString()}`);
  const low = await store.pathOf(renditionKey(lesson!.id, id, 'low'));
  await copyFile(high, low);
  const bytes = (await store.sizeOf(renditionKey(lesson!.id, id, 'high'))) ?? 0;
  await db
    .update(recordings)
    .set({ status: 'ready', progress: 100, highKey: renditionKey(lesson!.id, id, 'high'), highBytes: bytes, highBitrate: 600_000, lowKey: renditionKey(lesson!.id, id, 'low'), lowBytes: bytes, lowBitrate: 600_000 })
    .where(eq(recordings.id, id));
  return id;
}

/*
 * 点播 in the browser: student.chen opens the library from her home, finds her course's recording, opens
 * it, and the <video> plays it — the picture decodes (frames counted by the browser) and time advances.
 */
describe('the recordings library in the browser', () => {
  const browser = useBrowser();
  let database: DatabaseHandle;
  let recordingId: number;
  beforeAll(async () => {
    const dbPath = inject('dbPath');
    database = await openDatabase(dbPath);
    recordingId = await recordingForChen(database, loadConfig({ TONGKE_DB_PATH: dbPath }).recordingsDir);
  });
  afterAll(async () => database?.close());

  it('lets student.chen open a recording from the library and play it', { timeout: 120_000 }, async () => {
    const { page } = await browser.newUser();
    await login(page, 'student.chen');
    const { playback, seek } = await openAndPlay(page, TITLE, recordingId);
    await expect.poll(async () => (await playback()).time, { timeout: 20_000 }).toBeGreaterThan(2);
    expect((await playback()).frames).toBeGreaterThan(10);

    // Seeking is a Range request: a chapter-less recording still seeks, and keeps playing from there.
    await seek(15);
    await expect.poll(async () => (await playback()).time, { timeout: 10_000 }).toBeGreaterThan(15.5);

    // Watching is evidence: the replay page started a viewing for her.
    const [chen] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, 'student.chen'));
    await expect.poll(async () => (await database.db.select().from(recordingViewings).where(eq(recordingViewings.userId, chen!.id))).length, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('lets teacher.wang publish her recording to the county from her own list', { timeout: 60_000 }, async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.wang');
    await (await visible(page.getByTestId('home-library'))).click();
    await (await visible(page.getByTestId('library-mine-link'))).click();
    const row = page.getByTestId('mine-item').filter({ hasText: TITLE });
    await visible(row);
    expect(await row.getByTestId('mine-status').innerText()).toBe('可观看');
    await row.getByTestId('mine-visibility').selectOption('region');
    await expect.poll(async () => (await database.db.select({ v: recordings.visibility }).from(recordings).where(eq(recordings.id, recordingId)))[0]?.v, { timeout: 10_000 }).toBe('region');
  });
});
