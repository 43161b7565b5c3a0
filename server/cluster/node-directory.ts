import type { Redis } from 'ioredis';
import type { FastifyBaseLogger as Logger } from 'fastify';

/** What a node tells the others of itself with each renewal of its lease. */
export interface NodeLoad {
  /** mediasoup consumers on its workers: what a lesson placed there would add to. */
  consumers: number;
  /** Live lessons it runs. */
  lessons: number;
}

export interface LiveNode extends NodeLoad {
  nodeId: string;
}

export interface NodeDirectoryOptions {
  /** A node not renewed for this long is dead: its lessons are re-placed (ms). */
  leaseMs: number;
  /** How often the node renews its lease (ms); a few renewals fit in one lease. */
  renewEveryMs: number;
}

/**
 * Within the 10 s: a node is dead 6 s after its last renewal at most, and the re-placing watcher
 * (placement.ts) looks every second, leaving the sites ~3 s to reconnect.
 */
export const NODE_LEASE_DEFAULTS: NodeDirectoryOptions = { leaseMs: 6_000, renewEveryMs: 2_000 };

const KEY_PREFIX = 'tongke:node:';

/**
 * The live nodes, kept in Redis: each node holds a key that expires unless it renews it (its lease), with its
 * load as the value. A node that dies stops renewing, and when its key expires every node sees it dead — the
 * lease of all its lessons. Redis's own expiry decides; no node has to declare another dead.
 */
export class NodeDirectory {
  readonly #redis: Redis;
  readonly #nodeId: string;
  readonly #options: NodeDirectoryOptions;
  readonly #load: () => NodeLoad;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;
  #renewedAt = 0;

  constructor(redis: Redis, nodeId: string, load: () => NodeLoad, log: Logger, options: NodeDirectoryOptions = NODE_LEASE_DEFAULTS) {
    this.#redis = redis;
    this.#nodeId = nodeId;
    this.#load = load;
    this.#log = log;
    this.#options = options;
  }

  get nodeId(): string {
    return this.#nodeId;
  }

  /** Whether this node's lease is still good as far as it knows (its last renewal is within the lease). */
  get holdsLease(): boolean {
    return Date.now() - this.#renewedAt < this.#options.leaseMs;
  }

  /** Takes the lease now and keeps renewing it. */
  async start(): Promise<void> {
    await this.renew();
    this.#timer = setInterval(() => void this.renew().catch((error: unknown) => this.#log.error({ err: error }, 'renewing the node lease failed')), this.#options.renewEveryMs);
    this.#timer.unref();
  }

  async renew(): Promise<void> {
    const startedAt = Date.now();
    await this.#redis.set(KEY_PREFIX + this.#nodeId, JSON.stringify(this.#load()), 'PX', this.#options.leaseMs);
    this.#renewedAt = startedAt;
  }

  async alive(nodeId: string): Promise<boolean> {
    return (await this.#redis.exists(KEY_PREFIX + nodeId)) === 1;
  }

  /** Every node whose lease is good, with the load it last told. */
  async liveNodes(): Promise<LiveNode[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 100);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(...keys);
    return keys.flatMap((key, i) => {
      const load = parseLoad(values[i] ?? null);
      return load ? [{ nodeId: key.slice(KEY_PREFIX.length), ...load }] : [];
    });
  }

  /** Stops renewing and gives the lease up (a graceful shutdown has ended this node's lessons already). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#redis.del(KEY_PREFIX + this.#nodeId).catch((error: unknown) => this.#log.warn({ err: error }, 'giving up the node lease failed'));
  }
}

/** The load a node wrote (another release's or a broken value counts as no load rather than no node). */
function parseLoad(value: string | null): NodeLoad | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value) as Partial<NodeLoad>;
    return { consumers: Number(parsed.consumers) || 0, lessons: Number(parsed.lessons) || 0 };
  } catch {
    return { consumers: 0, lessons: 0 };
  }
}

/** The node a new lesson goes to: the fewest consumers, then the fewest lessons, then the lowest id (all nodes agree). */
export function leastLoaded(nodes: readonly LiveNode[]): LiveNode | undefined {
  return [...nodes].sort((a, b) => a.consumers - b.consumers || a.lessons - b.lessons || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0))[0];
}
