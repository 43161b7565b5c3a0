import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestApp } from '../../test/support/app.js';
import { anotherNode, clusterSettings, type OtherNode } from '../../test/support/cluster.js';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';

/** Guesses spread over several nodes must meet the same limits as guesses sent to one. */
describe('sign-in limits across nodes', () => {
  let redis: RedisServer;
  let nodes: Array<TestApp | OtherNode> = [];
  // A Redis each: the counts of one test would otherwise still hold in the next.
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const node of nodes.reverse()) await node.close();
    nodes = [];
    await redis.stop();
  });

  /** Two nodes on one store and one Redis, with these limits; a browser-like client on each. */
  async function twoNodes(limits: { loginRateLimit: number; loginAccountLimit: number }): Promise<[TestClient, TestClient]> {
    const a = await createTestApp({ ...clusterSettings(redis.url, 'node-a'), ...limits });
    nodes.push(a);
    const b = await anotherNode(a, 'node-b');
    nodes.push(b);
    return [new TestClient(a.app), new TestClient(b.app)];
  }

  it('counts attempts per user name on all nodes together', async () => {
    const [onA, onB] = await twoNodes({ loginRateLimit: 10_000, loginAccountLimit: 3 });
    for (const client of [onA, onB, onA]) expect((await client.login('someone', 'x-wrong')).statusCode).toBe(401);
    const refused = await onB.login('someone', 'x-wrong');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect((await onB.login('someone-else', 'x-wrong')).statusCode).toBe(401);
  });

  it('counts requests per address on all nodes together', async () => {
    const [onA, onB] = await twoNodes({ loginRateLimit: 3, loginAccountLimit: 10_000 });
    for (const [client, name] of [[onA, 'one'], [onB, 'two'], [onA, 'three']] as const) expect((await client.login(name, 'x-wrong')).statusCode).toBe(401);
    const refused = await onB.login('four', 'x-wrong');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
  });

  it('keeps sign-in working, still limited per account, while Redis is away', async () => {
    const [onA] = await twoNodes({ loginRateLimit: 10_000, loginAccountLimit: 2 });
    await onA.get('/api/auth/csrf');
    await redis.stop();
    try {
      for (let i = 0; i < 2; i++) expect((await onA.login('someone', 'x-wrong')).statusCode).toBe(401);
      expect((await onA.login('someone', 'x-wrong')).statusCode).toBe(429);
    } finally {
      redis = await startRedis({ port: redis.port });
    }
  });
});
