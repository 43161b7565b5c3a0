import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { POOR_LINK_SCHOOL } from '../../server/seed/demo-link-health.js';
import { login, useBrowser, visible } from './browser.js';

/*
 * The county officer asks "which teaching points have bad links?" (issue #15). The e2e server's demo county
 * has a term of link health (server/seed/demo-link-health.ts): 杨柳村教学点 poor in ~40 % of lesson minutes.
 */
describe('link health per teaching point', () => {
  const browser = useBrowser();

  it('puts 杨柳村教学点 at the top with ~40 % poor, draws its trend, and downloads the table as Excel', async () => {
    const county = await browser.newUser();
    await login(county.page, 'county');
    await visible(county.page.getByTestId('home-admin'));
    await county.page.getByTestId('admin-nav-link-health').click();
    await visible(county.page.getByTestId('link-health-page'));
    await visible(county.page.getByTestId('link-health-row'));

    // ---- worst first ----
    const top = county.page.getByTestId('link-health-row').first();
    expect(await top.getByTestId('link-health-school').innerText()).toBe(POOR_LINK_SCHOOL);
    const poor = Number((await top.getByTestId('link-health-poor').innerText()).replace(/[^\d.]/g, ''));
    expect(poor).toBeGreaterThanOrEqual(35);
    expect(poor).toBeLessThanOrEqual(45);
    const others = await county.page.getByTestId('link-health-row').count();
    expect(others).toBeGreaterThan(1);
    expect(await county.page.getByRole('heading', { name: new RegExp(`${POOR_LINK_SCHOOL}.*每周网络状况`) }).count()).toBe(1);

    // ---- the trend chart is drawn (ECharts' canvas, sized) ----
    const canvas = await visible(county.page.getByTestId('link-health-chart').locator('canvas').first());
    const box = await canvas.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(100);

    // ---- 导出 Excel: the ranking reads back with 杨柳村教学点 first ----
    const [download] = await Promise.all([county.page.waitForEvent('download'), county.page.getByTestId('link-health-export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('网络较差的教学点');
    expect((sheet.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['排名', '学校/教学点', '接收教室', '上课分钟（有采样）']);
    expect(sheet.getRow(2).getCell(2).value).toBe(POOR_LINK_SCHOOL);
    expect(sheet.getRow(2).getCell(5).value).toBe(poor);
  });
});
