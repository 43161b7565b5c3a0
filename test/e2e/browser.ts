import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';

/** Debian's Chromium (scripts/ensure-chromium.mjs installs it); playwright-core downloads no browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
/** How long a step may wait for the page (a cold SPA load on a busy 2-core machine included). */
export const STEP_TIMEOUT_MS = 20_000;

/** The e2e server's address, provided by global-setup.ts. */
export const baseUrl = (): string => inject('baseUrl');

/** The suite's Chromium flags: a fake camera and microphone that never ask for permission, nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Chromium with a fake camera and microphone that never asks for permission. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/** One person at one browser: an isolated context (own cookies) with its page. */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
}

/**
 * Registers the suite's browser: launched once per file, a fresh context per user (locale zh-CN, as in the
 * county), every context closed after each test, and a screenshot of every open page saved to
 * test-results/ when a test fails (with the page's console errors beside it). `baseUrl`: where the pages are
 * (default: the suite's server; the several-nodes test gives its proxy's).
 */
export function useBrowser(options: { baseUrl?: () => string } = {}): { newUser(): Promise<BrowserUser> } {
  const siteUrl = options.baseUrl ?? baseUrl;
  let browser: Browser | undefined;
  const users: Array<BrowserUser & { messages: string[] }> = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterEach(async ({ task }) => {
    try {
      if (task.result?.state === 'fail') {
        mkdirSync(RESULTS_DIR, { recursive: true });
        const stem = `${basename(task.file?.name ?? 'e2e', '.e2e.ts')}-${task.name}`.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 120);
        for (const [index, user] of users.entries()) {
          if (user.page.isClosed()) continue;
          const file = join(RESULTS_DIR, `${stem}-${index + 1}`);
          await user.page.screenshot({ path: `${file}.png`, fullPage: true }).catch((error: unknown) => {
            console.error(`could not save a screenshot of ${user.page.url()}:`, error);
          });
          writeFileSync(`${file}.txt`, [`url: ${user.page.url()}`, ...user.messages].join('\n') + '\n');
        }
      }
    } finally {
      await Promise.all(users.splice(0).map((user) => user.context.close()));
    }
  });

  afterAll(async () => {
    await browser?.close();
  });

  return {
    async newUser() {
      if (!browser) throw new Error('useBrowser(): the browser is launched in beforeAll; call newUser() inside a test');
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: siteUrl(), viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      const messages: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') messages.push(`console.${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
      users.push({ context, page, messages });
      return { context, page };
    },
  };
}

/** Signs in through the login page as a demo account (all share DEMO_PASSWORD). */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Waits until the element is visible and returns it (playwright-core has no `expect`). */
export async function visible(locator: Locator, timeout = STEP_TIMEOUT_MS): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** The page's visible text, for language checks. */
export function bodyText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}
