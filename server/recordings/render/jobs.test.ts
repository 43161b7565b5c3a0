import { availableParallelism } from 'node:os';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { recordings } from '../../db/schema/index.js';
import { createRenderWorld, type RenderWorld } from '../../../test/support/render-rows.js';
import { RecordingJobs, type Renderer } from './jobs.js';
import { RenderFailed } from './process.js';
import { RenderRepository } from './repository.js';

/*
 * The job runner's queue on the real store, with a stand-in for FFmpeg where the test is about the queue
 * (order, how many at once, what a failure leaves): render.test.ts runs the real FFmpeg, restart included.
 */

const silent = pino({ level: 'silent' });
const worlds: RenderWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

const made = (id: number) => ({ durationMs: 10_000, warnings: '', high: { key: `h/${id}.mp4`, bytes: 100, bitrate: 1_000_000 }, low: { key: `l/${id}.mp4`, bytes: 40, bitrate: 350_000 } });

describe('RecordingJobs', () => {
  it('renders processing recordings oldest first, at most `concurrency` at once, and leaves other statuses alone', async () => {
    const w = await createRenderWorld();
    worlds.push(w);
    const base = Date.now() - 3_600_000;
    const ids: number[] = [];
    // Inserted newest first: the queue goes by when a recording started, not by id.
    for (const minutes of [30, 20, 10]) ids.push(await w.addRecording({ status: 'processing', startedAt: new Date(base + minutes * 60_000), durationMs: 10_000 }));
    const stillRecording = await w.addRecording({ status: 'recording', startedAt: new Date(base), durationMs: null });
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const render: Renderer = async (job, options) => {
      order.push(job.id);
      running++;
      most = Math.max(most, running);
      options.onProgress?.(42);
      await new Promise((r) => setTimeout(r, 50));
      running--;
      if (job.id === ids[1]) throw new RenderFailed('render_failed', 'ffmpeg exited with 1');
      return made(job.id);
    };
    const jobs = new RecordingJobs(new RenderRepository(w.db), { store: w.store, ffmpegPath: 'ffmpeg', concurrency: 2, log: silent, render, progressEveryMs: 0 });
    jobs.kick();
    jobs.kick();
    await jobs.idle();
    await jobs.close();
    expect(order).toEqual([ids[2], ids[1], ids[0]]);
    expect(most).toBe(Math.min(2, availableParallelism()));
    const rows = await Promise.all([...ids, stillRecording].map(async (id) => (await w.db.select().from(recordings).where(eq(recordings.id, id)))[0]!));
    expect(rows.map((r) => [r.status, r.failure, r.progress, r.lowBitrate])).toEqual([
      ['ready', null, 100, 350_000],
      ['failed', 'render_failed', 42, null],
      ['ready', null, 100, 350_000],
      ['recording', null, 0, null],
    ]);
  });

  it('never runs more renders than the machine has cores, and shows live progress while one runs', async () => {
    const w = await createRenderWorld();
    worlds.push(w);
    const id = await w.addRecording({ status: 'processing', startedAt: new Date(), durationMs: 10_000 });
    let release = () => undefined as void;
    const render: Renderer = async (job, options) => {
      options.onProgress?.(37);
      await new Promise<void>((r) => (release = r));
      return made(job.id);
    };
    const jobs = new RecordingJobs(new RenderRepository(w.db), { store: w.store, ffmpegPath: 'ffmpeg', concurrency: 64, log: silent, render, progressEveryMs: 60_000 });
    expect(jobs.concurrency).toBe(Math.min(64, availableParallelism()));
    jobs.kick();
    // 0 from the moment it is taken from the queue, then what the render reports.
    const deadline = Date.now() + 10_000;
    while (!jobs.progressOf(id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(jobs.progressOf(id)).toBe(37);
    // Written to the row at most every progressEveryMs: the first figure waits.
    expect((await w.db.select().from(recordings).where(eq(recordings.id, id)))[0]!.progress).toBe(0);
    release();
    await jobs.idle();
    expect(jobs.progressOf(id)).toBeUndefined();
    await jobs.close();
  });
});
