import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { login, useBrowser, visible } from './browser.js';
import { courseIdOf, participantIdOf, startLesson } from './lesson-helpers.js';

/** 王老师's grade-3 music is received by 石桥村教学点's classroom (server/seed/demo-data.ts). */
const TEACHER = 'teacher.wang';
const ROOM = 'room.shiqiao';
const ROOM_SCHOOL = '石桥村教学点';
const LESSON_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('usage evidence of a real lesson', () => {
  const browser = useBrowser();

  it('records a short lesson, lists both sites in its report, counts it for the county and exports it to Excel', async () => {
    // ---- the classroom's own music course (whatever weekday it is today) ----
    const room = await browser.newUser();
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const courseId = await courseIdOf(room.page, 'music', 'receiving_classroom');

    // ---- the lead teacher starts it, the classroom joins straight in ----
    const teacher = await browser.newUser();
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    await startLesson(teacher.page, courseId);
    const live = (await (await teacher.page.request.get('/api/lessons/live')).json()) as { lessons: Array<{ courseId: number; lessonSessionId: number }> };
    const lessonSessionId = live.lessons.find((l) => l.courseId === courseId)?.lessonSessionId;
    expect(lessonSessionId).toBeDefined();

    await room.page.goto(`/lesson/${courseId}?auto=1`);
    await participantIdOf(room.page);
    await sleep(LESSON_MS);

    // ---- 下课 ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await Promise.all([teacher, room].map((user) => visible(user.page.getByTestId('lesson-ended'))));

    // ---- the lesson's own report lists the teacher and the classroom, each with time online ----
    await teacher.page.goto(`/reports/lessons/${lessonSessionId}`);
    await visible(teacher.page.getByTestId('lesson-report-row'));
    const online = async (name: string) =>
      Number(await teacher.page.locator(`[data-testid="lesson-report-row"][data-user-name="${name}"]`).first().getAttribute('data-online-minutes'));
    await expect.poll(() => online(demoLogin(TEACHER).displayName), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => online(demoLogin(ROOM).displayName), { timeout: 15_000 }).toBeGreaterThan(0);

    // ---- the county's dashboard counts it (held: 20 s is below any delivered threshold) ----
    const county = await browser.newUser();
    await login(county.page, 'county');
    await visible(county.page.getByTestId('home-admin'));
    await county.page.getByTestId('admin-nav-reports').click();
    await visible(county.page.getByTestId('usage-dashboard'));
    const held = county.page.getByTestId('usage-held-total');
    await expect
      .poll(
        async () => {
          // The roll-up is written once the lesson's evidence is flushed: look again until it is.
          if (Number(await held.innerText()) < 1) await county.page.reload();
          return Number(await (await visible(held)).innerText());
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await county.page.getByTestId('usage-delivered-total').innerText()).toMatch(/^\d+$/);
    // The usage-equity figure per stage ("小学 0.412 · 初中 —"), not one county-wide 差异系数.
    expect(await county.page.getByTestId('indicator-cv').innerText()).toMatch(/^小学 (\d+(\.\d+)?|—) · 初中 (\d+(\.\d+)?|—)$/);

    // ---- 导出 Excel: the workbook opens, with the header row and the teaching point's row ----
    const [download] = await Promise.all([county.page.waitForEvent('download'), county.page.getByTestId('usage-export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['学校', '教育集团', '类型']);
    const heldColumn = header.indexOf('上线节数') + 1;
    expect(heldColumn).toBeGreaterThan(0);
    let pointHeld: unknown = null;
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === ROOM_SCHOOL) pointHeld = row.getCell(heldColumn).value;
    });
    expect(pointHeld).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
