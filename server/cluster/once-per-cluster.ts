/**
 * A scheduled pass (the daily retention sweeps) that one node at a time may run. Every node keeps its own
 * timer; when one fires, the node runs the pass only if it gets the pass's lock in the shared Redis, so two
 * nodes never delete the same rows and folders at once. A daily pass (`runDaily`) runs besides once per
 * Asia/Shanghai calendar day across the nodes: the first node whose timer fires that day runs it, the others'
 * timers find it done.
 *
 * Why Redis and not PostgreSQL's pg_try_advisory_lock: an advisory lock lives on one connection, held for the
 * whole pass, and the store hands out no connection of its own (only repositories reach the pool); the Redis
 * lock needs nothing but the app's connection. The lock is the documented single-instance pattern: SET NX PX
 * with a random token, released only by its holder (compare-and-delete in one Lua script). Its expiry is far
 * longer than any pass, and only matters when a node dies holding it: the pass then waits for the next timer.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { shanghaiDate } from '../../shared/time.js';

/** Deletes the key only while it still holds the caller's token: an expired lock taken over is not released. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Longer than any pass; only a node that died holding a lock makes anyone wait this long. */
export const PASS_LOCK_MS = 6 * 60 * 60_000;

/** How long a day's "done" mark is kept: past the end of its day whenever in the day it was set. */
export const DAY_DONE_KEEP_MS = 48 * 60 * 60_000;

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

  /**
   * Runs `work` unless a node already ran the pass `name` on the Shanghai calendar day of `at`, or runs it now;
   * returns whether it ran here. For one process alone every call runs, as `run`.
   *
   * The day is marked done only after `work` succeeded, under the pass's lock (so two nodes never both find it
   * undone and run it). A failed pass leaves the day undone: the next node whose timer fires that day — or this
   * one's — runs it again, and since the retention passes resume where they stopped, a retry is harmless where a
   * day without the pass would leave expired data for another day. A node that dies mid-pass holds the lock until
   * it expires (PASS_LOCK_MS); a timer firing after that, the same day, runs the pass. If the mark cannot be
   * written after the pass succeeded (Redis lost that moment), the call fails and another node may run the pass
   * again that day — the same harmless retry.
   */
  async runDaily(name: string, at: Date, work: () => Promise<void>): Promise<boolean> {
    if (!this.redis) return this.run(name, work);
    const redis = this.redis;
    const done = `tongke:pass:${name}:done:${shanghaiDate(at)}`;
    let ran = false;
    await this.run(name, async () => {
      if ((await redis.exists(done)) === 1) return;
      await work();
      ran = true;
      await redis.set(done, new Date().toISOString(), 'PX', DAY_DONE_KEEP_MS);
    });
    return ran;
  }
}
