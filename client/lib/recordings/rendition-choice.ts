import type { RecordingRendition, RenditionView } from '../../../shared/api/recordings.js';

/** What the browser says about the link (Network Information API, Chromium only; absent elsewhere). */
export interface ConnectionHint {
  effectiveType?: string;
  /** Estimated downlink, Mbit/s. */
  downlink?: number;
  saveData?: boolean;
}

/** A link must carry the high rendition with this much to spare to play it without stalling. */
export const HEADROOM = 1.5;
/** How much of the high rendition is fetched to measure the link when the browser says nothing. */
export const PROBE_BYTES = 256 * 1024;
/** A probe slower than this means a slow link, whatever it would have measured. */
export const PROBE_TIMEOUT_MS = 4000;
const SLOW_TYPES = ['slow-2g', '2g', '3g'];

/** Fetches the first `bytes` of a URL; resolves with how many bytes came (aborted by the signal). */
export type Probe = (url: string, bytes: number, signal: AbortSignal) => Promise<number>;

/**
 * Picks the rendition a village link can play: the low one when the browser says the link is slow (or to
 * save data), or, when it says nothing, when the first bytes of the high one come slower than it plays.
 */
export class RenditionChooser {
  constructor(
    private readonly probe: Probe,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The browser's word alone: a rendition, or null when it does not say enough. */
  static fromHint(hint: ConnectionHint | undefined, highBitrate: number): RecordingRendition | null {
    if (!hint) return null;
    if (hint.saveData) return 'low';
    if (hint.effectiveType && SLOW_TYPES.includes(hint.effectiveType)) return 'low';
    if (typeof hint.downlink === 'number' && hint.downlink > 0) return hint.downlink * 1_000_000 < highBitrate * HEADROOM ? 'low' : 'high';
    return hint.effectiveType ? 'high' : null;
  }

  async choose(renditions: readonly RenditionView[], hint?: ConnectionHint): Promise<RecordingRendition | null> {
    const high = renditions.find((r) => r.rendition === 'high');
    const low = renditions.find((r) => r.rendition === 'low');
    if (!high || !low) return (high ?? low)?.rendition ?? null;
    const told = RenditionChooser.fromHint(hint, high.bitrate);
    if (told) return told;
    return (await this.measure(high.url)) < high.bitrate * HEADROOM ? 'low' : 'high';
  }

  /** The link's rate in bit/s, from fetching the first bytes of a file (0 when it failed or timed out). */
  async measure(url: string): Promise<number> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
    const started = this.now();
    try {
      const bytes = await this.probe(url, PROBE_BYTES, abort.signal);
      const seconds = Math.max((this.now() - started) / 1000, 0.001);
      return (bytes * 8) / seconds;
    } catch (error) {
      if (!abort.signal.aborted) console.warn('could not measure the link; playing the low rendition', error);
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The real probe: a Range request for the first bytes (the media route answers 206). */
export const fetchProbe: Probe = async (url, bytes, signal) => {
  const response = await fetch(url, { headers: { range: `bytes=0-${bytes - 1}` }, credentials: 'same-origin', signal });
  if (!response.ok) throw new Error(`probe answered ${response.status}`);
  return (await response.arrayBuffer()).byteLength;
};

/** The browser's connection hint, where it has one. */
export function connectionHint(): ConnectionHint | undefined {
  const connection = (navigator as Navigator & { connection?: ConnectionHint }).connection;
  return connection ? { effectiveType: connection.effectiveType, downlink: connection.downlink, saveData: connection.saveData } : undefined;
}
