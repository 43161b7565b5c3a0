import { describe, expect, it } from 'vitest';
import { MINIMAL_PDF, PNG_BYTES } from '../../server/evaluation/attachments/sample-files.js';
import { login, useBrowser, visible } from './browser.js';

/*
 * The checklist and the exchange register where the county meets them: from her file page she opens the
 * government-guarantee item on school layout, marks it met (kept after a reload), attaches a PDF and sees a PNG
 * dressed as a PDF refused in Chinese; then she records a rotation and the exchanged share grows.
 */
describe('the self-evaluation checklist in the browser', () => {
  const browser = useBrowser();

  it('keeps a status, takes real evidence, refuses a disguised file, and counts a recorded rotation', async () => {
    const { page } = await browser.newUser();
    await login(page, 'county');
    await (await visible(page.getByTestId('evaluation-card'))).click();
    await (await visible(page.getByTestId('evaluation-part-checklist'))).click();
    const item = page.locator('[data-testid="checklist-item"][data-key="gov.layout"]');
    await visible(item);

    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/checklist/items/gov.layout') && r.request().method() === 'PUT'),
      item.getByTestId('checklist-status').selectOption('met'),
    ]);
    expect(saved.status()).toBe(200);
    await page.reload();
    expect(await (await visible(item.getByTestId('checklist-status'))).inputValue()).toBe('met');

    await item.getByTestId('checklist-upload').setInputFiles({ name: '学校布局规划.pdf', mimeType: 'application/pdf', buffer: MINIMAL_PDF });
    await visible(item.getByRole('link', { name: '学校布局规划.pdf' }));

    await item.getByTestId('checklist-upload').setInputFiles({ name: '伪装.pdf', mimeType: 'application/pdf', buffer: PNG_BYTES });
    const problem = await visible(page.getByTestId('evaluation-problem'));
    expect(await problem.innerText()).toContain('伪装.pdf');
    expect(await item.getByRole('link', { name: '伪装.pdf' }).count()).toBe(0);

    // ---- the exchange register: a rotation by name, between two schools of the county ----
    await page.getByTestId('evaluation-switch').click();
    await visible(page.getByTestId('evaluation-exchange'));
    const share = await (await visible(page.getByTestId('exchange-share'))).innerText();
    const rows = await page.getByTestId('exchange-table').locator('tbody tr').count();
    await page.getByTestId('exchange-add').click();
    const form = await visible(page.getByTestId('exchange-form'));
    await form.getByTestId('exchange-teacher').selectOption('');
    await form.getByLabel('教师姓名').fill('秦老师');
    const schools = form.locator('select[required]');
    await schools.nth(0).selectOption({ index: 1 });
    await schools.nth(1).selectOption({ index: 2 });
    await form.locator('input[type="date"]').first().fill('2026-09-01');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('exchange-table').locator('tbody tr').count()).toBe(rows + 1);
    await visible(page.getByTestId('exchange-table').getByText('秦老师'));
    await expect.poll(() => page.getByTestId('exchange-share').innerText()).not.toBe(share);
  });
});
