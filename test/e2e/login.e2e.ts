import { describe, expect, it } from 'vitest';
import { en } from '../../client/lib/i18n/en.js';
import { zhCN } from '../../client/lib/i18n/zh-CN.js';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { login, useBrowser, visible } from './browser.js';

/** Which home page each kind of demo account lands on after signing in. */
const HOMES: ReadonlyArray<{ username: string; home: string }> = [
  { username: 'admin', home: 'home-admin' },
  { username: 'county', home: 'home-admin' },
  { username: 'group1', home: 'home-admin' },
  { username: 'school1', home: 'home-admin' },
  { username: 'assistant.zhao', home: 'home-assistant' },
  { username: 'student.chen', home: 'home-student' },
];

describe('signing in', () => {
  const browser = useBrowser();

  for (const { username, home } of HOMES) {
    it(`takes ${username} (${demoLogin(username).role}) to ${home}, showing the name`, async () => {
      const { page } = await browser.newUser();
      await login(page, username);
      await visible(page.getByTestId(home));
      expect(await page.getByTestId('user-name').innerText()).toContain(demoLogin(username).displayName);
    });
  }

  it("shows 王老师 her lessons of today and the coming week", async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.wang');
    await visible(page.getByTestId('home-teacher'));
    await visible(page.getByTestId('lesson-item'));
    expect(await page.getByTestId('lesson-item').count()).toBeGreaterThanOrEqual(1);
  });

  it('shows the 石桥 receiving classroom its next lesson with a countdown and a join button', async () => {
    const { page } = await browser.newUser();
    await login(page, 'room.shiqiao');
    await visible(page.getByTestId('home-classroom'));
    await visible(page.getByTestId('join-button'));
    await visible(page.getByTestId('countdown'));
  });

  it('refuses a wrong password in Chinese and stays on the login page', async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.li', 'not-the-password');
    const error = await visible(page.getByTestId('login-error'));
    expect(await error.innerText()).toContain('用户名或密码不正确');
    expect(await page.getByTestId('home-teacher').count()).toBe(0);
  });

  it('switches the interface to English and back, keeping the choice after signing in', async () => {
    const { page } = await browser.newUser();
    await page.goto('/login');
    const submit = await visible(page.getByTestId('login-submit'));
    expect((await submit.innerText()).trim()).toBe(zhCN.login.submit);

    await page.getByTestId('locale-switch').click();
    await page.getByText(en.login.submit, { exact: true }).waitFor();
    expect((await submit.innerText()).trim()).toBe(en.login.submit);

    await login(page, 'teacher.li');
    await visible(page.getByTestId('home-teacher'));
    const logout = page.getByTestId('logout');
    expect((await logout.innerText()).trim()).toBe(en.nav.logout);

    await page.getByTestId('locale-switch').click();
    await page.getByText(zhCN.nav.logout, { exact: true }).waitFor();
    expect((await logout.innerText()).trim()).toBe(zhCN.nav.logout);
  });

  it('signs out back to the login page, and the session is gone', async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.li');
    await visible(page.getByTestId('home-teacher'));
    await page.getByTestId('logout').click();
    await visible(page.getByTestId('login-username'));
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.goto('/');
    await visible(page.getByTestId('login-username'));
    expect(await page.getByTestId('home-teacher').count()).toBe(0);
  });
});
