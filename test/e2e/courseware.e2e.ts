import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { login, useBrowser, visible } from './browser.js';

/** Pixels of a canvas darker than light grey: a rendered slide's text and shapes, 0 on a blank canvas. */
function darkPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((element) => {
    // Runs in the page: the DOM types are not this (Node) file's.
    const c = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    if (c.width === 0 || c.height === 0) return 0;
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i]! < 160 && data[i + 1]! < 160 && data[i + 2]! < 160) dark++;
    return dark;
  });
}

const PPTX = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'courseware', 'slides.pptx'));

/*
 * The lead teacher's courseware where she keeps it: from her home she opens 课件, picks one of her courses and
 * uploads a PowerPoint deck. The upload shows its own progress (the link is slowed so the bar can be seen),
 * then the conversion's, and the deck ends up ready with its two pages. Needs LibreOffice (npm ci installs it).
 */
describe('courseware in the browser', () => {
  const browser = useBrowser();

  it('uploads a PPTX with a progress bar, shows it converted with its page count, and displays its pages', { timeout: 120_000 }, async () => {
    const { page } = await browser.newUser();
    await login(page, 'teacher.wang');
    await (await visible(page.getByTestId('teacher-courseware'))).click();
    await (await visible(page.getByTestId('courseware-course'))).first().click();
    await visible(page.getByTestId('courseware-upload'));

    // About 8 KB/s up: the 23 KB deck takes a few seconds, as a large deck would on a village link.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 8 * 1024 });
    await page.getByTestId('courseware-file').setInputFiles({ name: '春晓.pptx', mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', buffer: PPTX });
    const uploading = await visible(page.getByTestId('courseware-uploading'));
    expect(await uploading.getByRole('progressbar').count()).toBe(1);
    await uploading.waitFor({ state: 'detached', timeout: 30_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const row = page.getByTestId('courseware-row').filter({ hasText: '春晓.pptx' });
    // Converting: LibreOffice's stages as a bar (it takes a few seconds), then ready with the deck's pages.
    await visible(row.getByRole('progressbar'));
    await visible(page.locator('[data-testid="courseware-row"][data-status="ready"]').filter({ hasText: '春晓.pptx' }), 90_000);
    expect(await row.getByTestId('courseware-pages').innerText()).toBe('2 页');
    expect(await row.getByTestId('courseware-status').innerText()).toContain('可用');
    expect(await row.getByTestId('courseware-pdf').getAttribute('href')).toMatch(/^\/api\/courseware\/\d+\/document$/);

    // And it displays: the converted deck drawn by PDF.js (as every site will draw it), page 1 then page 2.
    await row.getByTestId('courseware-preview').click();
    const preview = await visible(page.getByTestId('courseware-preview-page'));
    await expect.poll(() => darkPixels(preview), { timeout: 20_000 }).toBeGreaterThan(50);
    await page.getByTestId('courseware-preview-next').click();
    await visible(page.locator('[data-testid="courseware-preview-page"][data-page="2"]'));
    await expect.poll(() => darkPixels(preview), { timeout: 20_000 }).toBeGreaterThan(50);
  });
});
