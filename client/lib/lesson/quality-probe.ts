import type { LessonRequestPayload } from '../../../shared/lesson/protocol.js';

export type LinkSample = LessonRequestPayload<'quality:report'>;

/** Cumulative counters of one stats pass; a report is made of the differences between two passes. */
interface Counters {
  at: number;
  bytesReceived: number;
  bytesSent: number;
  packetsLost: number;
  packetsReceived: number;
  videoPacketsLost: number;
  videoPacketsReceived: number;
  freezeCount: number;
  /** Seconds, as `totalFreezesDuration` counts them. */
  freezeSeconds: number;
  /** framesDecoded per inbound video stream, for a frame rate where the browser gives no framesPerSecond. */
  framesDecoded: Map<string, number>;
}

/** The inbound video the site sees best: the largest picture it decodes. */
interface LargestVideo {
  id: string;
  frameHeight: number;
  framesPerSecond: number | undefined;
}

type Stat = Record<string, unknown>;

const numberOf = (stat: Stat, key: string): number => (typeof stat[key] === 'number' ? (stat[key] as number) : 0);
const isActivePair = (stat: Stat) => stat.type === 'candidate-pair' && stat.nominated === true && stat.state === 'succeeded';

/**
 * Turns the transports' WebRTC stats into the link report the server adapts and grades sites by: round-trip
 * time of the active candidate pair, loss (all and of video), bitrates, the receiving transport's bandwidth
 * estimate, freezes since the last sample, and the frame rate and height of the largest video decoded.
 * Pure: the caller passes the stats and the clock.
 */
export class QualityProbe {
  #previous: Counters | null = null;

  measure(send: RTCStatsReport | null, recv: RTCStatsReport | null, now = performance.now()): LinkSample {
    const counters: Counters = {
      at: now,
      bytesReceived: 0,
      bytesSent: 0,
      packetsLost: 0,
      packetsReceived: 0,
      videoPacketsLost: 0,
      videoPacketsReceived: 0,
      freezeCount: 0,
      freezeSeconds: 0,
      framesDecoded: new Map(),
    };
    const rtts: number[] = [];
    const estimates: number[] = [];
    let largest: LargestVideo | undefined;
    for (const report of [send, recv]) {
      report?.forEach((stat: Stat) => {
        if (isActivePair(stat)) {
          if (typeof stat.currentRoundTripTime === 'number') rtts.push(stat.currentRoundTripTime * 1000);
          // Only the receiving transport's estimate says what can come down to this site.
          if (report === recv && typeof stat.availableIncomingBitrate === 'number') estimates.push(stat.availableIncomingBitrate);
        } else if (stat.type === 'inbound-rtp') {
          const lost = Math.max(0, numberOf(stat, 'packetsLost'));
          counters.bytesReceived += numberOf(stat, 'bytesReceived');
          counters.packetsLost += lost;
          counters.packetsReceived += numberOf(stat, 'packetsReceived');
          if (stat.kind !== 'video') return;
          counters.videoPacketsLost += lost;
          counters.videoPacketsReceived += numberOf(stat, 'packetsReceived');
          counters.freezeCount += numberOf(stat, 'freezeCount');
          counters.freezeSeconds += numberOf(stat, 'totalFreezesDuration');
          const id = String(stat.id);
          counters.framesDecoded.set(id, numberOf(stat, 'framesDecoded'));
          const frameHeight = numberOf(stat, 'frameHeight');
          if (frameHeight > 0 && (!largest || frameHeight > largest.frameHeight)) {
            largest = { id, frameHeight, framesPerSecond: typeof stat.framesPerSecond === 'number' ? stat.framesPerSecond : undefined };
          }
        } else if (stat.type === 'outbound-rtp') {
          counters.bytesSent += numberOf(stat, 'bytesSent');
        }
      });
    }
    const sample: LinkSample = {};
    if (rtts.length > 0) sample.rttMs = Math.min(60_000, Math.max(...rtts));
    if (estimates.length > 0) sample.availableIncomingBitrate = Math.round(Math.min(...estimates));
    if (largest) {
      sample.frameHeight = Math.min(4320, largest.frameHeight);
      if (largest.framesPerSecond !== undefined) sample.framesPerSecond = Math.min(240, largest.framesPerSecond);
    }
    const previous = this.#previous;
    this.#previous = counters;
    if (!previous || counters.at <= previous.at) return sample;
    const seconds = (counters.at - previous.at) / 1000;
    const lossPct = (lost: number, received: number) => (lost >= 0 && received >= 0 && lost + received > 0 ? Math.min(100, (lost / (lost + received)) * 100) : undefined);
    const loss = lossPct(counters.packetsLost - previous.packetsLost, counters.packetsReceived - previous.packetsReceived);
    if (loss !== undefined) sample.packetLossPct = loss;
    const videoLoss = lossPct(counters.videoPacketsLost - previous.videoPacketsLost, counters.videoPacketsReceived - previous.videoPacketsReceived);
    if (videoLoss !== undefined) sample.videoLossPct = videoLoss;
    const bitrate = (now: number, before: number) => Math.max(0, Math.round(((now - before) * 8) / seconds));
    sample.recvBitrate = bitrate(counters.bytesReceived, previous.bytesReceived);
    sample.sendBitrate = bitrate(counters.bytesSent, previous.bytesSent);
    // A stream that closed takes its counts with it; the totals may then fall, which is not "no freezes".
    const freezes = counters.freezeCount - previous.freezeCount;
    const frozenMs = Math.round((counters.freezeSeconds - previous.freezeSeconds) * 1000);
    if (freezes >= 0 && frozenMs >= 0) {
      sample.freezeCount = Math.min(1000, freezes);
      sample.freezeMs = Math.min(600_000, frozenMs);
    }
    if (largest && sample.framesPerSecond === undefined) {
      const before = previous.framesDecoded.get(largest.id);
      const decoded = counters.framesDecoded.get(largest.id) ?? 0;
      if (before !== undefined && decoded >= before) sample.framesPerSecond = Math.min(240, (decoded - before) / seconds);
    }
    return sample;
  }

  reset(): void {
    this.#previous = null;
  }
}

/** Where the reporter reads stats and sends samples: the media session and the connection. */
export interface QualitySource {
  stats(): Promise<{ send: RTCStatsReport | null; recv: RTCStatsReport | null }>;
  report(sample: LinkSample): Promise<unknown>;
}

/**
 * Measures the link every second while joined and reports it (`quality:report`): the server lowers a bad
 * site's picture within a few seconds, so it needs to hear about the link about that often.
 */
export class QualityReporter {
  readonly #probe = new QualityProbe();
  readonly #intervalMs: number;
  #timer = 0;

  constructor(intervalMs = 1_000) {
    this.#intervalMs = intervalMs;
  }

  start(source: QualitySource): void {
    this.stop();
    this.#timer = window.setInterval(async () => {
      try {
        const { send, recv } = await source.stats();
        const sample = this.#probe.measure(send, recv);
        if (Object.keys(sample).length > 0) await source.report(sample);
      } catch (error) {
        // A report lost while the link is down is not worth more than a line in the console.
        console.warn('reporting the link quality failed', error);
      }
    }, this.#intervalMs);
  }

  stop(): void {
    window.clearInterval(this.#timer);
    this.#probe.reset();
  }
}
