/**
 * The recording bench's measurements read real files: a flash/beep file whose audio is late by a known
 * amount must measure that offset, and a file with frames cut out must count them missing. Small files
 * (320×180, 8 s) made with FFmpeg here, so the test takes a few seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { FFMPEG, beepOnsets, countVideoFrames, flashOnsets, pairOffsets, runTool } from './ffmpeg.js';

const folder = mkdtempSync(join(tmpdir(), 'tongke-recording-measure-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** 8 s of a flash + beep every 2 s, the audio delayed by `audioLateMs`, the video without `dropFrames`. */
async function syncFile(name: string, audioLateMs: number, dropFrames: readonly [number, number] | null = null): Promise<string> {
  const file = join(folder, name);
  const drop = dropFrames ? `,select='not(between(n\\,${dropFrames[0]}\\,${dropFrames[1]}))'` : '';
  const { code, stderr } = await runTool(FFMPEG, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=320x180:r=25,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\\,2)\\,0.08)'${drop}`,
    '-f', 'lavfi', '-i', `aevalsrc='0.02*sin(2*PI*300*t)+if(lt(mod(t\\,2)\\,0.1)\\,0.8*sin(2*PI*1000*t)\\,0)':s=48000`,
    '-af', `adelay=${audioLateMs}`, '-t', '8',
    '-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', file,
  ]);
  if (code !== 0) throw new Error(stderr);
  return file;
}

describe('recording bench measurements', () => {
  it('reads the A/V offset a file really has: audio late by 120 ms measures about +120 ms, in sync about 0', async () => {
    const late = await syncFile('late.mkv', 120);
    const inSync = await syncFile('sync.mkv', 0);
    const offsetsOf = async (file: string) => pairOffsets(await flashOnsets(file), await beepOnsets(file), 2);
    const lateOffsets = await offsetsOf(late);
    const syncOffsets = await offsetsOf(inSync);
    // Flashes at 2, 4, 6 s (the one at 0 has no dark frame before it); the video clock ticks in 40 ms frames.
    expect(lateOffsets.length).toBeGreaterThanOrEqual(3);
    for (const offset of lateOffsets) expect(Math.abs(offset - 120)).toBeLessThan(25);
    for (const offset of syncOffsets) expect(Math.abs(offset)).toBeLessThan(25);
  }, 60_000);

  it('counts frames cut out of a recording as missing, and none in a whole one', async () => {
    const whole = await countVideoFrames(await syncFile('whole.mkv', 0), 25, 0);
    // 20 frames of 200 cut out in the middle: the timestamps keep the gap, so 10 % are missing.
    const cut = await countVideoFrames(await syncFile('cut.mkv', 0, [100, 119]), 25, 0);
    expect(whole.missingPct).toBeLessThan(1);
    expect(cut.frames).toBe(whole.frames - 20);
    expect(cut.missingPct).toBeGreaterThan(9);
    expect(cut.missingPct).toBeLessThan(11);
  }, 60_000);

  it('pairs each flash with the nearest beep within half a period, and leaves a lone flash out', () => {
    expect(pairOffsets([2, 4, 6], [2.03, 3.99, 9], 2).map(Math.round)).toEqual([30, -10]);
  });
});
