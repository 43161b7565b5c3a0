import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { leastLoaded, NodeDirectory, type NodeLoad } from './node-directory.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
/** A short lease, so that a death is seen within the test. */
const SHORT = { leaseMs: 400, renewEveryMs: 100 };

describe('the node directory in Redis', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(server.url);
    clients.push(redis);
    return redis;
  };

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await server?.stop();
  });

  it('lists each node with the load it renews; a node that stops renewing is dead once its lease runs out', async () => {
    let loadA: NodeLoad = { consumers: 120, lessons: 2 };
    const a = new NodeDirectory(client(), 'node-a', () => loadA, quiet, SHORT);
    const b = new NodeDirectory(client(), 'node-b', () => ({ consumers: 40, lessons: 1 }), quiet, SHORT);
    await a.start();
    await b.start();
    expect(a.holdsLease).toBe(true);
    const listed = await a.liveNodes();
    expect(listed.sort((x, y) => x.nodeId.localeCompare(y.nodeId))).toEqual([
      { nodeId: 'node-a', consumers: 120, lessons: 2 },
      { nodeId: 'node-b', consumers: 40, lessons: 1 },
    ]);
    expect(leastLoaded(listed)?.nodeId).toBe('node-b');
    // The next renewal carries the new load.
    loadA = { consumers: 10, lessons: 1 };
    await a.renew();
    expect(leastLoaded(await b.liveNodes())?.nodeId).toBe('node-a');

    // A node killed renews no more (one renewal, never started: as a process that died after it).
    const c = new NodeDirectory(client(), 'node-c', () => ({ consumers: 0, lessons: 0 }), quiet, SHORT);
    await c.renew();
    expect(await a.alive('node-c')).toBe(true);
    await expect.poll(() => a.alive('node-c'), { timeout: 2_000, interval: 50 }).toBe(false);
    // A graceful stop gives the lease up at once.
    await b.close();
    expect(await a.alive('node-b')).toBe(false);
    expect((await a.liveNodes()).map((n) => n.nodeId)).toEqual(['node-a']);
    await a.close();
  });

  it('counts a node whose value it cannot read as live with no load, not as dead', async () => {
    const redis = client();
    await redis.set('tongke:node:node-x', 'not json', 'PX', 5_000);
    const d = new NodeDirectory(client(), 'node-d', () => ({ consumers: 5, lessons: 0 }), quiet, SHORT);
    expect(await d.liveNodes()).toContainEqual({ nodeId: 'node-x', consumers: 0, lessons: 0 });
    await redis.del('tongke:node:node-x');
  });

  it('places on the fewest consumers, then the fewest lessons, then the lowest id, so every node agrees', () => {
    expect(leastLoaded([])).toBeUndefined();
    const nodes = [
      { nodeId: 'node-c', consumers: 10, lessons: 1 },
      { nodeId: 'node-b', consumers: 10, lessons: 1 },
      { nodeId: 'node-a', consumers: 10, lessons: 3 },
    ];
    expect(leastLoaded(nodes)?.nodeId).toBe('node-b');
    expect(leastLoaded([...nodes].reverse())?.nodeId).toBe('node-b');
  });
});
