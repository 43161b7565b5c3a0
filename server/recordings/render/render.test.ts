import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LOW_RENDITION_MAX_BITRATE } from '../../../shared/api/recordings.js';
import { recordings } from '../../db/schema/index.js';
import { createRenderWorld, type RenderWorld } from '../../../test/support/render-rows.js';
import { RecordingJobs } from './jobs.js';
import { RenderRepository } from './repository.js';

/*
 * The real thing on synthetic tracks: FFmpeg renders a 12-second lesson (teacher camera and microphone,
 * a screen share 4–8 s, a site on the stage 6–10 s whose camera file was cut short by a killed recorder),
 * after a first server was stopped in the middle of rendering it. Kept short: the suite runs on two cores.
 */

const silent = pino({ level: 'silent' });
const worlds: RenderWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function world(): Promise<RenderWorld> {
  const w = await createRenderWorld();
  worlds.push(w);
  return w;
}

const runner = (w: RenderWorld, ffmpegPath = 'ffmpeg') => new RecordingJobs(new RenderRepository(w.db), { store: w.store, ffmpegPath, concurrency: 1, log: silent, progressEveryMs: 0 });
const row = async (w: RenderWorld, id: number) => (await w.db.select().from(recordings).where(eq(recordings.id, id)))[0]!;

interface Probed {
  streams: Array<{ codec_type: string; codec_name: string; profile?: string; width?: number; height?: number; channels?: number; avg_frame_rate?: string }>;
  format: { duration: string; bit_rate: string };
}
function ffprobe(path: string): Probed {
  const out = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,profile,width,height,channels,avg_frame_rate:format=duration,bit_rate', '-of', 'json', path], { encoding: 'utf8' });
  return JSON.parse(out.stdout) as Probed;
}

/** FFmpeg processes still running on this recording's files (by their command line). */
function ffmpegsOn(folder: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes('ffmpeg') && cmdline.includes(folder);
      } catch {
        return false; // gone between listing and reading
      }
    })
    .map(Number);
}

describe('rendering a recording', () => {
  it('survives a server stop mid-render, then makes both renditions of the whole programme from the tracks (a truncated one included)', async () => {
    const w = await world();
    const t0 = new Date(Date.now() - 3_600_000);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const id = await w.addRecording({ status: 'processing', startedAt: t0, endedAt: at(12), durationMs: 12_000 });
    const trackKeys = [
      await w.addTrack(id, { participantId: 'teacher', role: 'teacher', source: 'camera', startedAt: at(0), endedAt: at(12), seconds: 12 }),
      await w.addTrack(id, { participantId: 'teacher', role: 'teacher', source: 'mic', startedAt: at(0), endedAt: at(12), seconds: 12 }),
      await w.addTrack(id, { participantId: 'teacher', role: 'teacher', source: 'screen', startedAt: at(4), endedAt: at(8), seconds: 4 }),
      // The stage site's recorder was killed: no end on its row, half its file.
      await w.addTrack(id, { participantId: 'site-2', role: 'stage', source: 'camera', startedAt: at(6), endedAt: null, seconds: 4, truncateTo: 0.5 }),
      await w.addTrack(id, { participantId: 'site-2', role: 'stage', source: 'mic', startedAt: at(6), endedAt: at(10), seconds: 4 }),
    ];
    const folder = (await w.store.pathOf(trackKeys[0]!)).replace(/\/tracks\/.*$/, '');

    // A first server starts rendering and is stopped once FFmpeg is under way.
    const first = runner(w);
    first.kick();
    const deadline = Date.now() + 30_000;
    while (!((first.progressOf(id) ?? 0) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(first.progressOf(id)).toBeGreaterThan(0);
    expect(ffmpegsOn(folder).length).toBe(1);
    await first.close();
    expect(ffmpegsOn(folder)).toEqual([]);
    expect((await row(w, id)).status).toBe('processing');

    // The next start renders it again, to the end.
    const second = runner(w);
    second.kick();
    await second.idle();
    await second.close();
    const done = await row(w, id);
    expect({ status: done.status, failure: done.failure, progress: done.progress, durationMs: done.durationMs }).toEqual({ status: 'ready', failure: null, progress: 100, durationMs: 12_000 });
    expect(done.highKey).toMatch(/\/high\.mp4$/);
    expect(done.lowKey).toMatch(/\/low\.mp4$/);

    const high = ffprobe(await w.store.pathOf(done.highKey!));
    const low = ffprobe(await w.store.pathOf(done.lowKey!));
    for (const probed of [high, low]) {
      expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      expect(Math.abs(Number(probed.format.duration) - 12)).toBeLessThanOrEqual(3);
    }
    const video = (p: Probed) => p.streams.find((s) => s.codec_type === 'video')!;
    const audio = (p: Probed) => p.streams.find((s) => s.codec_type === 'audio')!;
    expect(video(high)).toMatchObject({ codec_name: 'h264', profile: 'High', width: 1280, height: 720 });
    expect(audio(high)).toMatchObject({ codec_name: 'aac', channels: 2 });
    expect(video(low)).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    const [num, den] = video(low).avg_frame_rate!.split('/').map(Number);
    expect(num! / den!).toBeLessThanOrEqual(15);
    expect(audio(low)).toMatchObject({ codec_name: 'aac', channels: 1 });
    expect(Number(low.format.bit_rate)).toBeLessThanOrEqual(LOW_RENDITION_MAX_BITRATE);
    expect(done.lowBitrate).toBe(Number(low.format.bit_rate));
    expect(done.highBytes).toBe(await w.store.sizeOf(done.highKey!));
    expect(done.lowBytes).toBeGreaterThan(0);

    // +faststart: the index comes before the media, so a browser can start and seek before downloading it all.
    const head = readFileSync(await w.store.pathOf(done.highKey!)).subarray(0, 64 * 1024).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(-1);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));
    // The tracks are the original: kept.
    for (const key of trackKeys) expect(await w.store.sizeOf(key)).toBeGreaterThan(0);
  }, 120_000);

  it('says why a recording cannot be made playable: no tracks, files gone, or no FFmpeg', async () => {
    const w = await world();
    const t0 = new Date(Date.now() - 3_600_000);
    const noTracks = await w.addRecording({ status: 'processing', startedAt: t0, durationMs: 5_000 });
    const filesGone = await w.addRecording({ status: 'processing', startedAt: new Date(t0.getTime() + 1), durationMs: 5_000 });
    await w.addTrack(filesGone, { participantId: 'teacher', role: 'teacher', source: 'mic', startedAt: t0, endedAt: null });
    // A file of garbage (a disk error): no usable media in it.
    const unreadable = await w.addRecording({ status: 'processing', startedAt: new Date(t0.getTime() + 2), durationMs: 5_000 });
    const garbage = await w.addTrack(unreadable, { participantId: 'teacher', role: 'teacher', source: 'camera', startedAt: t0, endedAt: null });
    writeFileSync(await w.store.pathOf(garbage), Buffer.alloc(4096, 7));
    const jobs = runner(w);
    jobs.kick();
    await jobs.idle();
    await jobs.close();
    expect([(await row(w, noTracks)).failure, (await row(w, filesGone)).failure, (await row(w, unreadable)).failure]).toEqual(['no_media', 'files_missing', 'no_media']);
    expect((await row(w, noTracks)).status).toBe('failed');

    const withoutFfmpeg = await w.addRecording({ status: 'processing', startedAt: t0, durationMs: 2_000 });
    await w.addTrack(withoutFfmpeg, { participantId: 'teacher', role: 'teacher', source: 'mic', startedAt: t0, endedAt: null, seconds: 2 });
    const missing = runner(w, '/nonexistent/bin/ffmpeg');
    missing.kick();
    await missing.idle();
    await missing.close();
    expect(await row(w, withoutFfmpeg)).toMatchObject({ status: 'failed', failure: 'ffmpeg_missing' });
  }, 60_000);
});
