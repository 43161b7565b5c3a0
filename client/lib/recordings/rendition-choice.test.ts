import { describe, expect, it } from 'vitest';
import type { RenditionView } from '../../../shared/api/recordings.js';
import { PROBE_BYTES, RenditionChooser, type Probe } from './rendition-choice.js';

const renditions: RenditionView[] = [
  { rendition: 'high', url: '/api/recordings/1/media/high', width: 1280, height: 720, bitrate: 1_500_000, sizeBytes: 100_000_000 },
  { rendition: 'low', url: '/api/recordings/1/media/low', width: 640, height: 360, bitrate: 380_000, sizeBytes: 20_000_000 },
];

/** A probe on a clock that advances as a link of `bitsPerSecond` would take to bring the bytes. */
function link(bitsPerSecond: number) {
  let clock = 0;
  const asked: string[] = [];
  const probe: Probe = async (url, bytes) => {
    asked.push(url);
    clock += ((bytes * 8) / bitsPerSecond) * 1000;
    return bytes;
  };
  return { chooser: new RenditionChooser(probe, () => clock), asked };
}

describe('RenditionChooser', () => {
  it("takes the browser's word for a slow link, or to save data, without fetching anything", async () => {
    const { chooser, asked } = link(100_000_000);
    expect(await chooser.choose(renditions, { effectiveType: '3g', downlink: 10 })).toBe('low');
    expect(await chooser.choose(renditions, { effectiveType: '4g', saveData: true })).toBe('low');
    expect(await chooser.choose(renditions, { effectiveType: '4g', downlink: 1.2 })).toBe('low');
    expect(await chooser.choose(renditions, { effectiveType: '4g', downlink: 10 })).toBe('high');
    expect(asked).toEqual([]);
  });

  it('measures the first bytes of the high rendition when the browser says nothing', async () => {
    const slow = link(800_000);
    expect(await slow.chooser.choose(renditions)).toBe('low');
    expect(slow.asked).toEqual(['/api/recordings/1/media/high']);
    const fast = link(20_000_000);
    expect(await fast.chooser.choose(renditions, {})).toBe('high');
    expect(await fast.chooser.measure('/x')).toBeCloseTo(20_000_000, -3);
  });

  it('plays the low rendition when the probe fails, and the only one there is', async () => {
    const failing = new RenditionChooser(async () => {
      throw new Error('network down');
    });
    expect(await failing.choose(renditions)).toBe('low');
    expect(await failing.choose([renditions[0]!])).toBe('high');
    expect(await failing.choose([])).toBeNull();
    expect(PROBE_BYTES).toBeGreaterThan(64 * 1024);
  });
});
