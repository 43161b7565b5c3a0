import { LessonMediaError } from './errors.js';
import type { LessonMediaHost } from './media-worker.js';
import type { Router } from './types.js';

/** One router of a lesson and the worker it runs on. */
export interface PlacedRouter {
  readonly router: Router;
  readonly host: LessonMediaHost;
}

/**
 * A router for the lesson on a worker it does not use yet (the least loaded such live worker), or null when
 * there is none: the pool's side of a lesson growing past one worker.
 */
export type RouterOnAnotherWorker = (exclude: ReadonlySet<LessonMediaHost>) => Promise<PlacedRouter | null>;

/**
 * Consumers one worker is given before a lesson's next receivers go to a router on another worker. One
 * mediasoup worker (one core) forwarded a 30 fps camera to ~400–500 consumers here (`npm run bench -- fanout`).
 */
export const DEFAULT_CONSUMERS_PER_WORKER = 400;

/** What the lesson's transports share here: an id and an observer that says when it closed. */
interface PlacedTransport {
  readonly id: string;
  readonly observer: { once(event: 'close', listener: () => void): unknown };
}

interface Placement {
  readonly placed: PlacedRouter;
  /** Consumers expected on this transport and not made yet (one per producer of the lesson when it came). */
  reserved: number;
}

/**
 * The routers one lesson runs on. Producers, the active-speaker observer and recordings live on the home
 * router; a receiving transport goes to the lesson router whose worker is least loaded, and when even that
 * worker holds `consumersPerWorker` consumers, to a new router on another worker (`pipeToRouter` brings each
 * producer there once, as the receivers there ask for it). So one lesson can use every core of the node.
 * A receiver's load is counted from the moment its transport is placed (one consumer per producer), so a
 * burst of joins spreads before the consumers exist.
 */
export class LessonRouters {
  readonly home: PlacedRouter;
  readonly #others: PlacedRouter[] = [];
  readonly #consumersPerWorker: number;
  readonly #another: RouterOnAnotherWorker | undefined;
  readonly #lost: () => void;
  readonly #placements = new Map<string, Placement>();
  readonly #reserved = new Map<PlacedRouter, number>();
  /** Per router other than home: producerId → its pipe there (made once, however many receivers ask). */
  readonly #pipes = new Map<PlacedRouter, Map<string, Promise<void>>>();
  #growing: Promise<PlacedRouter | null> | null = null;
  #closed = false;

  /** `lost` is called once when the worker of a router other than home dies (home's death the lesson sees itself). */
  constructor(home: PlacedRouter, options: { consumersPerWorker?: number; another?: RouterOnAnotherWorker; lost: () => void }) {
    this.home = home;
    this.#consumersPerWorker = options.consumersPerWorker ?? DEFAULT_CONSUMERS_PER_WORKER;
    this.#another = options.another;
    this.#lost = options.lost;
  }

  /** Every router of the lesson, home first. */
  get all(): PlacedRouter[] {
    return [this.home, ...this.#others];
  }

  /**
   * Makes a transport on the router it belongs on: a sending one at home (where producers live), a receiving
   * one on the lesson router with room for the `consumers` it will hold, counted from now until it closes.
   */
  async transport<T extends PlacedTransport>(direction: 'send' | 'recv', consumers: number, make: (placed: PlacedRouter) => Promise<T>): Promise<T> {
    if (direction === 'send') return make(this.home);
    const placed = await this.#forReceiving();
    this.#reserve(placed, consumers);
    let transport: T;
    try {
      transport = await make(placed);
    } catch (error) {
      this.#reserve(placed, -consumers);
      throw error;
    }
    this.#placements.set(transport.id, { placed, reserved: consumers });
    transport.observer.once('close', () => this.#released(transport.id));
    return transport;
  }

  /** The router a receiving transport runs on (home for one this lesson did not place). */
  routerOf(transportId: string): PlacedRouter {
    return this.#placements.get(transportId)?.placed ?? this.home;
  }

  /** A consumer was made on the transport: one fewer expected. */
  consumed(transportId: string): void {
    const placement = this.#placements.get(transportId);
    if (!placement || placement.reserved === 0) return;
    placement.reserved--;
    this.#reserve(placement.placed, -1);
  }

  /**
   * Makes the home router's producer consumable on `to`: piped there once, then shared by every receiver
   * on `to`. A pipe ends with its producer (mediasoup closes it), and pausing follows it.
   * @throws {LessonMediaError} `unknown-producer` when the producer is gone.
   */
  async bring(producerId: string, to: PlacedRouter): Promise<void> {
    if (to === this.home) return;
    let pipes = this.#pipes.get(to);
    if (!pipes) this.#pipes.set(to, (pipes = new Map()));
    let pipe = pipes.get(producerId);
    if (!pipe) {
      pipe = this.home.router.pipeToRouter({ producerId, router: to.router, enableSctp: false }).then(() => undefined);
      pipes.set(producerId, pipe);
      // A failed pipe is not kept: the next receiver tries again (or learns the producer is gone).
      pipe.catch(() => pipes.get(producerId) === pipe && pipes.delete(producerId));
    }
    try {
      await pipe;
    } catch (error) {
      throw new LessonMediaError('unknown-producer', `producer ${producerId} cannot be brought to another worker: ${(error as Error).message}`);
    }
  }

  /** The producer closed: its pipes closed with it. */
  forgetProducer(producerId: string): void {
    for (const pipes of this.#pipes.values()) pipes.delete(producerId);
  }

  /** Closes every router but home (the lesson closes home itself). */
  close(): void {
    this.#closed = true;
    for (const { router } of this.#others) router.close();
    this.#others.length = 0;
    this.#pipes.clear();
    this.#placements.clear();
    this.#reserved.clear();
  }

  /** Where a new receiving transport goes: the least loaded lesson router, or a new one when all are full. */
  async #forReceiving(): Promise<PlacedRouter> {
    const best = this.#leastLoaded();
    if (this.#load(best) < this.#consumersPerWorker || !this.#another) return best;
    // Receivers arriving together wait for the same new router rather than each asking for one.
    this.#growing ??= this.#grow().finally(() => (this.#growing = null));
    await this.#growing;
    return this.#leastLoaded();
  }

  /** The transport closed: what it still had reserved is free again. */
  #released(transportId: string): void {
    const placement = this.#placements.get(transportId);
    if (!placement) return;
    this.#placements.delete(transportId);
    this.#reserve(placement.placed, -placement.reserved);
  }

  #load(placed: PlacedRouter): number {
    return placed.host.consumerCount + (this.#reserved.get(placed) ?? 0);
  }

  #leastLoaded(): PlacedRouter {
    let best = this.home;
    for (const placed of this.#others) if (placed.host.alive && this.#load(placed) < this.#load(best)) best = placed;
    return best;
  }

  #reserve(placed: PlacedRouter, consumers: number): void {
    this.#reserved.set(placed, Math.max(0, (this.#reserved.get(placed) ?? 0) + consumers));
  }

  async #grow(): Promise<PlacedRouter | null> {
    const placed = await this.#another!(new Set(this.all.map((p) => p.host)));
    if (!placed) return null;
    if (this.#closed) {
      placed.router.close();
      return null;
    }
    this.#others.push(placed);
    placed.router.once('workerclose', () => {
      if (!this.#closed) this.#lost();
    });
    return placed;
  }
}
