/**
 * Per-receiver link adaptation: a pure policy (no mediasoup, no timers; the caller passes the clock) that
 * turns what a receiver's link does — loss, freezes, the bandwidth estimate its browser reports, a frame
 * rate the SFU had to thin, consumer scores — into a ceiling on the spatial layer that receiver gets, and
 * into advice for its user. A smaller picture at a steady frame rate beats 720p stuttering at 8 fps. It only
 * ever limits the receiver it is told about: simulcast/SVC layers are chosen per consumer, so one village
 * school's bad link never lowers what the other sites receive.
 */
import { judgeLink, type LinkSample, type VerdictOptions } from './link-verdict.js';

export type { LinkSample, ReceiverLinkReport } from './link-verdict.js';

/** What the receiving site should be told. */
export type AdaptationAdvice = 'lowered' | 'audio_only_suggested' | 'recovered';

/** Thresholds and windows of the policy; the defaults suit a 1-second evaluation tick and report. */
export interface AdaptationOptions extends VerdictOptions {
  /** The span of recent samples each verdict judges. */
  readonly windowMs: number;
  /** How long the verdict must stay bad before each step down (lower a layer, then suggest audio only). */
  readonly badForMs: number;
  /** Samples this soon after a change describe the old layer (and the switch itself), so they are left out. */
  readonly settleMs: number;
  /** How long the verdict must stay good before each step up (one layer at a time). */
  readonly goodForMs: number;
  /** A climb lowered again within this long was too early: the next climb waits twice as long. */
  readonly probationMs: number;
  /** The longest a climb ever waits. */
  readonly maxGoodForMs: number;
  /** Highest spatial layer any stream has (a 3-layer camera: 2). Reaching it again lifts the ceiling. */
  readonly maxSpatialLayer: number;
}

export const DEFAULT_ADAPTATION_OPTIONS: AdaptationOptions = {
  badScore: 5,
  goodScore: 8,
  badLossPctAtLayer: [15, 8, 3],
  goodLossPct: 1,
  badFreezeCount: 2,
  badFreezeMs: 500,
  layerBitrates: [150_000, 500_000, 1_200_000],
  windowMs: 3000,
  badForMs: 1500,
  settleMs: 1500,
  goodForMs: 10_000,
  probationMs: 30_000,
  maxGoodForMs: 120_000,
  maxSpatialLayer: 2,
};

/** A change the caller must apply: the new ceiling (`undefined` = none), and advice to pass on, if any. */
export interface AdaptationDecision {
  readonly layerCeiling: number | undefined;
  readonly advice?: AdaptationAdvice;
}

interface ReceiverState {
  ceiling: number | undefined;
  samples: Array<{ at: number; sample: LinkSample }>;
  /** Samples before this describe the layer before the last change. */
  judgeFrom: number;
  badSince: number | undefined;
  goodSince: number | undefined;
  goodForMs: number;
  lastClimbAt: number | undefined;
  lastReportAt: number | undefined;
  audioOnlySuggested: boolean;
  /** A step down happened since the last 'recovered'. */
  degraded: boolean;
}

/**
 * Steps a receiver down one spatial layer each time its link stays bad for `badForMs`, then suggests audio
 * only when even layer 0 cannot hold; steps it back up one layer for every `goodForMs` it stays good, saying
 * 'recovered' on the first step up of each episode. A climb that had to be undone doubles the next wait.
 */
export class LinkAdaptationPolicy {
  readonly #options: AdaptationOptions;
  readonly #receivers = new Map<string, ReceiverState>();

  constructor(options: Partial<AdaptationOptions> = {}) {
    this.#options = { ...DEFAULT_ADAPTATION_OPTIONS, ...options };
    if (this.#options.goodScore < this.#options.badScore) throw new RangeError('goodScore must not be below badScore');
    if (this.#options.badLossPctAtLayer.some((pct) => pct < this.#options.goodLossPct)) throw new RangeError('goodLossPct must not be above a bad loss');
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
    const state = this.#state(receiverId, now);
    const receivesVideo = sample.scores.length > 0;
    if (sample.report) state.lastReportAt = now;
    if (!receivesVideo && !sample.report) {
      // Nothing received and nothing reported for a while: no evidence either way, so the windows restart.
      if (state.lastReportAt === undefined || now - state.lastReportAt > this.#options.windowMs) this.#restart(state, now);
      return undefined;
    }
    if (now < state.judgeFrom) return undefined;
    state.samples.push({ at: now, sample });
    const from = now - this.#options.windowMs;
    while (state.samples.length > 0 && state.samples[0]!.at <= from) state.samples.shift();

    const current = receivesVideo
      ? Math.min(state.ceiling ?? Number.POSITIVE_INFINITY, sample.topLayer)
      : (state.ceiling ?? this.#options.maxSpatialLayer);
    const verdict = judgeLink(
      state.samples.map((entry) => entry.sample),
      current,
      this.#options,
    );
    if (verdict === 'bad') {
      state.goodSince = undefined;
      // Without video there is no layer to lower; audio-only mode is judged only for the climb back.
      if (!receivesVideo) return undefined;
      state.badSince ??= now;
      return now - state.badSince >= this.#options.badForMs ? this.#stepDown(state, current, now) : undefined;
    }
    state.badSince = undefined;
    if (verdict === 'fair') {
      state.goodSince = undefined;
      return undefined;
    }
    return this.#whileGood(state, now);
  }

  #stepDown(state: ReceiverState, current: number, now: number): AdaptationDecision | undefined {
    if (state.lastClimbAt !== undefined && now - state.lastClimbAt < this.#options.probationMs) {
      state.goodForMs = Math.min(this.#options.maxGoodForMs, state.goodForMs * 2);
    }
    if (current > 0) {
      this.#changed(state, now);
      state.ceiling = current - 1;
      state.degraded = true;
      return { layerCeiling: state.ceiling, advice: 'lowered' };
    }
    if (state.audioOnlySuggested) return undefined;
    this.#changed(state, now);
    state.ceiling = 0;
    state.audioOnlySuggested = true;
    state.degraded = true;
    return { layerCeiling: 0, advice: 'audio_only_suggested' };
  }

  #whileGood(state: ReceiverState, now: number): AdaptationDecision | undefined {
    if (state.ceiling === undefined && !state.audioOnlySuggested) {
      // Good at full quality for a while: earlier oscillation is history.
      if (state.lastClimbAt === undefined || now - state.lastClimbAt >= this.#options.probationMs) state.goodForMs = this.#options.goodForMs;
      state.goodSince = undefined;
      return undefined;
    }
    state.goodSince ??= now;
    if (now - state.goodSince < state.goodForMs) return undefined;
    this.#changed(state, now);
    state.lastClimbAt = now;
    state.audioOnlySuggested = false;
    const raised = (state.ceiling ?? this.#options.maxSpatialLayer) + 1;
    state.ceiling = raised >= this.#options.maxSpatialLayer ? undefined : raised;
    const advice = state.degraded ? 'recovered' : undefined;
    state.degraded = false;
    return advice ? { layerCeiling: state.ceiling, advice } : { layerCeiling: state.ceiling };
  }

  /** A change of layer: what was seen before it no longer describes the link as it now is. */
  #changed(state: ReceiverState, now: number): void {
    state.samples = [];
    state.badSince = undefined;
    state.goodSince = undefined;
    state.judgeFrom = now + this.#options.settleMs;
  }

  #restart(state: ReceiverState, now: number): void {
    state.samples = [];
    state.badSince = undefined;
    state.goodSince = undefined;
    state.judgeFrom = Math.max(state.judgeFrom, now);
  }

  #state(receiverId: string, now: number): ReceiverState {
    let state = this.#receivers.get(receiverId);
    if (!state) {
      state = {
        ceiling: undefined,
        samples: [],
        judgeFrom: now,
        badSince: undefined,
        goodSince: undefined,
        goodForMs: this.#options.goodForMs,
        lastClimbAt: undefined,
        lastReportAt: undefined,
        audioOnlySuggested: false,
        degraded: false,
      };
      this.#receivers.set(receiverId, state);
    }
    return state;
  }
}
