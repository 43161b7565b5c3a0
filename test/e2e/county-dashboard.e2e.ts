import { describe, expect, it } from 'vitest';
import type { IndicatorReport } from '../../shared/api/evidence-usage.js';
import { SHARED_MESSAGES } from '../../shared/i18n/index.js';
import { login, useBrowser, visible } from './browser.js';

/*
 * The county officer's dashboard on the laptop a county office has: 1366 × 768. The per-school table shows
 * all its columns (it fits, or scrolls sideways with the school column kept in view), the subject heatmap
 * names every subject and every school in full, and the routine-use headline (and the printed evidence)
 * says what it counts.
 */
describe('the county dashboard at 1366 × 768', () => {
  const browser = useBrowser();

  it('shows every column of the per-school table, every heatmap label, and a headline that says what it counts', async () => {
    const county = await browser.newUser();
    await county.page.setViewportSize({ width: 1366, height: 768 });
    await login(county.page, 'county');
    await visible(county.page.getByTestId('home-admin'));
    await county.page.getByTestId('admin-nav-reports').click();
    await visible(county.page.getByTestId('usage-dashboard'));
    await visible(county.page.getByTestId('usage-row'));

    // ---- the table: all columns visible, or a sideways scroll that keeps the school column in place ----
    const layout = await county.page.getByTestId('usage-table').evaluate((table) => {
      const wrap = table.parentElement!;
      const first = table.querySelector('tbody th[scope="row"]')!;
      return {
        scrollWidth: wrap.scrollWidth,
        clientWidth: wrap.clientWidth,
        firstColumnSticky: table.ownerDocument.defaultView!.getComputedStyle(first).position === 'sticky',
        headers: [...table.querySelectorAll('thead th')].map((th) => ({ text: th.textContent ?? '', width: th.getBoundingClientRect().width })),
        wrapRight: wrap.getBoundingClientRect().right,
        pageScrolls: table.ownerDocument.documentElement.scrollWidth > table.ownerDocument.documentElement.clientWidth,
      };
    });
    // Twelve live-lesson columns and 点播 (replay views/viewers/hours).
    expect(layout.headers).toHaveLength(13);
    expect(layout.pageScrolls, 'the page itself never scrolls sideways').toBe(false);
    // At 1366 px every column fits; on anything narrower the table scrolls with the school column kept in view.
    expect(layout.scrollWidth, JSON.stringify(layout)).toBeLessThanOrEqual(layout.clientWidth + 1);
    expect(layout.firstColumnSticky).toBe(true);
    for (const header of layout.headers) expect(header.width, header.text).toBeGreaterThan(20);
    // 调课/停课/临时 of each school in one compact cell, its meaning in the tooltip.
    expect(layout.headers.map((h) => h.text)).toContain('调课/停课/临时');
    const changes = county.page.getByTestId('usage-changes').first();
    expect(await changes.innerText()).toMatch(/^\d+\/\d+\/\d+$/);
    expect(await changes.getAttribute('title')).toMatch(/^调课 \d+ 节，停课 \d+ 节，临时上课 \d+ 节$/);

    // ---- the heatmap: every subject and every judged school, in full ----
    const regionId = Number(new URL(county.page.url()).searchParams.get('id'));
    const indicators = (await (await county.page.request.get(`/api/reports/indicators?regionId=${regionId}`)).json()) as IndicatorReport;
    const chart = county.page.getByTestId('usage-coverage-chart');
    await visible(chart.locator('svg text'));
    const labels = (await chart.locator('svg text').allTextContents()).map((text) => text.trim());
    const joined = labels.join('');
    for (const subject of indicators.matrix.subjects) expect(joined, `subject ${subject}`).toContain(SHARED_MESSAGES['zh-CN'].subject[subject]);
    for (const row of indicators.matrix.rows) expect(joined, `school ${row.schoolName}`).toContain(row.schoolName);
    expect(labels.filter((text) => text.endsWith('…') || text.endsWith('...'))).toEqual([]);

    // ---- the headline counts teaching points, and says so ----
    const points = indicators.summary.routineUseByKind.find((k) => k.groupRole === 'teaching_point')!;
    expect(points.schools).toBeGreaterThanOrEqual(6);
    expect(await county.page.getByTestId('usage-routine-use').innerText()).toBe(`教学点 ${points.routineUse}/${points.schools} 达标`);

    // ---- and the printed evidence (A4) repeats the same words, not a bare count ----
    await county.page.goto(`/reports/evidence/${regionId}`);
    expect(await (await visible(county.page.getByTestId('evidence-routine-use'))).innerText()).toBe(`教学点 ${points.routineUse}/${points.schools} 达标`);
  });
});
