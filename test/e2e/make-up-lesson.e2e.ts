import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, useBrowser, visible } from './browser.js';
import { courseIdOf, participantIdOf, snapshot, MEDIA_TIMEOUT_MS } from './lesson-helpers.js';

/** 李老师's English reaches the primary group's teaching points, 杨柳村教学点 among them (server/seed/demo-data.ts). */
const TEACHER = 'teacher.li';
const ROOM = 'room.yangliu';
/** Homes re-read their lessons every 15 s (LESSONS_POLL_MS) and ask what is live every 10 s. */
const HOME_SEES_CHANGE_MS = 30_000;

/** A mark on the window: still there later means the page was not reloaded in between. */
// Strings, not functions: the test code is typed for Node, where there is no `window`.
const markPage = (page: Page) => page.evaluate('window.__notReloaded = true');
const stillSamePage = async (page: Page) => (await page.evaluate('window.__notReloaded === true')) === true;

describe('lessons outside the timetable: 临时上课 and 停课', () => {
  const browser = useBrowser();

  it('a teacher starts an extra lesson whatever the hour; the classroom home offers it live without a reload; a cancelled lesson shows 已停课', async () => {
    // ---- the receiving classroom's screen is already open ----
    const room = await browser.newUser();
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const courseId = await courseIdOf(room.page, 'english', 'receiving_classroom');
    await markPage(room.page);

    // ---- 临时上课: from the teacher's home, no timetable slot needed ----
    const teacher = await browser.newUser();
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    await teacher.page.getByTestId('ad-hoc-start').click();
    await visible(teacher.page.getByTestId('ad-hoc-form'));
    await teacher.page.getByTestId('ad-hoc-course').selectOption(String(courseId));
    await teacher.page.getByTestId('ad-hoc-submit').click();
    const start = await visible(teacher.page.getByTestId('prejoin-join'));
    await expect.poll(() => start.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    expect((await start.innerText()).trim()).toBe('开始上课');
    await start.click();
    await participantIdOf(teacher.page);

    // ---- the classroom's home offers it at once, as running, without being reloaded ----
    const join = room.page.getByTestId('join-button');
    await expect
      .poll(async () => (await join.getAttribute('data-course-id')) === String(courseId) && (await join.isEnabled()), { timeout: HOME_SEES_CHANGE_MS })
      .toBe(true);
    expect(await join.innerText()).toContain('立即加入');
    expect(await room.page.getByTestId('next-title').innerText()).toContain('正在上课');
    expect(await stillSamePage(room.page)).toBe(true);
    await snapshot(room.page, 'home-ad-hoc-live');

    // ---- 下课, then 停课 of the course's next timetabled lesson, with a reason ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(teacher.page.getByTestId('lesson-ended'));
    await teacher.page.goto('/');
    await visible(teacher.page.getByTestId('home-teacher'));
    const cancellable = teacher.page.locator(`[data-testid="lesson-item"][data-course-id="${courseId}"]`).filter({ has: teacher.page.getByTestId('lesson-cancel') }).first();
    const card = teacher.page.locator(`[data-testid="lesson-item"][data-lesson-id="${await (await visible(cancellable)).getAttribute('data-lesson-id')}"]`);
    await card.getByTestId('lesson-cancel').click();
    await teacher.page.getByTestId('lesson-change-reason').fill('全县教研活动');
    await teacher.page.getByTestId('lesson-change-submit').click();
    await visible(card.getByTestId('lesson-cancelled'));

    // ---- the classroom's home shows it as cancelled, with the reason, still without a reload ----
    const cancelled = room.page.getByTestId('lesson-cancelled');
    await visible(cancelled, HOME_SEES_CHANGE_MS);
    expect(await room.page.getByTestId('home-classroom').innerText()).toContain('全县教研活动');
    expect(await stillSamePage(room.page)).toBe(true);
    await snapshot(room.page, 'home-cancelled');
  });
});
