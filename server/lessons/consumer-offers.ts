import type { MediaSource } from '../../shared/lesson/model.js';
import type { ConsumerParameters } from '../../media/index.js';
import { ApiError } from '../core/errors.js';

/** A consumer as its receiver was told of it (`consumer:create`'s ack). */
export type ConsumerOffer = ConsumerParameters & { participantId: string; source: MediaSource };

/**
 * The consumers each site holds, and those on their way. Asking again for a producer one already consumes
 * (a client retrying after a lost ack) gives the same consumer, and two requests at once make one; a site
 * holds at most `max`. Kept per site, so that the checks cost the same whatever the lesson's size.
 */
export class ConsumerOffers {
  /** participantId → consumerId → what she was given for it. */
  readonly #offers = new Map<string, Map<string, ConsumerOffer>>();
  /** participantId → producerId → a consume on its way. */
  readonly #pending = new Map<string, Map<string, Promise<ConsumerOffer>>>();

  constructor(readonly max: number) {}

  /**
   * The viewer's consumer of `producerId`: the one she holds or is being made, else a new one from `create`.
   * @throws {ApiError} `too_many_streams` beyond the cap.
   */
  async offer(viewerId: string, producerId: string, create: () => Promise<ConsumerOffer>): Promise<ConsumerOffer> {
    const mine = this.#offers.get(viewerId);
    for (const offer of mine?.values() ?? []) if (offer.producerId === producerId) return offer;
    let pending = this.#pending.get(viewerId);
    const onItsWay = pending?.get(producerId);
    if (onItsWay) return onItsWay;
    if ((mine?.size ?? 0) + (pending?.size ?? 0) >= this.max) throw new ApiError('too_many_streams', { limit: this.max });
    const making = (async () => {
      const offer = await create();
      let current = this.#offers.get(viewerId);
      if (!current) this.#offers.set(viewerId, (current = new Map()));
      current.set(offer.id, offer);
      return offer;
    })();
    if (!pending) this.#pending.set(viewerId, (pending = new Map()));
    pending.set(producerId, making);
    try {
      return await making;
    } finally {
      pending.delete(producerId);
      if (pending.size === 0 && this.#pending.get(viewerId) === pending) this.#pending.delete(viewerId);
    }
  }

  has(viewerId: string, consumerId: string): boolean {
    return this.#offers.get(viewerId)?.has(consumerId) ?? false;
  }

  /** The viewer's consumers (consumerId → offer), if she holds any. */
  of(viewerId: string): Map<string, ConsumerOffer> | undefined {
    return this.#offers.get(viewerId);
  }

  /** Forgets one consumer; false when the viewer did not hold it. */
  delete(viewerId: string, consumerId: string): boolean {
    return this.#offers.get(viewerId)?.delete(consumerId) ?? false;
  }

  /** Forgets every consumer of one viewer (her media closed). */
  forget(viewerId: string): void {
    this.#offers.delete(viewerId);
  }

  /** Forgets every consumer (the lesson's media was rebuilt). */
  clear(): void {
    this.#offers.clear();
  }
}
