import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { EvaluationSection } from '../../shared/api/evaluation.js';
import { describe, expect, it } from 'vitest';
import type { SnapshotFile } from '../../shared/api/evaluation-review.js';
import { login, useBrowser, visible } from './browser.js';

/*
 * The county's self-evaluation with the demo, as issue #13 walks it: `county` fills in the resource template
 * Tongke gives her and imports it, sees the indicator table and the 差异系数 by stage, and submits 青山县's file
 * for the term; `city.reviewer` comments on the usage table and returns it, `county` sees the comment and
 * resubmits (version 2), `city.reviewer` approves and then `province.reviewer`. A school's data edited after
 * that changes the live file but not the frozen version, and the approved version's workbook parses back to the
 * snapshot's numbers, every section's.
 */
describe('the review chain in the browser', () => {
  const browser = useBrowser();

  /** Confirms the open dialog with its primary button. */
  const confirm = async (page: Page) => (await visible(page.locator('dialog .btn-primary'))).click();
  const state = (page: Page) => page.getByTestId('submission-state');

  /**
   * Fills the region's resource template (downloaded as the page's user) with `equipment` yuan of teaching
   * equipment for the first school part listed, and imports it through the page's import dialog.
   */
  async function importResources(page: Page, equipment: number): Promise<void> {
    const termId = Number(await (await visible(page.getByTestId('resources-term'))).inputValue());
    const regionId = new URL(page.url()).pathname.split('/')[2];
    const template = await page.request.get(`/api/evaluation/regions/${regionId}/terms/${termId}/resources/template.xlsx`);
    expect(template.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await template.body()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    let header = 0;
    let column = 0;
    sheet.eachRow((row, line) => {
      row.eachCell((cell, at) => {
        if (cell.text.startsWith('教学仪器设备值')) [header, column] = [line, at];
      });
    });
    expect(column, 'the template has an equipment-value column').toBeGreaterThan(0);
    sheet.getRow(header + 1).getCell(column).value = equipment;
    await page.getByTestId('resources-import').click();
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    await page.getByTestId('resources-file').setInputFiles({ name: '资源配置.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await page.getByTestId('resources-import-send').click();
    await visible(page.getByTestId('resources-imported'));
    await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
  }

  /** A section's figures by key, as frozen or as previewed. */
  const figuresOf = (sections: readonly EvaluationSection[], key: string) => new Map(sections.find((s) => s.key === key)!.figures.map((f) => [f.key, f.value]));

  it('county submits, the city returns with a comment, the county resubmits, the city and then the province approve', async () => {
    const county = await browser.newUser();
    await login(county.page, 'county');
    await (await visible(county.page.getByTestId('evaluation-card'))).click();
    await visible(county.page.getByTestId('eval-section-usage'));
    const countyPath = new URL(county.page.url()).pathname;

    // ---- resources: the template filled in and imported; the indicator table and the CV by stage change ----
    await county.page.getByTestId('evaluation-part-resources').click();
    await visible(county.page.getByTestId('resources-part'));
    const primaryCv = await (await visible(county.page.getByTestId('resources-cv-primary'))).innerText();
    await visible(county.page.getByTestId('resources-cv-junior'));
    await importResources(county.page, 9_000_000);
    await expect.poll(() => county.page.getByTestId('resources-cv-primary').innerText()).not.toBe(primaryCv);

    await county.page.goto(countyPath);
    await visible(county.page.getByTestId('eval-section-resources'));
    await county.page.getByTestId('evaluation-submit').click();
    await confirm(county.page);
    await visible(county.page.getByTestId('evaluation-notice'));
    expect(await (await visible(state(county.page))).innerText()).toContain('待地市复核');

    const city = await browser.newUser();
    await login(city.page, 'city.reviewer');
    await (await visible(city.page.getByTestId('review-open-青山县'))).click();
    await visible(city.page.getByTestId('review-submission'));
    // The demo checklist's evidence PDF is frozen with the version, and the reviewer can open it.
    const evidence = await visible(city.page.getByTestId('snapshot-attachment').first());
    const pdf = await city.page.request.get((await evidence.getAttribute('href'))!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
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

    // ---- a school's data edited after approval: the live file follows it, the frozen version does not ----
    const submissionId = Number(new URL(city.page.url()).pathname.split('/').pop());
    const version = async () => (await (await city.page.request.get(`/api/evaluation/submissions/${submissionId}/versions/2`)).json()) as SnapshotFile;
    const frozen = await version();
    const regionId = countyPath.split('/')[2];
    const preview = async () =>
      ((await (await county.page.request.get(`/api/evaluation/regions/${regionId}/preview?termId=${frozen.document.term.id}`)).json()) as { sections: EvaluationSection[] }).sections;
    expect(figuresOf(await preview(), 'resources')).toEqual(figuresOf(frozen.document.sections, 'resources'));
    await county.page.goto(`${countyPath}/resources`);
    await visible(county.page.getByTestId('resources-part'));
    await importResources(county.page, 20_000);
    expect(figuresOf(await preview(), 'resources')).not.toEqual(figuresOf(frozen.document.sections, 'resources'));
    const file = await version();
    expect(file).toEqual(frozen);

    // The approved version's workbook, downloaded as the reviewer, parses back to the snapshot's numbers.
    expect(await city.page.getByTestId('snapshot-hash').innerText()).toBe(file.sha256);
    const download = await city.page.request.get(`/api/evaluation/submissions/${submissionId}/versions/2?format=xlsx`);
    expect(download.status()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download.body()) as unknown as ArrayBuffer);
    const figures = new Map<string, unknown>();
    workbook.getWorksheet('指标汇总')!.eachRow((row, n) => n > 1 && figures.set(`${String(row.getCell(1).value)}/${String(row.getCell(2).value)}`, row.getCell(4).value ?? null));
    expect(file.document.sections.map((s) => s.key)).toEqual(['resources', 'satisfaction', 'checklist', 'exchange', 'usage']);
    for (const section of file.document.sections) {
      for (const figure of section.figures) expect(figures.get(`${section.title}/${figure.key}`), `${section.key}/${figure.key}`).toBe(figure.value);
    }
    const usage = file.document.sections.find((s) => s.key === 'usage')!;
    const schoolsTable = usage.tables.find((t) => t.key === 'schools')!;
    const sheet = workbook.getWorksheet(schoolsTable.title)!;
    const rows: unknown[][] = [];
    sheet.eachRow((row, n) => n > 1 && rows.push(schoolsTable.columns.map((_, i) => row.getCell(i + 1).value ?? null)));
    expect(rows).toEqual(schoolsTable.rows);
  });
});
