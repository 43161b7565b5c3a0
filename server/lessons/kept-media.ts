import type { LessonRequestData } from '../../shared/lesson/protocol.js';
import type { DtlsState, IceState } from '../../media/index.js';

/*
 * A site's media outlives its signalling link. Village links stall for seconds at a time while RTP still
 * flows (the socket's heartbeat is one small TCP stream; audio is many small UDP packets that a lossy link
 * lets through more often than not), so a dropped socket keeps the site's transports, producers and
 * consumers for the reconnect grace period. What ends them is what really ends media: the grace running
 * out, the lesson ending, or the transports' own ICE/DTLS saying the path is gone.
 */

/** The answer to a join's `resumeMedia`: her media, kept through the drop. */
export type ResumedMedia = NonNullable<LessonRequestData<'lesson:join'>['resumedMedia']>;

/** A WebRTC transport's state change as media/ reports it (only the field that changed is set). */
export interface TransportStateChange {
  ice?: IceState;
  dtls?: DtlsState;
}

/**
 * Whether a transport state change means the site's media is gone for real. DTLS failed or closed and ICE
 * closed end a transport whatever the signalling does. ICE `disconnected` counts only while the site's
 * signalling is down too: with a live socket the client restarts ICE itself; without one nothing flows and
 * nothing can repair the path, so holding the media for the rest of the grace period would only keep a ghost.
 */
export function mediaLost(change: TransportStateChange, signallingUp: boolean): boolean {
  if (change.dtls === 'failed' || change.dtls === 'closed') return true;
  if (change.ice === 'closed') return true;
  return change.ice === 'disconnected' && !signallingUp;
}

/**
 * Whether the transports a reconnecting client offers are the ones the server still holds for her: the same
 * non-empty set. Anything else (a new tab, a reload, transports rebuilt after a worker died) starts afresh.
 */
export function sameTransports(held: readonly string[], offered: readonly string[] | undefined): boolean {
  if (!offered || held.length === 0 || held.length !== offered.length) return false;
  const offeredSet = new Set(offered);
  return held.every((id) => offeredSet.has(id));
}
