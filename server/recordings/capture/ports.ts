/**
 * Local UDP port pairs for the recorders' RTP: an even RTP port and the RTCP port above it (where FFmpeg's
 * RTP demuxer listens by default). Ports are handed out round-robin, so a port just released (whose
 * FFmpeg may still be closing) is the last to come back.
 */
import dgram from 'node:dgram';

export interface RtpPortPair {
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

/** Below the SFU's default RTC range (40000–49999), so the two never meet. */
export const DEFAULT_RECORDER_PORTS = { min: 39000, max: 39999 } as const;

export class RtpPortAllocator {
  readonly #min: number;
  readonly #pairs: number;
  readonly #taken = new Set<number>();
  #next = 0;

  constructor(range: { min: number; max: number } = DEFAULT_RECORDER_PORTS) {
    this.#min = range.min + (range.min % 2);
    this.#pairs = Math.floor((range.max - this.#min + 1) / 2);
    if (this.#pairs < 1) throw new Error(`no RTP port pair fits in ${range.min}–${range.max}`);
  }

  /** @throws {Error} when every pair is in use (each recorded producer holds one). */
  take(): RtpPortPair {
    for (let tried = 0; tried < this.#pairs; tried++) {
      const rtpPort = this.#min + 2 * ((this.#next + tried) % this.#pairs);
      if (this.#taken.has(rtpPort)) continue;
      this.#taken.add(rtpPort);
      this.#next = (this.#next + tried + 1) % this.#pairs;
      return { rtpPort, rtcpPort: rtpPort + 1 };
    }
    throw new Error('every recorder RTP port is in use');
  }

  release(pair: RtpPortPair): void {
    this.#taken.delete(pair.rtpPort);
  }

  get inUse(): number {
    return this.#taken.size;
  }
}

/** Whether something (FFmpeg) holds this local UDP port now. */
export function udpPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = dgram.createSocket('udp4');
    probe.once('error', () => {
      probe.close();
      resolve(true);
    });
    probe.bind(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
