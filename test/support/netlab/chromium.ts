/**
 * Chromium for lab e2e tests: one browser per place — the test host itself, or inside a lab namespace
 * (started through a wrapper that runs `ip netns exec <ns> /usr/bin/chromium "$@"`, so Playwright's pipe
 * and the browser's own temporary --user-data-dir work as usual). Every browser treats the lab server's
 * http origin as secure, since it is not localhost and the lesson needs the camera.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, STEP_TIMEOUT_MS, type BrowserUser } from '../../e2e/browser.js';
import type { LabHost } from './lab.js';
import { PEER_CONNECTION_RECORDER } from './stats.js';

/** Launches Chromium on the test host (`host` null) or inside the lab host's namespace. */
export async function launchLabBrowser(host: LabHost | null, secureOrigin: string): Promise<{ browser: Browser; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-lab-chromium-'));
  let executablePath = CHROMIUM_PATH;
  if (host) {
    executablePath = join(dir, 'chromium-in-namespace');
    // `exec`: the process Playwright started (and later kills) is Chromium itself, not a shell around it.
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${host.namespace} ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  try {
    const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`] });
    return { browser, dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The browsers of one lab e2e file: `newUser(host)` gives a fresh signed-out context (zh-CN, Asia/Shanghai,
 * the lab server as base URL) in the browser of that place, launching it on first use. Each context
 * records its pages' RTCPeerConnections for `stats.ts`. `close()` ends every browser.
 */
/**
 * tsx, which runs the benchmarks, compiles with esbuild's keepNames: functions handed to page.evaluate from
 * there call a `__name` helper that only exists in Node. The page gets a harmless one (vitest does not need it).
 */
const KEEP_NAMES_HELPER = 'globalThis.__name ??= (fn) => fn;';

export class LabBrowsers {
  readonly #browsers = new Map<LabHost | null, Promise<{ browser: Browser; dir: string }>>();

  constructor(private readonly baseUrl: string) {}

  async newUser(host: LabHost | null = null): Promise<BrowserUser> {
    let launched = this.#browsers.get(host);
    if (!launched) {
      launched = launchLabBrowser(host, new URL(this.baseUrl).origin);
      this.#browsers.set(host, launched);
    }
    const { browser } = await launched;
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: this.baseUrl, viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    await context.addInitScript(KEEP_NAMES_HELPER);
    await context.addInitScript(PEER_CONNECTION_RECORDER);
    return { context, page: await context.newPage() };
  }

  async close(): Promise<void> {
    const launched = [...this.#browsers.values()];
    this.#browsers.clear();
    for (const result of await Promise.allSettled(launched)) {
      if (result.status !== 'fulfilled') continue;
      await result.value.browser.close();
      rmSync(result.value.dir, { recursive: true, force: true });
    }
  }
}
