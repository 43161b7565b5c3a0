import type { LessonRequestPayload } from '../../../shared/lesson/protocol.js';

export type LinkSample = LessonRequestPayload<'quality:report'>;

interface Counters {
  at: number;
  bytesReceived: number;
  bytesSent: number;
  packetsLost: number;
  packetsReceived: number;
}

/**
 * Turns the transports' WebRTC stats into the link report the server grades sites by (the teacher's
 * quality badge): round-trip time of the active candidate pair, loss and bitrates since the last sample.
 */
export class QualityProbe {
  #previous: Counters | null = null;

  measure(send: RTCStatsReport | null, recv: RTCStatsReport | null, now = performance.now()): LinkSample {
    const counters: Counters = { at: now, bytesReceived: 0, bytesSent: 0, packetsLost: 0, packetsReceived: 0 };
    const rtts: number[] = [];
    for (const report of [send, recv]) {
      report?.forEach((stat: Record<string, unknown>) => {
        const number = (key: string) => (typeof stat[key] === 'number' ? (stat[key] as number) : 0);
        if (stat.type === 'candidate-pair' && stat.nominated === true && stat.state === 'succeeded' && typeof stat.currentRoundTripTime === 'number') {
          rtts.push(stat.currentRoundTripTime * 1000);
        } else if (stat.type === 'inbound-rtp') {
          counters.bytesReceived += number('bytesReceived');
          counters.packetsLost += Math.max(0, number('packetsLost'));
          counters.packetsReceived += number('packetsReceived');
        } else if (stat.type === 'outbound-rtp') {
          counters.bytesSent += number('bytesSent');
        }
      });
    }
    const sample: LinkSample = {};
    if (rtts.length > 0) sample.rttMs = Math.min(60_000, Math.max(...rtts));
    const previous = this.#previous;
    this.#previous = counters;
    if (!previous || counters.at <= previous.at) return sample;
    const seconds = (counters.at - previous.at) / 1000;
    const lost = counters.packetsLost - previous.packetsLost;
    const received = counters.packetsReceived - previous.packetsReceived;
    if (lost >= 0 && received >= 0 && lost + received > 0) sample.packetLossPct = Math.min(100, (lost / (lost + received)) * 100);
    const bitrate = (now: number, before: number) => Math.max(0, Math.round(((now - before) * 8) / seconds));
    sample.recvBitrate = bitrate(counters.bytesReceived, previous.bytesReceived);
    sample.sendBitrate = bitrate(counters.bytesSent, previous.bytesSent);
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

/** Measures the link every few seconds while joined and reports it (`quality:report`). */
export class QualityReporter {
  readonly #probe = new QualityProbe();
  readonly #intervalMs: number;
  #timer = 0;

  constructor(intervalMs = 5_000) {
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
