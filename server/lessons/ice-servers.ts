import type { Static } from 'typebox';
import type { IceServer } from '../../shared/lesson/protocol.js';
import type { TongkeConfig } from '../config.js';

/**
 * The ICE servers a browser is given: for joining a lesson and for the pre-join network check alike, so the
 * check tests exactly what a join will use. The one place that turns TONGKE_TURN_* into browser settings
 * (time-limited TURN credentials, when they come, belong here too).
 */
export function iceServersFor(config: Pick<TongkeConfig, 'turnUrls' | 'turnUsername' | 'turnCredential'>): Array<Static<typeof IceServer>> {
  const urls = turnUrlsOf(config);
  if (urls.length === 0) return [];
  return [{ urls, ...(config.turnUsername ? { username: config.turnUsername, credential: config.turnCredential } : {}) }];
}

/** The configured TURN/STUN URLs, without credentials. */
export function turnUrlsOf(config: Pick<TongkeConfig, 'turnUrls'>): string[] {
  return config.turnUrls.split(',').map((url) => url.trim()).filter(Boolean);
}
