import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MyLessons } from '../../shared/api/teaching.js';
import { shanghaiDate, shanghaiTime } from '../../shared/time.js';
import { login, useBrowser, visible } from './browser.js';
import { courseIdOf, participantIdOf, snapshot, MEDIA_TIMEOUT_MS, joinOffered } from './lesson-helpers.js';

/** 李老师's English reaches the primary group's teaching points, 杨柳村教学点 among them (server/seed/demo-data.ts). */
const TEACHER = 'teacher.li';
const ROOM = 'room.yangliu';
/** Homes re-read their lessons every 15 s (LESSONS_POLL_MS) and ask what is live every 10 s. */
const HOME_SEES_CHANGE_MS = 30_000;

// A mark on the window: still there later means the page was not reloaded in between. (Strings, not
// functions: the test code is typed for Node, where there is no `window`.)
const markPage = (page: Page) => page.evaluate('window.__notReloaded = true');
const stillSamePage = async (page: Page) => (await page.evaluate('window.__notReloaded === true')) === true;

describe('lessons outside the timetable: 调课, 停课 and 临时上课', () => {
  const browser = useBrowser();

  it('a lesson moved to now waits for the teacher; cancelled it shows 已停课; an extra lesson started at any hour is offered live — all without a reload', async () => {
    // ---- the receiving classroom's screen is already open ----
    const room = await browser.newUser();
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const courseId = await courseIdOf(room.page, 'english', 'receiving_classroom');
    await markPage(room.page);

    const teacher = await browser.newUser();
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));

    // ---- 调课: the course's next lesson moved to right now (through the API, as the dialog sends it) ----
    const now = new Date();
    const later = new Date(now.getTime() + 30 * 60_000);
    const from = new Date(now.getTime() - 86_400_000).toISOString();
    const to = new Date(now.getTime() + 14 * 86_400_000).toISOString();
    const mine = (await (await teacher.page.request.get('/api/me/lessons', { params: { from, to } })).json()) as MyLessons;
    // The lesson in progress if the timetable has one now (moving another one to now would clash with it), else the next.
    const next = mine.lessons.find((l) => l.courseId === courseId && l.status === 'scheduled' && Date.parse(l.endsAt) > now.getTime());
    expect(next).toBeDefined();
    const csrf = ((await (await teacher.page.request.get('/api/auth/csrf')).json()) as { token: string }).token;
    const moved = await teacher.page.request.post(`/api/scheduled-lessons/${next!.id}/move`, {
      data: {
        date: shanghaiDate(now),
        startsAt: shanghaiTime(new Date(now.getTime() - 60_000)),
        endsAt: shanghaiDate(later) === shanghaiDate(now) ? shanghaiTime(later) : '23:59',
        reason: '提前上课',
      },
      headers: { 'x-csrf-token': csrf },
    });
    expect(moved.status(), await moved.text()).toBe(204);
    // Its hour has come, but the teacher has not started: the screen waits, it does not claim 正在上课.
    await expect.poll(() => room.page.getByTestId('next-title').innerText(), { timeout: HOME_SEES_CHANGE_MS }).toContain('等待老师开始上课');

    // ---- 停课 of that lesson from the teacher's home, with a reason ----
    await teacher.page.reload();
    const card = teacher.page.locator(`[data-testid="lesson-item"][data-lesson-id="${next!.id}"]`);
    await (await visible(card.getByTestId('lesson-cancel'))).click();
    await teacher.page.getByTestId('lesson-change-reason').fill('全县教研活动');
    await teacher.page.getByTestId('lesson-change-submit').click();
    await visible(card.getByTestId('lesson-cancelled'));
    await visible(room.page.getByTestId('lesson-cancelled'), HOME_SEES_CHANGE_MS);
    expect(await room.page.getByTestId('home-classroom').innerText()).toContain('全县教研活动');
    await snapshot(room.page, 'home-cancelled');

    // ---- 临时上课: from the teacher's home, no timetable slot needed ----
    await teacher.page.getByTestId('ad-hoc-start').click();
    await visible(teacher.page.getByTestId('ad-hoc-form'));
    await teacher.page.getByTestId('ad-hoc-course').selectOption(String(courseId));
    await teacher.page.getByTestId('ad-hoc-submit').click();
    const start = await visible(teacher.page.getByTestId('prejoin-join'));
    await expect.poll(() => start.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    expect((await start.innerText()).trim()).toBe('开始上课');
    await start.click();
    await participantIdOf(teacher.page);

    // ---- the classroom's home offers it at once, as running ----
    const join = await joinOffered(room.page, courseId, HOME_SEES_CHANGE_MS);
    expect(await join.innerText()).toContain('立即加入');
    expect(await room.page.getByTestId('next-title').innerText()).toContain('正在上课');
    expect(await stillSamePage(room.page)).toBe(true);
    await snapshot(room.page, 'home-ad-hoc-live');

    // ---- 下课 ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));
  });
});
