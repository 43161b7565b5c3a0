import { describe, expect, it } from 'vitest';
import type { LinkHealthReport, LinkHealthRow } from '../../../../shared/api/link-health.js';
import { ApiError } from '../../../lib/api.js';
import { LinkHealthBoard, poorLevel } from './link-health.svelte.js';
import { trendOption } from './trend-chart.js';

const row = (classroomId: number, poorPct: number): LinkHealthRow => ({
  classroomId,
  classroomName: '接收教室',
  schoolId: classroomId,
  schoolName: `教学点${classroomId}`,
  figures: { sampledMinutes: 80, poorPct, medianRttMs: 120, meanLossPct: 1, medianLossPct: 0.5, lessonDays: 2 },
  trend: [{ week: '2026-11-02', figures: { sampledMinutes: 80, poorPct, medianRttMs: 120, meanLossPct: 1, medianLossPct: 0.5, lessonDays: 2 } }],
});
const report = (rows: LinkHealthRow[]): LinkHealthReport => ({ scope: 'region', unit: { id: 1, name: '青山县' }, regionId: 1, from: '2026-09-01', to: '2026-11-30', termId: 1, terms: [], rows });

/** A report route whose answers the test releases in any order. */
function pending() {
  const waiting: Array<{ resolve: (r: LinkHealthReport) => void; reject: (e: unknown) => void }> = [];
  return { api: { report: () => new Promise<LinkHealthReport>((resolve, reject) => waiting.push({ resolve, reject })) }, waiting };
}

describe('the link health page state', () => {
  it('shows the worst classroom’s trend until another is chosen, and falls back when the chosen one is gone', async () => {
    const board = new LinkHealthBoard({ report: async () => report([row(7, 40), row(8, 3)]) });
    expect(board.selected).toBeNull();
    await board.load({ scope: 'region', id: 1 });
    expect(board.selected?.classroomId).toBe(7);
    board.select(8);
    expect(board.selected?.classroomId).toBe(8);
    board.select(99);
    expect(board.selected?.classroomId).toBe(7);
  });

  it('keeps the newest load’s report when an older one answers late, and says what failed', async () => {
    const { api, waiting } = pending();
    const board = new LinkHealthBoard(api);
    const first = board.load({ scope: 'region', id: 1 });
    const second = board.load({ scope: 'region', id: 1, termId: 2 });
    waiting[1]!.resolve(report([row(8, 3)]));
    waiting[0]!.resolve(report([row(7, 40)]));
    await Promise.all([first, second]);
    expect(board.report?.rows.map((r) => r.classroomId)).toEqual([8]);
    expect(board.loading).toBe(false);
    const failing = board.load({ scope: 'school', id: 5 });
    waiting[2]!.reject(new ApiError(403, 'forbidden', '无权查看'));
    await failing;
    expect(board.error?.code).toBe('forbidden');
  });

  it('reads a poor share as bad from 20 %, fair from 5 %', () => {
    expect([poorLevel(null), poorLevel(4.9), poorLevel(5), poorLevel(19.9), poorLevel(20)]).toEqual(['none', 'good', 'fair', 'fair', 'bad']);
  });

  it('charts the weekly poor share against the bad line, and the median round trip on its own axis', () => {
    const option = trendOption(row(7, 40), { poorPct: '较差占比', medianRtt: '时延', badLine: '需关注' }) as { series: Array<{ data: unknown[]; yAxisIndex?: number }>; xAxis: { data: string[] } };
    expect(option.xAxis.data).toEqual(['2026-11-02']);
    expect(option.series[0]!.data).toEqual([40]);
    expect(option.series[1]).toMatchObject({ data: [120], yAxisIndex: 1 });
  });
});
