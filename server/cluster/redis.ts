/**
 * The Redis several nodes share (TONGKE_REDIS_URL): shared rate limits, revocations between nodes, cluster-wide
 * locks. One process alone never opens one.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Redis, type RedisOptions } from 'ioredis';

/** Where a Redis connection reports that it lost or found its server. */
export type RedisLog = Pick<FastifyBaseLogger, 'info' | 'error'>;

/** Reconnection waits double from 100 ms up to this, so a long outage costs a connection attempt every 2 s. */
export const REDIS_RETRY_CAP_MS = 2_000;
/**
 * A command that Redis has not answered by then fails. Everything sent here is a single quick step (a counter,
 * a publish, a lock), so a slower answer means a Redis in trouble, and a request waiting on it should fail, not hang.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 3_000;

export interface OpenRedisOptions {
  /** Shown by `CLIENT LIST` (e.g. `tongke:<node id>:app`), so an operator sees which node holds which connection. */
  connectionName: string;
}

/**
 * Opens (in the background) a connection for a server. While Redis is away, a command waits for at most one
 * reconnection attempt and then fails (`maxRetriesPerRequest: 1`, where ioredis would wait for 20), or fails
 * when the command timeout runs out; the connection keeps trying with capped back-off and is used again as
 * soon as Redis answers. Errors are logged once per outage: an 'error' event without a listener would be
 * printed by ioredis on every attempt, outside the server's log.
 */
export function openRedis(url: string, log: RedisLog, options: OpenRedisOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.connectionName,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(100 * 2 ** (attempt - 1), REDIS_RETRY_CAP_MS),
  });
  logOutages(redis, log, options.connectionName);
  return redis;
}

/**
 * Another connection to the same Redis with the same options, under its own name: a subscriber cannot send
 * ordinary commands, so it needs a connection of its own.
 */
export function duplicateRedis(redis: Redis, log: RedisLog, options: OpenRedisOptions & Pick<RedisOptions, 'autoResubscribe'>): Redis {
  const duplicate = redis.duplicate(options);
  logOutages(duplicate, log, options.connectionName);
  return duplicate;
}

function logOutages(redis: Redis, log: RedisLog, connection: string): void {
  let outage = false;
  redis.on('error', (error: Error) => {
    if (outage) return;
    outage = true;
    log.error({ err: error, connection }, 'Redis unreachable: what the nodes share (rate limits, revocations, locks) fails until it is back');
  });
  redis.on('ready', () => {
    if (!outage) return;
    outage = false;
    log.info({ connection }, 'Redis reachable again');
  });
}

/** Closes a connection: politely (QUIT) while Redis answers, at once otherwise. Safe to call twice. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    // QUIT failed because the connection went away meanwhile: what is left of it is dropped the same way.
    redis.disconnect();
  }
}
