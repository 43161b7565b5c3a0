/**
 * Keeps the recording benchmark working: a quick run records the synthetic lesson through Tongke's
 * recorder and through bare FFmpeg, one and then two at once, against a real worker and real FFmpeg.
 * Assertions are on media actually being recorded and measured — never on CPU or timings.
 */
import { describe, expect, it } from 'vitest';

import { runRecording } from './recording.js';
import { formatResult } from './result.js';

describe('recording benchmark (quick mode)', () => {
  it('records the lesson with both recorders, counts their frames and reads an A/V offset from each', async () => {
    const result = await runRecording({ quick: true });
    expect(result).toMatchObject({ name: 'recording', parameters: { recordings: [1, 2] } });
    for (const figures of [result.figures, result.baseline]) {
      expect(figures.cpuSecondsPerRecordedHour).toBeGreaterThan(0);
      expect(figures.diskMbPerRecordedHour).toBeGreaterThan(0);
    }
    // Flashes and beeps were found in Tongke's track files and in its rendition, and paired. (Bare FFmpeg's
    // quick file ends before its audio is synced by a sender report, so it may have none to pair.)
    expect(Number.isFinite(result.figures.avOffsetMeanMs)).toBe(true);
    expect(Number.isFinite(result.figures.avOffsetRenditionMeanMs)).toBe(true);
    // Rendering the recording took real work and wrote both renditions.
    expect(result.figures.renderCpuSecondsPerRecordedHour).toBeGreaterThan(0);
    expect(result.figures.lowRenditionMbPerRecordedHour).toBeGreaterThan(0);
    expect(result.figures.highRenditionMbPerRecordedHour).toBeGreaterThan(result.figures.lowRenditionMbPerRecordedHour!);
    const sessions = result.steps.filter((s) => typeof s.recordings === 'number');
    expect(sessions.map((s) => [s.side, s.recordings])).toEqual(expect.arrayContaining([['tongke', 1], ['bare', 1]]));
    // Every recording step wrote video: a file with no frames counts as 100 % missing.
    for (const step of sessions) expect(step.maxMissingPct).toBeLessThan(100);
    expect(formatResult(result)).toContain('avOffsetMeanMs');
  }, 240_000);
});
