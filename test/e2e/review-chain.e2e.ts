import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SnapshotFile } from '../../shared/api/evaluation-review.js';
import { login, useBrowser, visible } from './browser.js';

/*
 * The review chain with the demo: `county` submits 青山县's file for the term, `city.reviewer` comments on the
 * usage table and returns it, `county` sees the comment and resubmits (version 2), `city.reviewer` approves and
 * then `province.reviewer`;
 * the workbook of the approved version parses back to the snapshot's numbers.
 */
describe('the review chain in the browser', () => {
  const browser = useBrowser();

  /** Confirms the open dialog with its primary button. */
  const confirm = async (page: Page) => (await visible(page.locator('dialog .btn-primary'))).click();
  const state = (page: Page) => page.getByTestId('submission-state');

  it('county submits, the city returns with a comment, the county resubmits, the city and then the province approve', async () => {
    const county = await browser.newUser();
    await login(county.page, 'county');
    await (await visible(county.page.getByTestId('evaluation-card'))).click();
    await visible(county.page.getByTestId('eval-section-usage'));
    await county.page.getByTestId('evaluation-submit').click();
    await confirm(county.page);
    await visible(county.page.getByTestId('evaluation-notice'));
    expect(await (await visible(state(county.page))).innerText()).toContain('待地市复核');
    const countyPath = new URL(county.page.url()).pathname;

    const city = await browser.newUser();
    await login(city.page, 'city.reviewer');
    await (await visible(city.page.getByTestId('review-open-青山县'))).click();
    await visible(city.page.getByTestId('review-submission'));
    const schools = city.page.getByTestId('comments-usage-schools');
    await schools.getByTestId('comment-open').click();
    await schools.getByTestId('comment-input').fill('石桥村教学点的学生数与学籍不符，请核实。');
    await schools.getByTestId('comment-send').click();
    await visible(schools.getByText('石桥村教学点的学生数与学籍不符，请核实。'));
    await city.page.getByTestId('decision-comment').fill('请核实学生数后重新提交。');
    await city.page.getByTestId('decision-return').click();
    await visible(state(city.page).getByText('地市已退回'));

    await county.page.goto(countyPath);
    await visible(county.page.getByTestId('comments-usage-schools').getByText('石桥村教学点的学生数与学籍不符，请核实。'));
    expect(await (await visible(county.page.getByTestId('submission-history'))).innerText()).toContain('请核实学生数后重新提交。');
    await county.page.getByTestId('evaluation-submit').click();
    await confirm(county.page);
    await visible(county.page.getByTestId('evaluation-notice'));
    expect(await county.page.getByTestId('evaluation-notice').innerText()).toContain('第 2 版');

    await city.page.reload();
    await visible(city.page.getByTestId('review-decision'));
    await city.page.getByTestId('decision-approve').click();
    await confirm(city.page);
    await visible(state(city.page).getByText('地市已通过'));

    // The province reviewer finds it on her home page, waiting for her step, and approves it too.
    const province = await browser.newUser();
    await login(province.page, 'province.reviewer');
    await (await visible(province.page.getByTestId('review-open-青山县'))).click();
    await province.page.getByTestId('decision-approve').click();
    await confirm(province.page);
    await visible(state(province.page).getByText('省级已通过'));

    // The approved version's workbook, downloaded as the reviewer, parses back to the snapshot's numbers.
    const submissionId = Number(new URL(city.page.url()).pathname.split('/').pop());
    const file = (await (await city.page.request.get(`/api/evaluation/submissions/${submissionId}/versions/2`)).json()) as SnapshotFile;
    expect(await city.page.getByTestId('snapshot-hash').innerText()).toBe(file.sha256);
    const download = await city.page.request.get(`/api/evaluation/submissions/${submissionId}/versions/2?format=xlsx`);
    expect(download.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download.body()) as unknown as ArrayBuffer);
    const figures = new Map<string, unknown>();
    workbook.getWorksheet('指标汇总')!.eachRow((row, n) => n > 1 && figures.set(String(row.getCell(2).value), row.getCell(4).value ?? null));
    const usage = file.document.sections.find((s) => s.key === 'usage')!;
    expect(usage.figures.length).toBeGreaterThan(0);
    for (const figure of usage.figures) expect(figures.get(figure.key), figure.key).toBe(figure.value);
    const schoolsTable = usage.tables.find((t) => t.key === 'schools')!;
    const sheet = workbook.getWorksheet(schoolsTable.title)!;
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push(schoolsTable.columns.map((_, i) => row.getCell(i + 1).value ?? null)));
    expect(rows).toEqual(schoolsTable.rows);
  });
});
