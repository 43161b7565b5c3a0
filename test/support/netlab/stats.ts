/**
 * What a browser really received, from its own RTCPeerConnection.getStats(): per received video the
 * picture size, frame rate, freezes and bitrate; the site's total received bitrate; and the candidate
 * pair ICE selected (udp or tcp, host or relay). The page's peer connections are recorded by an init
 * script (mediasoup-client keeps them private); a received video is tied to its participant through the
 * <video data-testid="remote-video"> that plays its track.
 */
import type { Page } from 'playwright-core';

/** Keeps every RTCPeerConnection the page makes in `window.__tkLabPeerConnections` (run before the page's scripts). */
export const PEER_CONNECTION_RECORDER = `(() => {
  const Native = globalThis.RTCPeerConnection;
  if (!Native || globalThis.__tkLabPeerConnections) return;
  const recorded = [];
  globalThis.__tkLabPeerConnections = recorded;
  globalThis.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      recorded.push(this);
    }
  };
})();`;

/** The candidate pair ICE selected on one peer connection. */
export interface SelectedPair {
  /** Whether this connection receives media (mediasoup-client: the receive transport). */
  receiving: boolean;
  /** udp or tcp, as the local candidate has it (a relay candidate's own protocol is in relayProtocol). */
  protocol: string;
  localType: string;
  remoteType: string;
  relayProtocol: string | null;
  roundTripMs: number | null;
  availableIncomingKbit: number | null;
}

/** One received video's counters at one moment. */
export interface VideoSample {
  key: string;
  participantId: string | null;
  source: string | null;
  width: number;
  height: number;
  framesPerSecond: number;
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDuration: number;
  bytesReceived: number;
  packetsLost: number;
  packetsReceived: number;
}

export interface StatsSample {
  /** ms, the page's performance.now(). */
  at: number;
  videos: VideoSample[];
  audioBytes: number;
  /** Received audio streams (inbound-rtp entries of kind audio). */
  audioStreams: number;
  pairs: SelectedPair[];
}

/** What the page's getStats() say now (run in the page; written without the DOM library, as the e2e code compiles). */
export function sampleStats(page: Page): Promise<StatsSample> {
  return page.evaluate(async () => {
    type Stat = Record<string, unknown> & { id: string; type: string };
    interface PeerConnection {
      connectionState: string;
      getStats(): Promise<{ forEach(each: (stat: Stat) => void): void }>;
    }
    interface VideoElement {
      srcObject: { getVideoTracks(): Array<{ id: string }> } | null;
      getAttribute(name: string): string | null;
    }
    const scope = globalThis as unknown as { __tkLabPeerConnections?: PeerConnection[]; document: { querySelectorAll(selector: string): Iterable<VideoElement> } };
    const owners = new Map<string, { participantId: string | null; source: string | null }>();
    for (const video of scope.document.querySelectorAll('video[data-testid="remote-video"]')) {
      const track = video.srcObject?.getVideoTracks()[0];
      if (track) owners.set(track.id, { participantId: video.getAttribute('data-participant-id'), source: video.getAttribute('data-source') });
    }
    const num = (value: unknown) => (typeof value === 'number' ? value : 0);
    const sample: StatsSample = { at: performance.now(), videos: [], audioBytes: 0, audioStreams: 0, pairs: [] };
    for (const [index, pc] of (scope.__tkLabPeerConnections ?? []).entries()) {
      if (pc.connectionState === 'closed') continue;
      const stats = new Map<string, Stat>();
      (await pc.getStats()).forEach((stat) => stats.set(stat.id, stat));
      let receiving = false;
      for (const stat of stats.values()) {
        if (stat.type !== 'inbound-rtp') continue;
        receiving = true;
        if (stat.kind === 'audio') {
          sample.audioBytes += num(stat.bytesReceived);
          sample.audioStreams += 1;
        }
        if (stat.kind !== 'video') continue;
        const owner = owners.get(String(stat.trackIdentifier)) ?? { participantId: null, source: null };
        sample.videos.push({
          key: `${index}:${stat.id}`,
          ...owner,
          width: num(stat.frameWidth),
          height: num(stat.frameHeight),
          framesPerSecond: num(stat.framesPerSecond),
          framesDecoded: num(stat.framesDecoded),
          freezeCount: num(stat.freezeCount),
          totalFreezesDuration: num(stat.totalFreezesDuration),
          bytesReceived: num(stat.bytesReceived),
          packetsLost: num(stat.packetsLost),
          packetsReceived: num(stat.packetsReceived),
        });
      }
      for (const stat of stats.values()) {
        if (stat.type !== 'transport' || typeof stat.selectedCandidatePairId !== 'string') continue;
        const pair = stats.get(stat.selectedCandidatePairId);
        const local = pair && stats.get(String(pair.localCandidateId));
        const remote = pair && stats.get(String(pair.remoteCandidateId));
        if (!pair || !local || !remote) continue;
        sample.pairs.push({
          receiving,
          protocol: String(local.protocol),
          localType: String(local.candidateType),
          remoteType: String(remote.candidateType),
          relayProtocol: typeof local.relayProtocol === 'string' ? local.relayProtocol : null,
          roundTripMs: typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000 : null,
          availableIncomingKbit: typeof pair.availableIncomingBitrate === 'number' ? pair.availableIncomingBitrate / 1000 : null,
        });
      }
    }
    return sample;
  });
}

/** One received video over a window. */
export interface ReceivedVideo {
  participantId: string | null;
  source: string | null;
  width: number;
  height: number;
  /** Frames decoded per second over the window (the browser's own last-second figure for a video new in it). */
  framesPerSecond: number;
  kbit: number;
  /** Freezes that began, and seconds frozen, within the window. */
  freezes: number;
  frozenSeconds: number;
  lossRate: number;
}

/** What a site received between two samples. */
export interface Received {
  seconds: number;
  /** Audio and video, all senders. */
  totalKbit: number;
  /** Audio alone, all senders, and how many audio streams arrived. */
  audioKbit: number;
  audioStreams: number;
  videos: ReceivedVideo[];
  /** The receive transport's selected pair (null before ICE has connected). */
  pair: SelectedPair | null;
}

export function receivedBetween(before: StatsSample, after: StatsSample): Received {
  const ms = Math.max(1, after.at - before.at);
  const kbit = (bytes: number) => (bytes * 8) / ms;
  const earlier = new Map(before.videos.map((video) => [video.key, video]));
  const videos = after.videos.map((video): ReceivedVideo => {
    const from = earlier.get(video.key);
    const lost = video.packetsLost - (from?.packetsLost ?? 0);
    const received = video.packetsReceived - (from?.packetsReceived ?? 0);
    return {
      participantId: video.participantId,
      source: video.source,
      width: video.width,
      height: video.height,
      // Frames decoded over the window, not the browser's last-second figure: a steady picture is one that
      // keeps decoding through the window, and one frozen second must not decide it.
      framesPerSecond: from ? (video.framesDecoded - from.framesDecoded) / (ms / 1000) : video.framesPerSecond,
      kbit: kbit(video.bytesReceived - (from?.bytesReceived ?? 0)),
      freezes: video.freezeCount - (from?.freezeCount ?? 0),
      frozenSeconds: video.totalFreezesDuration - (from?.totalFreezesDuration ?? 0),
      lossRate: lost + received > 0 ? lost / (lost + received) : 0,
    };
  });
  const videoBytes = (sample: StatsSample) => sample.videos.reduce((sum, video) => sum + video.bytesReceived, 0);
  return {
    seconds: ms / 1000,
    totalKbit: kbit(videoBytes(after) + after.audioBytes - videoBytes(before) - before.audioBytes),
    audioKbit: kbit(after.audioBytes - before.audioBytes),
    audioStreams: after.audioStreams,
    videos,
    pair: after.pairs.find((pair) => pair.receiving) ?? null,
  };
}

/** Samples, waits `ms`, samples again: what the page received over that window. */
export async function measureReceived(page: Page, ms: number): Promise<Received> {
  const before = await sampleStats(page);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return receivedBetween(before, await sampleStats(page));
}

/** One line for a test's log: total and per-video figures. */
export function describeReceived(received: Received): string {
  const videos = received.videos.map((v) => `${v.participantId ?? '?'}/${v.source ?? '?'} ${v.width}x${v.height} ${v.framesPerSecond.toFixed(0)} fps ${v.kbit.toFixed(0)} kbit/s, ${v.freezes} freezes ${v.frozenSeconds.toFixed(1)} s, loss ${(100 * v.lossRate).toFixed(1)} %`);
  const pair = received.pair ? ` via ${received.pair.protocol}/${received.pair.localType}→${received.pair.remoteType}` : '';
  return `${received.totalKbit.toFixed(0)} kbit/s over ${received.seconds.toFixed(1)} s${pair} (audio ${received.audioKbit.toFixed(0)} kbit/s in ${received.audioStreams} streams); ${videos.join('; ')}`;
}

/** One simulcast layer a page sends now (its camera's outbound-rtp), with why the browser limits it. */
export interface SentLayer {
  rid: string;
  width: number;
  height: number;
  framesPerSecond: number;
  bytesSent: number;
  qualityLimitationReason: string;
  active: boolean;
}

/** What a sender's getStats() say of its video layers now (the teacher's camera: which layers it really sends). */
export function sampleSent(page: Page): Promise<SentLayer[]> {
  return page.evaluate(async () => {
    type Stat = Record<string, unknown> & { id: string; type: string };
    interface PeerConnection {
      connectionState: string;
      getStats(): Promise<{ forEach(each: (stat: Stat) => void): void }>;
    }
    const scope = globalThis as unknown as { __tkLabPeerConnections?: PeerConnection[] };
    const layers: SentLayer[] = [];
    for (const pc of scope.__tkLabPeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((stat) => {
        if (stat.type !== 'outbound-rtp' || stat.kind !== 'video') return;
        layers.push({
          rid: typeof stat.rid === 'string' ? stat.rid : '-',
          width: typeof stat.frameWidth === 'number' ? stat.frameWidth : 0,
          height: typeof stat.frameHeight === 'number' ? stat.frameHeight : 0,
          framesPerSecond: typeof stat.framesPerSecond === 'number' ? stat.framesPerSecond : 0,
          bytesSent: typeof stat.bytesSent === 'number' ? stat.bytesSent : 0,
          qualityLimitationReason: typeof stat.qualityLimitationReason === 'string' ? stat.qualityLimitationReason : '-',
          active: stat.active !== false,
        });
      });
    }
    return layers.sort((a, b) => a.height - b.height);
  });
}

/** One line for a log: each layer a sender sends, e.g. `r0 320x180 20 fps (none)`. */
export function describeSent(layers: SentLayer[]): string {
  return layers.map((layer) => `${layer.rid} ${layer.width}x${layer.height} ${layer.framesPerSecond.toFixed(0)} fps${layer.active ? '' : ' inactive'} (${layer.qualityLimitationReason})`).join('; ');
}
