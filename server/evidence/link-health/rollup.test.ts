import { describe, expect, it } from 'vitest';
import { shanghaiInstant } from '../../../shared/time.js';
import { computeLinkHealth, median, weightedMedian, type LinkSample } from './rollup.js';

const places = new Map([[7, { regionId: 1, groupId: 2, schoolId: 3 }]]);
const at = (day: string, time: string, seconds = 0) => shanghaiInstant(day, time).getTime() + seconds * 1000;
const sample = (sampledAt: number, rttMs: number | null, packetLossPct: number | null, participantId = 'room'): LinkSample => ({ participantId, classroomId: 7, sampledAt, rttMs, packetLossPct, consumerScore: null });

describe('a lesson’s link health by receiving classroom and day', () => {
  it('weighs each sample by the time to the next one, and counts poor time with the lesson report’s line', () => {
    const samples = [sample(at('2026-10-12', '09:00', 0), 700, 1), sample(at('2026-10-12', '09:00', 5), 100, 10), sample(at('2026-10-12', '09:00', 10), 100, 1), sample(at('2026-10-12', '09:00', 15), 120, 2)];
    const [row] = computeLinkHealth(samples, places);
    // 4 samples × 5 s; the first two are poor (round trip > 600 ms; loss > 8 %).
    expect(row).toEqual({ day: '2026-10-12', classroomId: 7, schoolId: 3, groupId: 2, regionId: 1, sampledSeconds: 20, poorSeconds: 10, samples: 4, rttSamples: 4, rttMedianMs: 110, lossSamples: 4, lossSumPct: 14, lossMedianPct: 1.5 });
  });

  it('does not count a gap in sampling as lesson time, and splits a lesson across Shanghai midnight', () => {
    const samples = [sample(at('2026-10-12', '23:59', 50), 100, 0), sample(at('2026-10-12', '23:59', 55), 100, 0), sample(at('2026-10-13', '00:00', 55), 900, 0)];
    const rows = computeLinkHealth(samples, places);
    expect(rows.map((r) => [r.day, r.sampledSeconds, r.poorSeconds])).toEqual([
      // 5 s, then a minute without samples: the sample before the gap stands for 15 s at most, not 60.
      ['2026-10-12', 20, 0],
      // The lesson's last sample stands for the gap before it, capped the same way.
      ['2026-10-13', 15, 15],
    ]);
  });

  it('gives a lone sample one sampling period, keeps sites apart, and leaves out classrooms without a place', () => {
    const rows = computeLinkHealth([sample(at('2026-10-12', '09:00'), 50, null, 'a'), sample(at('2026-10-12', '09:00', 1), 50, null, 'b'), { ...sample(at('2026-10-12', '09:00'), 50, 0), classroomId: 99 }], places);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sampledSeconds: 10, samples: 2, lossSamples: 0, lossMedianPct: null, rttMedianMs: 50 });
  });

  it('finds medians, and the sample-weighted median of medians', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(weightedMedian([{ value: 100, weight: 120 }, { value: 50, weight: 60 }])).toBe(100);
    expect(weightedMedian([{ value: 100, weight: 1 }, { value: 50, weight: 3 }])).toBe(50);
    expect(weightedMedian([{ value: 1, weight: 0 }])).toBeNull();
  });
});
