import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createRenderWorld, type RenderWorld } from '../../../test/support/render-rows.js';
import { openDatabase, type DatabaseHandle } from '../../db/store.js';
import { recordings } from '../../db/schema/index.js';
import { RecordingJobs, type Renderer } from './jobs.js';
import { RenderRepository } from './repository.js';

/*
 * Several nodes read one render queue (issue #16): each recording must be rendered by one of them, a claim
 * left by a node that died must lapse, and a node restarting takes its own claims back at once.
 */

const opened: Array<RenderWorld | DatabaseHandle> = [];
afterEach(async () => {
  for (const handle of opened.splice(0).reverse()) await handle.close();
});

/** The world, and a second connection to its store (another node's). */
async function twoNodes(): Promise<{ w: RenderWorld; other: DatabaseHandle }> {
  const w = await createRenderWorld();
  opened.push(w);
  const other = await openDatabase(w.location);
  opened.push(other);
  return { w, other };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe('render claims', () => {
  it('give each waiting recording to exactly one of two nodes claiming at the same time', async () => {
    const { w, other } = await twoNodes();
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await w.addRecording({ status: 'processing', startedAt: minutesAgo(60 - i), durationMs: 10_000 }));
    const nodes = [new RenderRepository(w.db, { nodeId: 'node-a' }), new RenderRepository(other.db, { nodeId: 'node-b' })];
    const claimed = new Map<string, number[]>([['node-a', []], ['node-b', []]]);
    // Each node claims one after another (as its job runner does), both at once.
    await Promise.all(
      nodes.map(async (repo, n) => {
        const mine = claimed.get(n === 0 ? 'node-a' : 'node-b')!;
        for (let job = await repo.nextJob(mine); job; job = await repo.nextJob(mine)) mine.push(job.id);
      }),
    );
    const all = [...claimed.get('node-a')!, ...claimed.get('node-b')!];
    expect(all.sort((a, b) => a - b)).toEqual(ids);
  });

  it("hands a dead node's claim to another node once it lapses, and a restarted node its own at once", async () => {
    const { w, other } = await twoNodes();
    const id = await w.addRecording({ status: 'processing', startedAt: minutesAgo(5), durationMs: 10_000 });
    let now = new Date();
    const clock = () => now;
    const a = new RenderRepository(w.db, { nodeId: 'node-a', leaseMs: 60_000, now: clock });
    const b = new RenderRepository(other.db, { nodeId: 'node-b', leaseMs: 60_000, now: clock });
    expect((await a.nextJob([]))?.id).toBe(id);
    expect(await b.nextJob([])).toBeUndefined();
    // Node A restarts: its runner has nothing running, and renders what it had claimed again.
    expect((await new RenderRepository(w.db, { nodeId: 'node-a', leaseMs: 60_000, now: clock }).nextJob([]))?.id).toBe(id);
    now = new Date(now.getTime() + 30_000);
    await a.setProgress(id, 40);
    // The progress write renewed the claim: a minute after the claim it still holds.
    now = new Date(now.getTime() + 45_000);
    expect(await b.nextJob([])).toBeUndefined();
    // Node A is gone: no more progress, and the claim lapses.
    now = new Date(now.getTime() + 60_000);
    expect((await b.nextJob([]))?.id).toBe(id);
    expect(await a.nextJob([id])).toBeUndefined();
  });

  it("renders a dead node's recording once its claim lapses, with no event on the node that takes it over", async () => {
    const { w, other } = await twoNodes();
    const id = await w.addRecording({ status: 'processing', startedAt: minutesAgo(5), durationMs: 10_000 });
    // Node A claims the recording and dies: nothing renews its claim.
    const claimedAt = Date.now();
    expect((await new RenderRepository(w.db, { nodeId: 'node-a', leaseMs: 400 }).nextJob([]))?.id).toBe(id);
    const renderedAt: number[] = [];
    const render: Renderer = async (job) => {
      renderedAt.push(Date.now());
      return { durationMs: 10_000, warnings: '', high: { key: `h/${job.id}.mp4`, bytes: 100, bitrate: 1_000_000 }, low: { key: `l/${job.id}.mp4`, bytes: 40, bitrate: 350_000 } };
    };
    const b = new RecordingJobs(new RenderRepository(other.db, { nodeId: 'node-b', leaseMs: 400 }), { store: w.store, ffmpegPath: 'ffmpeg', concurrency: 1, log: pino({ level: 'silent' }), render, lookEveryMs: 100 });
    try {
      // Node B starts while A's claim still holds, and no recording stops on B afterwards.
      b.start();
      await expect.poll(async () => (await w.db.select({ status: recordings.status }).from(recordings).where(eq(recordings.id, id)))[0]?.status, { timeout: 5_000 }).toBe('ready');
      expect(renderedAt).toHaveLength(1);
      expect(renderedAt[0]! - claimedAt).toBeGreaterThanOrEqual(400);
    } finally {
      await b.close();
    }
  });
});
