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

  it('runs every pass for one process alone', async () => {
    let ran = 0;
    const alone = new OncePerCluster(null);
    await Promise.all([alone.run('x', async () => void ran++), alone.run('x', async () => void ran++)]);
    expect(ran).toBe(2);
  });
});
