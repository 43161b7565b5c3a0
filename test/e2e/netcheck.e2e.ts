import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, useBrowser, visible, STEP_TIMEOUT_MS } from './browser.js';
import { consoleProblems, courseIdOf } from './lesson-helpers.js';

/*
 * The pre-join network check (issue #15) in a real Chromium against the real server on loopback: the
 * 石桥 teaching point's classroom opens its music lesson's pre-join page, runs the check and sees media
 * reach the server over UDP and over TCP (real ICE + DTLS to probe transports on the media ports), a round
 * trip and the verdict 良好; when the server refuses the probes it says 无法连接 and what to tell the admin.
 */

const ROOM = 'room.shiqiao';

async function openPreJoin(page: Page): Promise<void> {
  await login(page, ROOM);
  await visible(page.getByTestId('home-classroom'));
  // The classroom's home offers the same check, to test the link well ahead of a lesson.
  await visible(page.getByTestId('netcheck'));
  const courseId = await courseIdOf(page, 'music', 'receiving_classroom');
  await page.goto(`/lesson/${courseId}`);
  await visible(page.getByTestId('netcheck'));
}

/** Runs the check and waits (bounded: it runs in seconds) for its verdict. */
async function runCheck(page: Page): Promise<string> {
  await page.getByTestId('netcheck-run').click();
  const verdict = await visible(page.getByTestId('netcheck-verdict'), STEP_TIMEOUT_MS);
  return (await verdict.getAttribute('data-verdict')) ?? '';
}

describe('the pre-join network check', () => {
  const browser = useBrowser();

  it('shows a classroom that media reaches the server over UDP and TCP, the round trip, and 良好', async () => {
    const room = await browser.newUser();
    const problems = consoleProblems(room.page);
    await openPreJoin(room.page);
    const started = Date.now();
    expect(await runCheck(room.page)).toBe('good');
    // "It runs in seconds": a generous bound on loopback (two probes, five pings, two samples).
    expect(Date.now() - started).toBeLessThan(15_000);

    const stepText = (step: string) => room.page.getByTestId(`netcheck-${step}`).innerText();
    expect(await stepText('udp')).toMatch(/可连通（\d+ 毫秒）/);
    expect(await stepText('tcp')).toMatch(/可连通（\d+ 毫秒）/);
    expect(await stepText('turn')).toContain('未检测');
    expect(await stepText('server')).toMatch(/往返延迟 \d+ 毫秒/);
    expect(await stepText('download')).toMatch(/约 [\d.]+ Mbit\/s/);
    expect(await room.page.getByTestId('netcheck-verdict').innerText()).toContain('良好');
    expect(await room.page.getByTestId('netcheck-advice').count()).toBe(0);
    expect(problems.filter((p) => p.includes('network check'))).toEqual([]);

    // It can be run again.
    expect(await runCheck(room.page)).toBe('good');
  });

  it('says 无法连接 and names the blocked ports for the network admin when no probe connects', async () => {
    const room = await browser.newUser();
    await openPreJoin(room.page);
    // The server refuses every probe, as it does when its media workers cannot take one.
    await room.page.route('**/api/netcheck/probes', (route) =>
      route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'conflict', message: '冲突' } }) }),
    );
    expect(await runCheck(room.page)).toBe('unreachable');
    expect(await room.page.getByTestId('netcheck-verdict').innerText()).toContain('无法连接');
    expect(await room.page.getByTestId('netcheck-udp').innerText()).toContain('不通');
    const advice = await room.page.getByTestId('netcheck-advice').innerText();
    expect(advice).toContain('请转告网络管理员');
    expect(advice).toMatch(/UDP 端口 \d+ 不通/);
    expect(advice).toMatch(/TCP 端口 \d+ 不通/);
  });
});
