import type { BrowserContext, Page } from 'playwright-core';

/** An init script that keeps every RTCPeerConnection the page makes in `window.__peerConnections`. */
const KEEP_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = function (...args) { const pc = new Native(...args); window.__peerConnections.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;

/** The selected candidate pair of each kept connection that is not closed (read in the page: the e2e code has no DOM types). */
const SELECTED_PAIRS = `(async () => {
  const pairs = [];
  for (const pc of window.__peerConnections) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    for (const report of stats.values()) {
      if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
      const pair = stats.get(report.selectedCandidatePairId);
      const local = pair && stats.get(pair.localCandidateId);
      const remote = pair && stats.get(pair.remoteCandidateId);
      pairs.push({
        state: pc.connectionState,
        bytesReceived: pair ? pair.bytesReceived : 0,
        candidateType: local ? local.candidateType : null,
        relayProtocol: local ? local.relayProtocol ?? null : null,
        url: local ? local.url ?? null : null,
        remote: remote ? remote.address + ':' + remote.port : null,
      });
    }
  }
  return pairs;
})()`;

/** One media connection's selected candidate pair, as the TURN tests check it. */
export interface SelectedPair {
  /** The connection's state (RTCPeerConnectionState). */
  state: string;
  bytesReceived: number;
  /** The local candidate's type: 'host', 'srflx', 'relay' … */
  candidateType: string | null;
  /** For a relay candidate, how it reaches the TURN server: 'udp', 'tcp' or 'tls'. */
  relayProtocol: string | null;
  /** For a relay candidate, the TURN server's URL it came from. */
  url: string | null;
  /** The remote candidate's address:port. */
  remote: string | null;
}

/** Keeps the peer connections of every page the context opens from now on, so `selectedPairs` can read them. */
export async function keepPeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(KEEP_PEER_CONNECTIONS);
}

/** The selected candidate pairs of the page's open connections (its context must keep them: `keepPeerConnections`). */
export async function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return (await page.evaluate(SELECTED_PAIRS)) as SelectedPair[];
}
