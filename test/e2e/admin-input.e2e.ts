import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { zhCN } from '../../client/lib/i18n/zh-CN.js';
import { login, useBrowser, visible } from './browser.js';

/** What a school office really types and uploads: a Chinese user name, a CSV saved by Excel on Chinese Windows. */
describe('admin input in Chromium', () => {
  const browser = useBrowser();
  const suffix = Date.now().toString(36);

  it('answers a Chinese user name with a Chinese message beside the field', async () => {
    const { page } = await browser.newUser();
    await login(page, 'school1');
    await visible(page.getByTestId('home-admin'));
    await page.goto('/admin/users');
    // The school filter picks the new user's school, so the role is complete and the name reaches the server.
    await page.locator('form.toolbar select').first().selectOption({ index: 1 });
    await page.getByRole('button', { name: `+ ${zhCN.users.create}` }).click();
    const dialog = await visible(page.getByRole('dialog'));
    const usernameInput = dialog.getByLabel(zhCN.users.username);
    await usernameInput.fill('张三');
    await dialog.getByLabel(zhCN.users.displayName).fill('张三');
    await dialog.getByRole('button', { name: zhCN.common.save }).click();

    // Beside the user name: the message its input is described by.
    await page.waitForFunction((input) => (input?.getAttribute('aria-describedby') ?? '').includes('-error'), await usernameInput.elementHandle());
    const errorId = ((await usernameInput.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
    const message = await dialog.locator(`[id="${errorId}"]`).innerText();
    expect(message).toContain('用户名');
    expect(message).not.toMatch(/[A-Za-z]|\^|\$/);
  });

  it('imports a GBK CSV through the dialog, saying how it was read, with the Chinese names intact', async () => {
    const { page } = await browser.newUser();
    await login(page, 'school1');
    await visible(page.getByTestId('home-admin'));
    await page.goto('/admin/users');
    await page.getByRole('button', { name: zhCN.users.import }).click();
    const dialog = await visible(page.getByRole('dialog'));
    await dialog.getByLabel(zhCN.users.school).selectOption({ index: 1 });
    const csv = ['用户名,姓名,角色,年级,班级,送教上门', `gbk.${suffix},欧阳小雪,学生,3,三年级（1）班,是`, ''].join('\r\n');
    await dialog.locator('input[type=file]').setInputFiles({ name: '学生名单.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') });
    await dialog.getByRole('button', { name: zhCN.importer.check }).click();
    expect(await (await visible(page.getByTestId('import-encoding'))).innerText()).toContain('GBK');
    await dialog.getByRole('button', { name: zhCN.importer.run, exact: true }).click();
    await visible(dialog.getByText(zhCN.importer.done.replace('{{count}}', '1')));

    const found = await page.request.get(`/api/users?q=gbk.${suffix}`);
    expect((await found.json()).users.map((u: { displayName: string }) => u.displayName)).toEqual(['欧阳小雪']);
  });
});
