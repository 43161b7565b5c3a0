import { describe, expect, it } from 'vitest';
import { baseUrl, login, useBrowser, visible } from './browser.js';
import { courseIdOf } from './lesson-helpers.js';

/** 王老师's music reaches 石桥村教学点 and 杨柳村教学点 on Mondays and Wednesdays (server/seed/demo-data.ts). */
const TEACHER = 'teacher.wang';
const ROOM = 'room.shiqiao';

describe('materials pushed by the teaching plan (专递课堂 资源推送)', () => {
  const browser = useBrowser();

  it('the teacher attaches a link to her next music lesson; the receiving classroom sees it on its home, and its opening counts', async () => {
    const room = await browser.newUser();
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const courseId = await courseIdOf(room.page, 'music', 'receiving_classroom');

    // ---- 课件与资料 of her next lesson of that course, from her home's schedule ----
    const teacher = await browser.newUser();
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    const card = teacher.page.locator(`[data-testid="lesson-item"][data-course-id="${courseId}"]`).first();
    await (await visible(card.getByTestId('lesson-materials'))).click();
    await visible(teacher.page.getByTestId('materials-dialog'));
    // The test server's own page stands in for a recording elsewhere (the browser has no Internet here).
    const title = `示范录像 ${Date.now()}`;
    await teacher.page.getByTestId('material-title').fill(title);
    await teacher.page.getByTestId('material-url').fill(`${baseUrl()}/healthz`);
    await teacher.page.getByTestId('material-note').fill('课前预习');
    // Shown from a week before: the next lesson is at most a week away.
    await teacher.page.getByLabel('提前几小时显示').fill('168');
    await teacher.page.getByTestId('material-add').click();
    const item = teacher.page.getByTestId('material-item').filter({ hasText: title });
    await visible(item);
    expect(await item.getByTestId('material-figures').innerText()).toContain('0 个已打开');
    await teacher.page.keyboard.press('Escape');

    // ---- the classroom's home lists it (the server says it is in its window) and opens it ----
    await room.page.reload();
    const mine = room.page.getByTestId('my-material').filter({ hasText: title });
    await visible(mine);
    expect(await mine.innerText()).toContain('课前预习');
    const [tab] = await Promise.all([room.context.waitForEvent('page'), mine.getByTestId('my-material-open').click()]);
    await expect.poll(() => tab.url(), { timeout: 10_000 }).toContain('/healthz');

    // ---- the teacher sees the opening counted ----
    await card.getByTestId('lesson-materials').click();
    await expect.poll(async () => teacher.page.getByTestId('material-item').filter({ hasText: title }).getByTestId('material-figures').innerText(), { timeout: 10_000 }).toContain('1 个已打开');
  });
});
