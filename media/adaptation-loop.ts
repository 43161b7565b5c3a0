import { LinkAdaptationPolicy, type AdaptationOptions } from './adaptation.js';
import type { LessonEventSink } from './events.js';
import type { MediaLogger } from './logger.js';
import type { ParticipantMedia } from './participant-media.js';

const DEFAULT_INTERVAL_MS = 1000;

/**
 * Runs the {@link LinkAdaptationPolicy} over a lesson's receivers on a timer: samples each receiver's link,
 * applies the ceiling the policy decides to that receiver's streams only, and reports advice upward.
 */
export class AdaptationLoop {
  readonly #policy: LinkAdaptationPolicy;
  readonly #timer: NodeJS.Timeout;
  readonly #receivers: () => Iterable<ParticipantMedia>;
  readonly #sink: LessonEventSink;
  readonly #logger: MediaLogger;

  constructor(options: {
    receivers: () => Iterable<ParticipantMedia>;
    sink: LessonEventSink;
    logger: MediaLogger;
    policy?: Partial<AdaptationOptions>;
    intervalMs?: number;
  }) {
    this.#policy = new LinkAdaptationPolicy(options.policy);
    this.#receivers = options.receivers;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#timer = setInterval(() => this.#tick(), options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Forgets a receiver that left. */
  forget(participantId: string): void {
    this.#policy.forget(participantId);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const now = performance.now();
    for (const receiver of this.#receivers()) {
      const decision = this.#policy.update(receiver.id, receiver.linkSample(), now);
      if (!decision) continue;
      const { advice } = decision;
      // Advice says what the server has done, so it follows the change.
      receiver.setLayerCeiling(decision.layerCeiling).then(
        () => {
          if (advice) this.#sink.emit('advice', { participantId: receiver.id, advice });
        },
        (error: unknown) => {
          this.#logger.warn({ participantId: receiver.id, err: error, advice }, 'could not apply the adapted layer ceiling');
        },
      );
    }
  }
}
