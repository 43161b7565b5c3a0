import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../../shared/time.js';
import { clipRanges, rangesLength, splitByDay, unionRanges } from './ranges.js';

describe('watched ranges', () => {
  it('keeps the union, so a part watched twice counts once', () => {
    const first = unionRanges([[0, 60]]);
    const again = unionRanges([...first, [30, 90], [0, 10]]);
    expect(again).toEqual([[0, 90]]);
    expect(rangesLength(again)).toBe(90);
  });

  it('joins touching parts and keeps gaps apart', () => {
    expect(unionRanges([[100, 120], [0, 10], [10, 20], [50, 50]])).toEqual([[0, 20], [100, 120]]);
  });

  it('cuts ranges to the recording: nothing before 0 or past the end counts', () => {
    expect(clipRanges([[-5, 10], [590, 700], [800, 900]], 600)).toEqual([[0, 10], [590, 600]]);
    expect(clipRanges([[5, 10]], null)).toEqual([[5, 10]]);
  });
});

describe('splitting watched seconds over Shanghai days', () => {
  it('puts a report within one day on that day', () => {
    const from = shanghaiInstant('2026-11-30', '10:00').getTime();
    expect(splitByDay(15, from, from + 15_000)).toEqual([{ day: '2026-11-30', seconds: 15 }]);
  });

  it('splits a report across midnight by the time on each side, in whole seconds that add up', () => {
    const from = shanghaiInstant('2026-11-29', '23:59').getTime() + 50_000; // 23:59:50
    const to = from + 30_000; // 00:00:20
    expect(splitByDay(30, from, to)).toEqual([
      { day: '2026-11-29', seconds: 10 },
      { day: '2026-11-30', seconds: 20 },
    ]);
    expect(splitByDay(7, from, to).reduce((sum, s) => sum + s.seconds, 0)).toBe(7);
  });

  it('gives nothing for nothing new', () => {
    expect(splitByDay(0, 0, 1000)).toEqual([]);
  });
});
