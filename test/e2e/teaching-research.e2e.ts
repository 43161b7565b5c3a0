import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { UsageReport } from '../../shared/api/evidence-usage.js';
import type { MyObservations } from '../../shared/api/research-observations.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/store.js';
import { schools } from '../../server/db/schema/index.js';
import { DEFAULT_RUBRIC } from '../../server/research/rubrics/default-rubric.js';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { LessonSocket } from '../support/lesson-socket.js';
import { baseUrl, login, useBrowser, visible } from './browser.js';
import { consoleProblems, courseIdOf, tilesOf, waitForPicture, MEDIA_TIMEOUT_MS, startLesson, signInClassroom, joinLive } from './lesson-helpers.js';

const LEAD_SCHOOL = '青山县实验小学';
/** Her ratings: 优秀 everywhere but 教学方法 (良好, 80): 100 − 15 × 20 / 100 = 97 on the default rubric. */
const RATINGS: Record<string, number> = Object.fromEntries(DEFAULT_RUBRIC.dimensions.map((d) => [d.key, d.key === 'methods' ? 1 : 0]));
const EXPECTED_TOTAL = 97;

const mmss = (ms: number) => `${String(Math.floor(ms / 60_000)).padStart(2, '0')}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

/** 名师课堂 figures of two teachers in their school's usage report today, read as the school's admin. */
async function researchFigures(page: Page, schoolId: number): Promise<{ liObserved: number; wangReceived: number }> {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const response = await page.request.get('/api/reports/usage', { params: { scope: 'school', id: schoolId, from: today, to: today } });
  expect(response.status()).toBe(200);
  const teachers = ((await response.json()) as UsageReport).research?.teachers ?? [];
  const figuresOf = (name: string) => teachers.find((t) => t.name === name)?.figures;
  return { liObserved: figuresOf('李老师')?.lessonsObserved ?? 0, wangReceived: figuresOf('王老师')?.observationsReceived ?? 0 };
}

/*
 * 听课评课 where users meet it: teacher.li (another teacher of the group) observes teacher.wang's live lesson
 * with both its receiving classrooms from her home page. She sees decoded video from the teacher and both
 * classrooms; the server refuses her socket a send transport and a producer; the classrooms get no tile for
 * her while the teacher sees 「1 人听课」; she writes two notes stamped with lesson time and submits a rating
 * on the county's rubric. After the lesson teacher.wang's review page shows both notes at their times and the
 * scores, and the school's report counts one observation made by teacher.li and one received by teacher.wang.
 */
describe('名师课堂: a colleague observes a live lesson, rates it, and the teacher reads the review', () => {
  const browser = useBrowser();
  let database: DatabaseHandle;
  let schoolId: number;
  beforeAll(async () => {
    database = await openDatabase(inject('dbPath'));
    schoolId = (await database.db.select({ id: schools.id }).from(schools).where(eq(schools.name, LEAD_SCHOOL)))[0]!.id;
  });
  afterAll(async () => database?.close());

  it('lets teacher.li observe, note and rate teacher.wang’s lesson, and counts it for both', { timeout: 300_000 }, async () => {
    const office = await browser.newUser();
    await login(office.page, 'school1');
    await office.page.waitForURL((url) => url.pathname === '/');
    const before = await researchFigures(office.page, schoolId);

    // ---- the lesson: teacher.wang and both receiving classrooms of her music course ----
    const shiqiao = await browser.newUser();
    await signInClassroom(shiqiao, 'room.shiqiao');
    const courseId = await courseIdOf(shiqiao.page, 'music', 'receiving_classroom');
    const teacher = await browser.newUser();
    await login(teacher.page, 'teacher.wang');
    await visible(teacher.page.getByTestId('home-teacher'));
    const teacherId = await startLesson(teacher.page, courseId);
    const shiqiaoId = await joinLive(shiqiao, courseId);
    const yangliu = await browser.newUser();
    await signInClassroom(yangliu, 'room.yangliu');
    const yangliuId = await joinLive(yangliu, courseId);

    // ---- teacher.li finds it on her home page and observes: the teacher and both classrooms, decoded ----
    const li = await browser.newUser();
    const problems = consoleProblems(li.page);
    await login(li.page, 'teacher.li');
    await visible(li.page.getByTestId('home-teacher'));
    const card = (await visible(li.page.getByTestId('observable-lesson'), 25_000)).filter({ hasText: '王老师' });
    await (await visible(card.getByTestId('observe-enter'))).click();
    await li.page.waitForURL((url) => url.pathname === `/observe/${courseId}`);
    for (const id of [teacherId, shiqiaoId, yangliuId]) await waitForPicture(li.page, id);
    await expect.poll(() => teacher.page.getByTestId('observer-count').innerText(), { timeout: 20_000 }).toContain('1 人听课');
    // She is no site: neither the classrooms nor the teacher get a tile for her.
    for (const page of [shiqiao.page, yangliu.page, teacher.page]) expect(await tilesOf(page, demoLogin('teacher.li').displayName).count()).toBe(0);

    // ---- two notes stamped with lesson time, and her rating submitted ----
    const input = await visible(li.page.getByTestId('note-input'));
    await expect.poll(() => input.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    await input.fill('情境导入：歌曲视频');
    await input.press('Enter');
    await visible(li.page.getByTestId('note-text').filter({ hasText: '情境导入：歌曲视频' }));
    await li.page.waitForTimeout(2_000);
    await input.fill('点名请杨柳村教学点学生演唱');
    await input.press('Enter');
    await visible(li.page.getByTestId('note-text').filter({ hasText: '点名请杨柳村教学点学生演唱' }));
    const stamps = (await li.page.getByTestId('note').evaluateAll((items) => items.map((item) => Number((item as unknown as { dataset: { atMs: string } }).dataset.atMs)))) as number[];
    expect(stamps).toHaveLength(2);
    expect(stamps[1]! - stamps[0]!).toBeGreaterThanOrEqual(1_500);

    await li.page.getByTestId('observe-form-tab').click();
    await visible(li.page.getByTestId('observation-form'));
    for (const [key, level] of Object.entries(RATINGS)) await li.page.getByTestId(`rubric-dimension-${key}`).locator('input[type="radio"]').nth(level).check();
    expect(await li.page.getByTestId('observation-form-total').innerText()).toContain(String(EXPECTED_TOTAL));
    await li.page.getByTestId('observation-form-comment').fill('远端关注到位，建议板书再大一些');
    await (await visible(li.page.getByTestId('observation-form-submit'))).click();
    await visible(li.page.getByTestId('observation-form-submitted'));

    // ---- her account's socket is receive-only: a send transport and a producer are refused ----
    const cookie = (await li.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const socket = new LessonSocket(baseUrl(), cookie, { origin: baseUrl() });
    try {
      await socket.connected();
      await socket.joinLesson(courseId);
      expect(await socket.ask('transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const recv = await socket.ask('transport:create', { direction: 'recv' });
      if (!recv.ok) throw new Error(`no receive transport for the observer: ${recv.error.code}`);
      const producer = await socket.ask('producer:create', {
        transportId: recv.data.id,
        kind: 'video',
        source: 'camera',
        rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
      });
      expect(producer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      socket.socket.disconnect();
    }

    // ---- 下课; teacher.wang's review: both notes at their lesson times, and the scores ----
    const mine = (await (await li.page.request.get('/api/observations/mine')).json()) as MyObservations;
    const observed = mine.items.find((item) => item.courseId === courseId && item.mode === 'live');
    expect(observed).toBeDefined();
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));

    await teacher.page.goto(`/reviews/${observed!.lessonSessionId}`);
    await visible(teacher.page.getByTestId('review-page'));
    expect(await (await visible(teacher.page.getByTestId('review-score-total'))).innerText()).toContain(String(EXPECTED_TOTAL));
    expect(await teacher.page.getByTestId('review-score-methods').innerText()).toContain('80');
    const notes = await teacher.page.getByTestId('review-note').allInnerTexts();
    expect(notes).toHaveLength(2);
    expect(notes.map((n) => n.slice(0, 5))).toEqual(stamps.map(mmss));
    expect(notes[0]).toContain('情境导入：歌曲视频');
    expect(notes[1]).toContain('点名请杨柳村教学点学生演唱');
    expect(await teacher.page.getByTestId('review-comment').innerText()).toContain('远端关注到位');

    // ---- the school's report: one lesson observed by teacher.li, one observation received by teacher.wang ----
    const after = await researchFigures(office.page, schoolId);
    expect(after).toEqual({ liObserved: before.liObserved + 1, wangReceived: before.wangReceived + 1 });
    expect(problems.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });
});
