import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { recordingLog } from '../../test/support/cluster.js';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { OncePerCluster } from './once-per-cluster.js';
import { closeRedis, openRedis } from './redis.js';

/** A pass that runs until `finish()` is called. */
function heldPass(): { work: () => Promise<void>; started: boolean; finish: () => void } {
  let finish = () => undefined as void;
  const pass = {
    started: false,
    finish: () => finish(),
    work: () => {
      pass.started = true;
      return new Promise<void>((resolve) => (finish = resolve));
    },
  };
  return pass;
}

describe('a pass once per cluster', () => {
  let server: RedisServer;
  let connections: Redis[] = [];
  beforeEach(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    for (const redis of connections) await closeRedis(redis);
    connections = [];
    await server.stop();
  });
  const nodeConnection = (nodeId: string) => {
    const redis = openRedis(server.url, recordingLog(), { connectionName: `tongke:${nodeId}:app` });
    connections.push(redis);
    return redis;
  };

  it('runs on one node while another node runs it, and on the next one afterwards', async () => {
    const a = new OncePerCluster(nodeConnection('node-a'));
    const b = new OncePerCluster(nodeConnection('node-b'));
    const onA = heldPass();
    const runningOnA = a.run('evidence-retention', onA.work);
    await expect.poll(() => onA.started).toBe(true);
    let ranOnB = false;
    expect(await b.run('evidence-retention', async () => void (ranOnB = true))).toBe(false);
    expect(ranOnB).toBe(false);
    // Another pass is not held back by this one.
    expect(await b.run('recording-retention', async () => undefined)).toBe(true);
    onA.finish();
    expect(await runningOnA).toBe(true);
    expect(await b.run('evidence-retention', async () => void (ranOnB = true))).toBe(true);
    expect(ranOnB).toBe(true);
  });

  it('does not release a lock that expired and another node took', async () => {
    const redis = nodeConnection('node-a');
    const shortLived = new OncePerCluster(redis, 200);
    const other = new OncePerCluster(nodeConnection('node-b'));
    const slow = heldPass();
    const running = shortLived.run('recording-retention', slow.work);
    await expect.poll(() => slow.started).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const onB = heldPass();
    const runningOnB = other.run('recording-retention', onB.work);
    await expect.poll(() => onB.started).toBe(true);
    slow.finish();
    await running;
    // B still holds it: a third try is refused.
    expect(await shortLived.run('recording-retention', async () => undefined)).toBe(false);
    onB.finish();
    await runningOnB;
  });

  it('runs a daily pass once per Shanghai calendar day, however many nodes try it', async () => {
    const a = new OncePerCluster(nodeConnection('node-a'));
    const b = new OncePerCluster(nodeConnection('node-b'));
    const runs: string[] = [];
    const pass = (node: string) => async () => void runs.push(node);
    // 08:00 and 23:59 on Nov 30 in Shanghai: one day.
    const morning = new Date('2026-11-30T00:00:00Z');
    const lateEvening = new Date('2026-11-30T15:59:00Z');
    // Both nodes' timers fire at once, then again later the same day.
    const together = await Promise.all([a.runDaily('evidence-retention', morning, pass('a')), b.runDaily('evidence-retention', morning, pass('b'))]);
    expect(together.filter(Boolean)).toHaveLength(1);
    expect(await a.runDaily('evidence-retention', lateEvening, pass('a'))).toBe(false);
    expect(await b.runDaily('evidence-retention', lateEvening, pass('b'))).toBe(false);
    expect(runs).toHaveLength(1);
    // Another pass is its own: done today is not done for it.
    expect(await b.runDaily('recording-retention', morning, pass('b'))).toBe(true);
    // 00:01 in Shanghai is the next day (still Nov 30 in UTC): the pass runs again, once.
    const nextDay = new Date('2026-11-30T16:01:00Z');
    expect(await b.runDaily('evidence-retention', nextDay, pass('b'))).toBe(true);
    expect(await a.runDaily('evidence-retention', nextDay, pass('a'))).toBe(false);
    expect(runs).toHaveLength(3);
  });

  it('lets another node run a daily pass that failed, the same day', async () => {
    const a = new OncePerCluster(nodeConnection('node-a'));
    const b = new OncePerCluster(nodeConnection('node-b'));
    const day = new Date('2026-11-30T02:00:00Z');
    await expect(a.runDaily('recording-retention', day, async () => Promise.reject(new Error('the disk is gone')))).rejects.toThrow('the disk is gone');
    let ranOnB = 0;
    expect(await b.runDaily('recording-retention', day, async () => void ranOnB++)).toBe(true);
    expect(ranOnB).toBe(1);
    // Done now: A's next timer that day finds it so.
    expect(await a.runDaily('recording-retention', day, async () => void ranOnB++)).toBe(false);
    expect(ranOnB).toBe(1);
  });

  it('runs every pass for one process alone', async () => {
    let ran = 0;
    const alone = new OncePerCluster(null);
    await Promise.all([alone.run('x', async () => void ran++), alone.run('x', async () => void ran++)]);
    expect(ran).toBe(2);
    // Daily passes too: one process alone keeps its own timer's rhythm, as before there were nodes.
    const day = new Date('2026-11-30T02:00:00Z');
    expect(await alone.runDaily('x', day, async () => void ran++)).toBe(true);
    expect(await alone.runDaily('x', day, async () => void ran++)).toBe(true);
    expect(ran).toBe(4);
  });
});
