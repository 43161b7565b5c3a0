/**
 * Per-receiver link adaptation: a pure policy (no mediasoup, no timers; the caller passes the clock) that
 * turns a receiver's consumer scores into a ceiling on the spatial layer that receiver gets, and into advice
 * for its user. It only ever limits the receiver it is told about: simulcast/SVC layers are chosen per
 * consumer, so one village school's bad link never lowers what the other sites receive.
 */

/** What the receiving site should be told. */
export type AdaptationAdvice = 'lowered' | 'audio_only_suggested' | 'recovered';

/** Thresholds and windows of the policy; the defaults suit a 1-second evaluation tick. */
export interface AdaptationOptions {
  /** A link whose mean video consumer score (0–10) is below this is bad. */
  readonly badScore: number;
  /** A link whose mean score is at least this is good; in between the policy holds still. */
  readonly goodScore: number;
  /** How long a link must stay bad before each step down (lower a layer, then suggest audio only). */
  readonly badForMs: number;
  /** How long a link must stay good before each step up (one layer at a time). */
  readonly goodForMs: number;
  /** Highest spatial layer any stream has (a 3-layer camera: 2). Reaching it again lifts the ceiling. */
  readonly maxSpatialLayer: number;
}

export const DEFAULT_ADAPTATION_OPTIONS: AdaptationOptions = {
  badScore: 5,
  goodScore: 8,
  badForMs: 8_000,
  goodForMs: 15_000,
  maxSpatialLayer: 2,
};

/** One observation of a receiver's link. */
export interface LinkSample {
  /** Scores (0–10) of the receiver's running video consumers; empty when it receives no video. */
  readonly scores: readonly number[];
  /** Highest spatial layer the receiver currently asks for across those consumers (after any ceiling). */
  readonly topLayer: number;
}

/** A change the caller must apply: the new ceiling (`undefined` = none), and advice to pass on, if any. */
export interface AdaptationDecision {
  readonly layerCeiling: number | undefined;
  readonly advice?: AdaptationAdvice;
}

interface ReceiverState {
  ceiling: number | undefined;
  badSince: number | undefined;
  goodSince: number | undefined;
  audioOnlySuggested: boolean;
  /** A step down happened since the last 'recovered'. */
  degraded: boolean;
}

/**
 * Steps a receiver down one spatial layer for every `badForMs` its link stays bad, then suggests audio
 * only; steps it back up one layer for every `goodForMs` it stays good, saying 'recovered' on the first
 * step up of each episode.
 */
export class LinkAdaptationPolicy {
  readonly #options: AdaptationOptions;
  readonly #receivers = new Map<string, ReceiverState>();

  constructor(options: Partial<AdaptationOptions> = {}) {
    this.#options = { ...DEFAULT_ADAPTATION_OPTIONS, ...options };
    if (this.#options.goodScore < this.#options.badScore) {
      throw new RangeError('goodScore must not be below badScore');
    }
  }

  /** The receiver's current layer ceiling; `undefined` when it is not limited. */
  layerCeiling(receiverId: string): number | undefined {
    return this.#receivers.get(receiverId)?.ceiling;
  }

  /** Drops what is known of a receiver (it left). */
  forget(receiverId: string): void {
    this.#receivers.delete(receiverId);
  }

  /** Feeds one sample taken at `now` (ms); returns a decision when the ceiling or the advice changes. */
  update(receiverId: string, sample: LinkSample, now: number): AdaptationDecision | undefined {
    const state = this.#state(receiverId);
    if (sample.scores.length === 0) {
      // Nothing received (audio only, all tiles hidden): no evidence either way, so windows restart.
      state.badSince = undefined;
      state.goodSince = undefined;
      return undefined;
    }
    const score = sample.scores.reduce((sum, value) => sum + value, 0) / sample.scores.length;
    if (score < this.#options.badScore) return this.#whileBad(state, sample.topLayer, now);
    if (score >= this.#options.goodScore) return this.#whileGood(state, now);
    state.badSince = undefined;
    state.goodSince = undefined;
    return undefined;
  }

  #whileBad(state: ReceiverState, topLayer: number, now: number): AdaptationDecision | undefined {
    state.goodSince = undefined;
    state.badSince ??= now;
    if (now - state.badSince < this.#options.badForMs) return undefined;
    state.badSince = now;
    const current = Math.min(state.ceiling ?? Number.POSITIVE_INFINITY, topLayer);
    if (current > 0) {
      state.ceiling = current - 1;
      state.degraded = true;
      return { layerCeiling: state.ceiling, advice: 'lowered' };
    }
    if (state.audioOnlySuggested) return undefined;
    state.ceiling = 0;
    state.audioOnlySuggested = true;
    state.degraded = true;
    return { layerCeiling: 0, advice: 'audio_only_suggested' };
  }

  #whileGood(state: ReceiverState, now: number): AdaptationDecision | undefined {
    state.badSince = undefined;
    if (state.ceiling === undefined && !state.audioOnlySuggested) {
      state.goodSince = undefined;
      return undefined;
    }
    state.goodSince ??= now;
    if (now - state.goodSince < this.#options.goodForMs) return undefined;
    state.goodSince = now;
    state.audioOnlySuggested = false;
    const raised = (state.ceiling ?? this.#options.maxSpatialLayer) + 1;
    state.ceiling = raised >= this.#options.maxSpatialLayer ? undefined : raised;
    const advice = state.degraded ? 'recovered' : undefined;
    state.degraded = false;
    return advice ? { layerCeiling: state.ceiling, advice } : { layerCeiling: state.ceiling };
  }

  #state(receiverId: string): ReceiverState {
    let state = this.#receivers.get(receiverId);
    if (!state) {
      state = { ceiling: undefined, badSince: undefined, goodSince: undefined, audioOnlySuggested: false, degraded: false };
      this.#receivers.set(receiverId, state);
    }
    return state;
  }
}
