import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, TestClient } from '../../test/support/app.js';
import { anotherNode, clusterSettings, recordingLog } from '../../test/support/cluster.js';
import { startRedis, type RedisServer } from '../../test/support/redis-server.js';
import { hashPassword } from '../accounts/passwords.js';
import { hashToken } from '../accounts/repository.js';
import { RevocationNotifier, type SessionRevocation } from '../accounts/revocation.js';
import { users } from '../db/schema/index.js';
import { closeRedis, openRedis, REDIS_COMMAND_TIMEOUT_MS } from './redis.js';
import { ClusterRevocations, REVOCATIONS_CHANNEL } from './revocations.js';

const revocation = (userId: number, reason: SessionRevocation['reason'] = 'signed_out'): SessionRevocation => ({ userId, tokenHashes: [hashToken(`token of ${userId}`)], reason });

/** What one node is: its notifier (with everything it emitted), its Redis connection and what shares them. */
interface Node {
  notifier: RevocationNotifier;
  revoked: SessionRevocation[];
  log: ReturnType<typeof recordingLog>;
  shared: ClusterRevocations;
  close(): Promise<void>;
}

function node(url: string, nodeId: string): Node {
  const log = recordingLog();
  const notifier = new RevocationNotifier();
  const revoked: SessionRevocation[] = [];
  notifier.on('revoked', (r) => revoked.push(r));
  const redis = openRedis(url, log, { connectionName: `tongke:${nodeId}:app` });
  const shared = new ClusterRevocations(notifier, redis, log, nodeId);
  return {
    notifier,
    revoked,
    log,
    shared,
    async close() {
      await shared.close();
      await shared.close();
      await closeRedis(redis);
    },
  };
}

describe('revocations between nodes', () => {
  let server: RedisServer;
  let nodes: Node[] = [];
  beforeEach(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    for (const n of nodes) await n.close();
    nodes = [];
    await server.stop();
  });
  const started = async (...ids: string[]) => {
    const made = ids.map((id) => node(server.url, id));
    nodes.push(...made);
    await Promise.all(made.map((n) => n.shared.subscribed));
    return made;
  };

  it('reach every node exactly once: the announcing node acts on its own at once and not again', async () => {
    const [a, b, c] = await started('node-a', 'node-b', 'node-c');
    const signedOut = revocation(7);
    a!.notifier.announce(signedOut);
    expect(a!.revoked).toEqual([signedOut]);
    const deactivated = revocation(8, 'deactivated');
    c!.notifier.announce(deactivated);
    for (const n of [a!, b!, c!]) await vi.waitFor(() => expect(new Set(n.revoked)).toEqual(new Set([signedOut, deactivated])));
    // Both were published before B's next announcement: an echo to A or C would reach it before that one does.
    const last = revocation(9, 'roles_changed');
    b!.notifier.announce(last);
    for (const n of [a!, c!]) await vi.waitFor(() => expect(n.revoked.at(-1)).toEqual(last));
    for (const n of [a!, b!, c!]) expect(n.revoked).toHaveLength(3);
  });

  it('ignores, and logs, what is not a revocation on the channel', async () => {
    const [a, b] = await started('node-a', 'node-b');
    const publisher = new Redis(server.url);
    try {
      const valid = { from: 'someone', userId: 3, tokenHashes: [hashToken('t')], reason: 'signed_out' };
      const garbage = [
        'not json',
        '"a string"',
        JSON.stringify({ ...valid, userId: 'all' }),
        JSON.stringify({ ...valid, tokenHashes: [] }),
        JSON.stringify({ ...valid, tokenHashes: ['*'] }),
        JSON.stringify({ ...valid, reason: 'because' }),
        JSON.stringify({ ...valid, extra: true }),
      ];
      for (const text of garbage) await publisher.publish(REVOCATIONS_CHANNEL, text);
      await publisher.publish('tongke:something-else', JSON.stringify(valid));
      const announced = revocation(9);
      a!.notifier.announce(announced);
      await vi.waitFor(() => expect(b!.revoked).toEqual([announced]));
      expect(b!.log.lines.filter((line) => line.startsWith('warn: ignored'))).toHaveLength(garbage.length);
    } finally {
      publisher.disconnect();
    }
  });

  it('starts listening when Redis comes back, for a node started while it was away', async () => {
    const port = server.port;
    await server.stop();
    const [late] = [node(server.url, 'node-late')];
    nodes.push(late!);
    // Long enough for a SUBSCRIBE sent at start to have failed: joining in must not depend on Redis being back in time.
    await new Promise((resolve) => setTimeout(resolve, REDIS_COMMAND_TIMEOUT_MS + 500));
    server = await startRedis({ port });
    await vi.waitFor(() => late!.shared.subscribed, { timeout: 5_000 });
    const [other] = await started('node-other');
    const announced = revocation(10);
    other!.notifier.announce(announced);
    await vi.waitFor(() => expect(late!.revoked).toEqual([announced]), { timeout: 5_000 });
  });
});

describe('revocations between the nodes of the app', () => {
  it('a session ended on one node is revoked on the other', async () => {
    const server = await startRedis();
    const a = await createTestApp(clusterSettings(server.url, 'node-a'));
    const b = await anotherNode(a, 'node-b');
    const admin = new Redis(server.url);
    try {
      const user = (await a.database.db.insert(users).values({ username: 'pupil', displayName: 'pupil', passwordHash: await hashPassword('correct horse') }).returning())[0]!;
      const client = new TestClient(b.app);
      expect((await client.login('pupil', 'correct horse')).statusCode).toBe(200);
      const revokedOnB: SessionRevocation[] = [];
      b.app.tongke.accounts.revocations.on('revoked', (r) => revokedOnB.push(r));
      await vi.waitFor(async () => expect(await admin.pubsub('NUMSUB', REVOCATIONS_CHANNEL)).toEqual([REVOCATIONS_CHANNEL, 2]));
      await a.app.tongke.accounts.endSessionsOf(user.id, 'deactivated');
      await vi.waitFor(() => expect(revokedOnB).toEqual([{ userId: user.id, tokenHashes: [expect.stringMatching(/^[0-9a-f]{64}$/)], reason: 'deactivated' }]));
    } finally {
      admin.disconnect();
      await b.close();
      await a.close();
      await server.stop();
    }
  });
});
