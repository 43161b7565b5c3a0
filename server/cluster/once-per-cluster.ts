/**
 * A scheduled pass (the daily retention sweeps) that one node at a time may run. Every node keeps its own
 * timer; when one fires, the node runs the pass only if it gets the pass's lock in the shared Redis, so two
 * nodes never delete the same rows and folders at once.
 *
 * Why Redis and not PostgreSQL's pg_try_advisory_lock: an advisory lock lives on one connection, held for the
 * whole pass, and the store hands out no connection of its own (only repositories reach the pool); the Redis
 * lock needs nothing but the app's connection. The lock is the documented single-instance pattern: SET NX PX
 * with a random token, released only by its holder (compare-and-delete in one Lua script). Its expiry is far
 * longer than any pass, and only matters when a node dies holding it: the pass then waits for the next timer.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the key only while it still holds the caller's token: an expired lock taken over is not released. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Longer than any pass; only a node that died holding a lock makes anyone wait this long. */
export const PASS_LOCK_MS = 6 * 60 * 60_000;

export class OncePerCluster {
  /** `redis`: the nodes' shared Redis, or null for one process alone (every pass runs). */
  constructor(
    private readonly redis: Redis | null,
    private readonly holdMs = PASS_LOCK_MS,
  ) {}

  /**
   * Runs `work` unless another node is running the pass `name` now; returns whether it ran. A Redis outage
   * fails the call (the caller logs it): skipping a daily pass is safer than running it twice.
   */
  async run(name: string, work: () => Promise<void>): Promise<boolean> {
    if (!this.redis) {
      await work();
      return true;
    }
    const key = `tongke:pass:${name}`;
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', this.holdMs, 'NX')) !== 'OK') return false;
    try {
      await work();
      return true;
    } finally {
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}
