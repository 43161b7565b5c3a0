import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../client/lib/i18n/zh-CN.js';
import { ServerProcess } from '../support/server-process.js';
import { bodyText, launchBrowser, STEP_TIMEOUT_MS, visible } from './browser.js';

/**
 * First run as a visitor's browser sees it. These start their own servers (the suite's shared one listens on
 * loopback with the demo already seeded): one reachable beyond this machine with --demo, one empty.
 */
describe('first run in the browser', () => {
  let browser: Browser;
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  const tempDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongke-e2e-first-run-'));
    dirs.push(dir);
    return join(dir, 'tongke.db');
  };
  const page = async (server: ServerProcess) => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: server.baseUrl });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    return context.newPage();
  };

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every visitor of a reachable demo server, on the login page already, that anyone can sign in', async () => {
    const server = await ServerProcess.start(tempDb(), { TONGKE_HOST: '0.0.0.0' }, { args: ['--demo'] });
    servers.push(server);
    const visitor = await page(server);
    await visitor.goto('/login');
    const banner = await visible(visitor.getByTestId('demo-warning'));
    expect(await banner.innerText()).toContain('演示账号已启用');
  });

  it('creates the first administrator on /setup with the token from the log, then signs her in', async () => {
    const server = await ServerProcess.start(tempDb());
    servers.push(server);
    const token = (JSON.parse(await server.line((l) => l.includes('"setupToken"'))) as { setupToken: string }).setupToken;
    const operator = await page(server);
    await operator.goto('/login');
    expect(await operator.getByTestId('demo-warning').count()).toBe(0);
    await (await visible(operator.getByTestId('setup-hint'))).getByRole('link').click();
    await operator.getByLabel(zhCN.setup.token).fill(token);
    await operator.getByLabel(zhCN.setup.username).fill('principal');
    await operator.getByLabel(zhCN.setup.displayName).fill('王校长');
    await operator.getByLabel(zhCN.setup.password).fill('a long secret');
    await operator.getByRole('button', { name: zhCN.setup.submit }).click();
    await visible(operator.getByTestId('home-admin'));
    expect(await bodyText(operator)).toContain('王校长');
  });
});
