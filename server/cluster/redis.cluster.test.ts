import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { createTestApp } from '../../test/support/app.js';
import { recordingLog } from '../../test/support/cluster.js';
import { closeRedis, openRedis, REDIS_COMMAND_TIMEOUT_MS } from './redis.js';

/** The names of the connections Redis has open now. */
async function connectionNames(url: string): Promise<string[]> {
  const admin = new Redis(url);
  try {
    const list = (await admin.client('LIST')) as string;
    return [...list.matchAll(/ name=(\S*)/g)].map((match) => match[1]!).filter((name) => name !== '');
  } finally {
    admin.disconnect();
  }
}

describe("a node's Redis connection", () => {
  it('fails a command quickly and clearly while Redis is away, logs the outage once, and works again when Redis is back', async () => {
    let server = await startRedis();
    const log = recordingLog();
    const redis = openRedis(server.url, log, { connectionName: 'tongke:node-a:test' });
    try {
      expect(await redis.set('lesson', 'on')).toBe('OK');
      await server.stop();

      const asked = Date.now();
      // ioredis' defaults would keep the command for 20 reconnection attempts (10 s and more) before failing it.
      await expect(redis.get('lesson')).rejects.toThrow(/max retries per request|timed out/i);
      expect(Date.now() - asked).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 1_000);
      await expect(redis.get('lesson')).rejects.toThrow();
      expect(log.lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);

      server = await startRedis({ port: server.port });
      await vi.waitFor(() => expect(redis.status).toBe('ready'), { timeout: 10_000, interval: 100 });
      expect(await redis.set('lesson', 'again')).toBe('OK');
      expect(log.lines).toEqual([expect.stringMatching(/^error: Redis unreachable/), 'info: Redis reachable again']);
    } finally {
      await closeRedis(redis);
      await server.stop();
    }
  });

  it('names itself to Redis, and closes twice without complaint', async () => {
    const server = await startRedis();
    try {
      const redis = openRedis(server.url, recordingLog(), { connectionName: 'tongke:node-b:test' });
      await redis.ping();
      expect(await connectionNames(server.url)).toContain('tongke:node-b:test');
      await closeRedis(redis);
      await closeRedis(redis);
      expect(await connectionNames(server.url)).not.toContain('tongke:node-b:test');
    } finally {
      await server.stop();
    }
  });
});

describe("the app's Redis", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => server.stop());

  it('is one named connection while the app runs with TONGKE_REDIS_URL, closed with the app', async () => {
    const t = await createTestApp({ redisUrl: server.url, nodeId: 'node-a', sessionSecret: 'a-secret-all-nodes-share-0123456789' });
    try {
      expect(await t.app.tongke.redis?.ping()).toBe('PONG');
      expect((await connectionNames(server.url)).filter((name) => name === 'tongke:node-a:app')).toHaveLength(1);
    } finally {
      await t.close();
    }
    expect(await connectionNames(server.url)).not.toContain('tongke:node-a:app');
  });

  it('is not there for one process alone', async () => {
    const t = await createTestApp();
    try {
      expect(t.app.tongke.redis).toBeNull();
    } finally {
      await t.close();
    }
  });
});
