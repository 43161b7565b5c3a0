import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLog } from '../../test/support/cluster.js';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { OncePerCluster } from '../cluster/once-per-cluster.js';
import { closeRedis, openRedis } from '../cluster/redis.js';
import { RecordingRetention, type RetentionRows } from './retention.js';
import { DirectoryRecordingStore } from './storage.js';

/*
 * Every node keeps its own daily retention timer (issue #16); the sweep must still run once a day for the
 * cluster, not once per node. The timers here fire every few milliseconds on one Shanghai day.
 */

describe('recording retention on several nodes', () => {
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

  it("sweeps once a day though two nodes' timers fire many times that day, and again the next day", async () => {
    const sweeps: string[] = [];
    /** The rows as node `node` sees them: a sweep starts by asking for the expired recordings (none here). */
    const rowsOf = (node: string): RetentionRows => ({
      expired: async () => {
        sweeps.push(node);
        return [];
      },
      markDeleted: async () => undefined,
    });
    // Never written to: no recording is past retention here.
    const store = new DirectoryRecordingStore(join(tmpdir(), 'tongke-retention-unused'));
    let now = new Date('2026-11-30T01:00:00Z');
    const nodes = ['node-a', 'node-b'].map(
      (node) => new RecordingRetention(rowsOf(node), { days: 30, store, log: pino({ level: 'silent' }), now: () => now, everyMs: 10, oncePerCluster: new OncePerCluster(nodeConnection(node)) }),
    );
    try {
      for (const retention of nodes) retention.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sweeps).toHaveLength(1);
      // Past midnight in Shanghai: the first timer to fire sweeps, once.
      now = new Date('2026-11-30T16:30:00Z');
      await expect.poll(() => sweeps.length).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sweeps).toHaveLength(2);
    } finally {
      for (const retention of nodes) await retention.close();
    }
  });
});
