import { spawnSync } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LessonReportList } from '../../shared/api/evidence-lesson.js';
import type { RecordingView } from '../../shared/api/recordings.js';
import { loadConfig } from '../../server/config.js';
import { hashPassword } from '../../server/accounts/passwords.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/store.js';
import { recordingTracks, recordings, regions, roleGrants, users } from '../../server/db/schema/index.js';
import { DirectoryRecordingStore } from '../../server/recordings/storage.js';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { DEMO_REGION } from '../../server/seed/demo-data.js';
import { login, useBrowser, visible, type BrowserUser } from './browser.js';
import { openAndPlay } from './replay-helpers.js';
import { consoleProblems, courseIdOf, tilesOf, startLesson, joinLive } from './lesson-helpers.js';

/** 王老师's grade-3 music reaches 石桥村教学点 (server/seed/demo-data.ts); student.chen is not in it. */
const TEACHER = 'teacher.wang';
const ROOM = 'room.shiqiao';
const LESSON_SECONDS = 30;
const OUTSIDER = { username: 'outsider.admin', password: 'outsider-admin-pass-1' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface Probe {
  streams: Array<{ codec_type: string }>;
  format: { duration: string };
}

/** What ffprobe says of a file: its streams and duration. */
function probe(path: string): Probe {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type:format=duration', '-of', 'json', path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffprobe failed on ${path}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Probe;
}

async function csrfOf(user: BrowserUser): Promise<string> {
  return ((await (await user.page.request.get('/api/auth/csrf')).json()) as { token: string }).token;
}

/** An administrator of another county (a region of her own), made straight in the database. */
async function outsiderAdmin(database: DatabaseHandle): Promise<void> {
  const db = database.db;
  const [region] = await db.insert(regions).values({ name: '远山县', code: 'e2e-yuanshan' }).returning({ id: regions.id });
  const [user] = await db
    .insert(users)
    .values({ username: OUTSIDER.username, displayName: '外县管理员', passwordHash: await hashPassword(OUTSIDER.password) })
    .returning({ id: users.id });
  await db.insert(roleGrants).values({ userId: user!.id, role: 'region_admin', regionId: region!.id });
}

/*
 * 录播 → 点播, where users meet it: a real lesson in Chromium (fake camera and microphone) with the teacher and
 * one classroom is recorded by the SFU, the render job makes it playable, the file holds one video and one
 * audio stream of the lesson's length, student.chen finds it in the library and plays it, her watching shows
 * in the county's usage export, and an administrator of another county gets 403.
 */
describe('recording a live lesson and watching it again', () => {
  const browser = useBrowser();
  let database: DatabaseHandle;
  let recordingsDir: string;
  beforeAll(async () => {
    const dbPath = inject('dbPath');
    database = await openDatabase(dbPath);
    recordingsDir = loadConfig({ TONGKE_DB_PATH: dbPath }).recordingsDir;
    await outsiderAdmin(database);
  });
  afterAll(async () => database?.close());

  it('records the lesson, makes it playable, and counts student.chen watching it', { timeout: 360_000 }, async () => {
    // ---- the teacher starts the lesson (her course leaves recording to her), the classroom joins ----
    const teacher = await browser.newUser();
    const teacherProblems = consoleProblems(teacher.page);
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    const courseId = await courseIdOf(teacher.page, 'music', 'lead_teacher');
    const policy = await teacher.page.request.get(`/api/courses/${courseId}/recording-policy`);
    expect(await policy.json()).toEqual({ policy: 'teacher_choice' });
    await startLesson(teacher.page, courseId);

    const room = await browser.newUser();
    await login(room.page, ROOM);
    await joinLive(room, courseId);
    await visible(tilesOf(teacher.page, demoLogin(ROOM).displayName));

    // ---- she presses 录制; every site shows 「录制中」 while the SFU records ----
    expect(await room.page.getByTestId('recording-indicator').count()).toBe(0);
    await (await visible(teacher.page.getByTestId('recording-toggle'))).click();
    const recordingSince = Date.now();
    for (const page of [teacher.page, room.page]) {
      await expect.poll(() => page.getByTestId('recording-indicator').getAttribute('data-state'), { timeout: 20_000 }).toBe('recording');
    }
    expect(await room.page.getByTestId('recording-indicator').textContent()).toContain('录制中');
    await sleep(LESSON_SECONDS * 1000 - (Date.now() - recordingSince));

    // ---- 下课: the recording stops with the lesson and the job makes it playable ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));
    const list = (await (await teacher.page.request.get('/api/reports/lessons')).json()) as LessonReportList;
    const lessonId = Math.max(...list.lessons.filter((l) => l.courseId === courseId).map((l) => l.lessonSessionId));
    const recordingOf = async (): Promise<RecordingView | undefined> => ((await (await teacher.page.request.get(`/api/lessons/${lessonId}/recordings`)).json()) as RecordingView[])[0];
    await expect.poll(async () => (await recordingOf())?.status, { timeout: 180_000, interval: 2_000 }).toBe('ready');
    const recording = (await recordingOf())!;

    // ---- the tracks as recorded (her camera and microphone), and the renditions: video + audio, 30 ± 3 s ----
    const [row] = await database.db.select().from(recordings).where(eq(recordings.id, recording.id));
    const store = new DirectoryRecordingStore(recordingsDir);
    const tracks = await database.db.select().from(recordingTracks).where(eq(recordingTracks.recordingId, recording.id));
    expect(tracks.map((t) => `${t.role}:${t.source}`).sort()).toEqual(['teacher:camera', 'teacher:mic']);
    for (const track of tracks) {
      const probed = probe(await store.pathOf(track.fileKey));
      expect(probed.streams.map((s) => s.codec_type)).toEqual([track.kind]);
      expect(Math.abs(Number(probed.format.duration) - LESSON_SECONDS)).toBeLessThanOrEqual(3);
    }
    for (const key of [row!.highKey!, row!.lowKey!]) {
      const probed = probe(await store.pathOf(key));
      expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      expect(Math.abs(Number(probed.format.duration) - LESSON_SECONDS)).toBeLessThanOrEqual(3);
    }

    // ---- the lesson report links to it; the teacher publishes it to the county ----
    await teacher.page.goto(`/reports/lessons/${lessonId}`);
    await visible(teacher.page.getByTestId('lesson-recordings'), 20_000);
    const published = await teacher.page.request.patch(`/api/recordings/${recording.id}`, { data: { visibility: 'region' }, headers: { 'x-csrf-token': await csrfOf(teacher) } });
    expect(published.status()).toBe(200);
    expect(teacherProblems.filter((line) => line.startsWith('pageerror'))).toEqual([]);

    // ---- student.chen opens it from the library and it plays ----
    const chen = await browser.newUser();
    await login(chen.page, 'student.chen');
    const { playback, pause } = await openAndPlay(chen.page, recording.title, recording.id);
    await expect.poll(async () => (await playback()).time, { timeout: 30_000 }).toBeGreaterThan(5);
    expect((await playback()).frames).toBeGreaterThan(25);
    // Pausing reports what she watched (the tracker also reports every 15 s).
    await pause();

    // ---- her watching is in the county's usage export (点播: the recordings watched) ----
    const county = await browser.newUser();
    await login(county.page, 'county');
    await county.page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const regionId = (await database.db.select({ id: regions.id }).from(regions).where(eq(regions.code, DEMO_REGION.code))).at(0)?.id;
    expect(regionId).toBeDefined();
    await expect
      .poll(
        async () => {
          const csv = await county.page.request.get(`/api/reports/usage?scope=region&id=${regionId}&format=csv&table=recordings`);
          return csv.ok() ? await csv.text() : `HTTP ${csv.status()}`;
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toContain(recording.title);

    // ---- an administrator of another county gets 403, never the file ----
    const outsider = await browser.newUser();
    await login(outsider.page, OUTSIDER.username, OUTSIDER.password);
    await outsider.page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await outsider.page.waitForURL((url) => !url.pathname.startsWith('/login'));
    expect((await outsider.page.request.get(`/api/recordings/${recording.id}`)).status()).toBe(403);
    const media = await outsider.page.request.get(`/api/recordings/${recording.id}/media/high`, { headers: { range: 'bytes=0-1023' } });
    expect(media.status()).toBe(403);
    expect(media.headers()['content-type']).toContain('application/json');
  });
});
