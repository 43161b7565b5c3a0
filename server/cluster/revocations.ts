/**
 * Ended sessions travel between nodes: a student's lesson socket may be on another node than the one where an
 * admin revoked her link. Every node publishes what its accounts service announces on one Redis channel and
 * hands what the others published to its own notifier, where the lesson gateway listens.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { REVOCATION_REASONS, type RevocationNotifier, type SessionRevocation } from '../accounts/revocation.js';
import { closeRedis, duplicateRedis, type RedisLog } from './redis.js';

export const REVOCATIONS_CHANNEL = 'tongke:revocations';

/** One announcement on REVOCATIONS_CHANNEL. */
const RevocationMessage = Type.Object(
  {
    /** The announcing notifier's id (random per process): it acted on its own announcement already. */
    from: Type.String({ minLength: 1, maxLength: 64 }),
    userId: Type.Integer({ minimum: 1 }),
    /** SHA-256 hex of each ended session token. */
    tokenHashes: Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { minItems: 1 }),
    reason: Type.Enum(REVOCATION_REASONS),
  },
  { additionalProperties: false },
);
type RevocationMessage = Static<typeof RevocationMessage>;
const checkMessage = Compile(RevocationMessage);

export type RevocationsLog = RedisLog & Pick<FastifyBaseLogger, 'warn'>;

/** Connects one node's RevocationNotifier with the other nodes'. `close()` is safe to call twice. */
export class ClusterRevocations {
  readonly #id = randomUUID();
  readonly #notifier: RevocationNotifier;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #log: RevocationsLog;
  readonly #onAnnounced = (revocation: SessionRevocation) => this.#publish(revocation);
  #closed = false;
  /** Settles when this node first listens to the channel (tests wait for it; a node need not). */
  readonly subscribed: Promise<void>;

  /**
   * Starts sharing at once; it does not wait for Redis, so a node starts while Redis is away and joins in when
   * it is back. `redis` is the app's connection (publishing); the subscriber gets a connection of its own.
   */
  constructor(notifier: RevocationNotifier, redis: Redis, log: RevocationsLog, nodeId: string) {
    this.#notifier = notifier;
    this.#publisher = redis;
    this.#log = log;
    // Subscribed afresh on every (re)connection rather than by ioredis' resubscription, which only repeats a
    // subscription that once succeeded: a node started while Redis was away would never listen.
    this.#subscriber = duplicateRedis(redis, log, { connectionName: `tongke:${nodeId}:revocations`, autoResubscribe: false });
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === REVOCATIONS_CHANNEL) this.#receive(text);
    });
    this.subscribed = new Promise((resolve) => {
      const subscribe = () => {
        this.#subscriber.subscribe(REVOCATIONS_CHANNEL).then(
          () => resolve(),
          (error: unknown) => log.error({ err: error }, 'not listening for revocations of other nodes until Redis reconnects'),
        );
      };
      this.#subscriber.on('ready', subscribe);
    });
    notifier.on('announced', this.#onAnnounced);
  }

  #publish(revocation: SessionRevocation): void {
    const message: RevocationMessage = { from: this.#id, userId: revocation.userId, tokenHashes: [...revocation.tokenHashes], reason: revocation.reason };
    this.#publisher.publish(REVOCATIONS_CHANNEL, JSON.stringify(message)).catch((error: unknown) => {
      this.#log.error({ err: error, userId: revocation.userId, reason: revocation.reason }, 'revocation not shared: lesson sockets of these sessions on other nodes stay open');
    });
  }

  #receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.#log.warn({ err: error, channel: REVOCATIONS_CHANNEL }, 'ignored a message that is not JSON');
      return;
    }
    if (!checkMessage.Check(message)) {
      const [first] = checkMessage.Errors(message);
      this.#log.warn({ channel: REVOCATIONS_CHANNEL, problem: `${first?.instancePath ?? ''} ${first?.message ?? 'is not valid'}` }, 'ignored a message that is not a revocation');
      return;
    }
    if (message.from === this.#id) return;
    this.#notifier.receive({ userId: message.userId, tokenHashes: message.tokenHashes, reason: message.reason });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#notifier.off('announced', this.#onAnnounced);
    await closeRedis(this.#subscriber);
  }
}
