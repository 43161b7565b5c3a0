import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { login, useBrowser, visible } from './browser.js';

/** The demo county's 13 school stage parts (server/seed/demo-resources.ts), 青石岭村小 short of one standard. */
const PARTS = 13;

describe('the resource indicators page', () => {
  const browser = useBrowser();

  it('shows the demo county by stage, refuses a bad import naming the row and column, imports a fixed one and exports', async () => {
    const { page } = await browser.newUser();
    await login(page, 'county');
    await visible(page.getByTestId('home-admin'));
    const regions = (await (await page.request.get('/api/regions')).json()) as Array<{ id: number; name: string }>;
    const regionId = regions.find((r) => r.name === '青山县')!.id;
    await page.goto(`/evaluation/${regionId}/resources`);

    // ---- the demo data: every part, all passing (青石岭村小 with 6 of 7), the CV tables of both stages ----
    await visible(page.getByTestId('resources-part'));
    expect(await page.getByTestId('resources-part').count()).toBe(PARTS);
    const row = (school: string) => page.getByTestId('resources-part').filter({ hasText: school });
    expect(await row('青石岭村小').getByTestId('resources-verdict').innerText()).toBe('达标');
    expect(await row('青石岭村小').innerText()).toContain('6/7');
    await visible(page.getByTestId('resources-cv-primary'));
    await visible(page.getByTestId('resources-cv-junior'));
    await visible(page.getByTestId('resources-chart-primary'));

    // ---- the template, filled in: a negative number first ----
    const termId = Number(await page.getByTestId('resources-term').inputValue());
    const template = await page.request.get(`/api/evaluation/regions/${regionId}/terms/${termId}/resources/template.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await template.body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    let longxi = 0;
    sheet.eachRow((r, line) => {
      if (r.getCell(1).text === '龙溪村教学点') longxi = line;
    });
    expect(longxi).toBeGreaterThan(1);
    sheet.getRow(longxi).getCell(8).value = -50;
    const upload = async () => {
      const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
      await page.getByTestId('resources-file').setInputFiles({ name: '资源配置.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
      await page.getByTestId('resources-import-send').click();
    };
    await page.getByTestId('resources-import').click();
    await upload();
    const errors = await visible(page.getByTestId('resources-import-errors'));
    expect(await errors.innerText()).toContain(`第 ${longxi} 行“体育运动场馆面积（平方米）”`);

    // ---- fixed: 50 m² for 9 pupils is 5.6 m² each, 74 % of 7.5 — 龙溪村教学点 now fails ----
    sheet.getRow(longxi).getCell(8).value = 50;
    await page.getByTestId('resources-file').setInputFiles([]);
    await upload();
    await visible(page.getByTestId('resources-imported'));
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
    await expect.poll(() => row('龙溪村教学点').getByTestId('resources-verdict').innerText()).toBe('未达标');

    // ---- 导出 Excel: the parts sheet lists every part ----
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('resources-export').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const exported = new ExcelJS.Workbook();
    await exported.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    expect(exported.worksheets[0]!.rowCount).toBe(PARTS + 1);
  });
});
