/**
 * How a receiver's link did over a window of samples: bad (lower its video), good (it may climb back) or
 * fair (hold still). Pure; {@link LinkAdaptationPolicy} keeps the windows and decides the steps.
 */

/** What the receiving site's browser said about its link in one report (`quality:report`), as plain numbers. */
export interface ReceiverLinkReport {
  /** Loss of the video it receives, in percent (of all it receives where it gets no video). */
  readonly lossPct?: number;
  readonly rttMs?: number;
  /** The receiving transport's bandwidth estimate, bit/s. */
  readonly availableBitrate?: number;
  /** Freezes since the browser's previous report, and how long they lasted (ms). */
  readonly freezeCount?: number;
  readonly freezeMs?: number;
  /** Decoded frame rate and height of the largest picture the site shows. */
  readonly framesPerSecond?: number;
  readonly frameHeight?: number;
}

/** One observation of a receiver's link, as the lesson samples it. */
export interface LinkSample {
  /** Scores (0–10) of the receiver's running video consumers; empty when it receives no video. */
  readonly scores: readonly number[];
  /** Highest spatial layer the receiver currently asks for across those consumers (after any ceiling). */
  readonly topLayer: number;
  /** For each running video consumer, the spatial layer its tile wants (before any ceiling). */
  readonly tileLayers?: readonly number[];
  /**
   * A running consumer above layer 0 is forwarded below its top temporal layer: the SFU thins the frame rate
   * of a large picture the link cannot carry (720p at 8 fps), which a smaller picture would not need.
   */
  readonly temporalCut?: boolean;
  /** The browser's latest report, when it is recent. */
  readonly report?: ReceiverLinkReport;
}

/** Thresholds of the verdict. */
export interface VerdictOptions {
  /** A link whose mean video consumer score (0–10) is below this is bad. */
  readonly badScore: number;
  /** A link whose mean score is at least this may be good. */
  readonly goodScore: number;
  /**
   * Mean loss (percent) at or above which the link is bad for video at each spatial layer (index = layer;
   * higher layers use the last). A large picture's frames span many packets, so the same loss spoils more of
   * them: 5 % loss lowers 720p but a 360p picture holds; at layer 0 it is the loss where video cannot hold.
   */
  readonly badLossPctAtLayer: readonly number[];
  /** Below this mean loss (percent) the link may be good. */
  readonly goodLossPct: number;
  /** Freezes in a window that make it bad on a link that loses packets: this many, or this long frozen in all. */
  readonly badFreezeCount: number;
  readonly badFreezeMs: number;
  /** Bit/s a video stream needs at each spatial layer (the house encodings: 150k, 500k, 1.2M). */
  readonly layerBitrates: readonly number[];
}

export type LinkVerdict = 'bad' | 'fair' | 'good';

/** Bit/s the receiver's running video needs when its ceiling is `layer`. */
export function videoNeedsAt(sample: LinkSample, layer: number, layerBitrates: readonly number[]): number {
  // Without the tiles' wishes, each stream is taken to want its top layer (the ceiling decides the rest).
  const tileLayers = sample.tileLayers ?? sample.scores.map(() => Number.POSITIVE_INFINITY);
  const rate = (wanted: number) => layerBitrates[Math.max(0, Math.min(wanted, layer, layerBitrates.length - 1))] ?? 0;
  return tileLayers.reduce((sum, wanted) => sum + rate(wanted), 0);
}

const mean = (values: readonly number[]) => (values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length);
const defined = (values: ReadonlyArray<number | undefined>) => values.filter((value): value is number => value !== undefined);

/**
 * Judges a window of samples of a receiver whose video is at `layer`. Bad when the link loses, freezes or
 * has a large picture's frame rate thinned while losing, scores low, or estimates less than the layer needs; good only when
 * every signal it has is clean and the estimate (if any) carries the next layer up; fair otherwise.
 */
export function judgeLink(samples: readonly LinkSample[], layer: number, options: VerdictOptions): LinkVerdict {
  const latest = samples.at(-1);
  if (!latest) return 'fair';
  const reports = samples.flatMap((sample) => (sample.report ? [sample.report] : []));
  const score = mean(samples.flatMap((sample) => sample.scores));
  const loss = mean(defined(reports.map((report) => report.lossPct)));
  const freezes = reports.reduce((sum, report) => sum + (report.freezeCount ?? 0), 0);
  const frozenMs = reports.reduce((sum, report) => sum + (report.freezeMs ?? 0), 0);
  const estimate = mean(defined(reports.map((report) => report.availableBitrate)));
  const cut = samples.filter((sample) => sample.temporalCut).length * 2 > samples.length;
  const receivesVideo = latest.scores.length > 0;
  const needsNow = videoNeedsAt(latest, layer, options.layerBitrates);
  const thresholds = options.badLossPctAtLayer;
  const badLossPct = thresholds[Math.min(layer, thresholds.length - 1)] ?? Number.POSITIVE_INFINITY;

  // Freezes on a link that loses nothing come from the sender or a starved machine, which a smaller
  // picture for this receiver would not cure (the lab saw clean sites freeze while the teacher's PC was busy).
  const linkLoses = loss !== undefined && loss >= options.goodLossPct;
  const bad =
    (score !== undefined && score < options.badScore) ||
    (loss !== undefined && loss >= badLossPct) ||
    (linkLoses && (freezes >= options.badFreezeCount || frozenMs >= options.badFreezeMs)) ||
    // A thinned frame rate on a link that loses nothing is mediasoup's own choice (seen on loopback with a
    // 2.5 Mbit/s estimate, score 10, 0 % loss): only with loss does it say this link cannot carry the layer.
    (cut && linkLoses) ||
    (receivesVideo && estimate !== undefined && estimate < needsNow);
  if (bad) return 'bad';

  const needsNext = receivesVideo ? videoNeedsAt(latest, layer + 1, options.layerBitrates) : 0;
  const good =
    (score === undefined || score >= options.goodScore) &&
    (loss === undefined || loss < options.goodLossPct) &&
    freezes === 0 &&
    (estimate === undefined || estimate >= needsNext) &&
    (score !== undefined || loss !== undefined);
  return good ? 'good' : 'fair';
}
