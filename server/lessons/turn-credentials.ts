import { createHmac } from 'node:crypto';
import type { Static } from 'typebox';
import type { IceServer } from '../../shared/lesson/protocol.js';
import type { TongkeConfig } from '../config.js';

/** A TURN user name and password of the TURN REST convention, and when coturn stops accepting it. */
export interface TurnCredential {
  /** `<expiry as Unix seconds>:<userId>` — coturn reads the expiry from the name itself. */
  username: string;
  /** base64(HMAC-SHA1(shared secret, username)): coturn recomputes it from its static-auth-secret. */
  credential: string;
  expiresAt: Date;
}

/**
 * A time-limited TURN credential for one user, as coturn's `use-auth-secret` checks it: nothing is stored on
 * either side, and a leaked one (it sits in a browser's page) stops working at its expiry instead of letting
 * anyone relay through the school's TURN server for ever, as a static password would.
 */
export function turnCredential(secret: string, userId: number, now: Date, validSeconds: number): TurnCredential {
  const expiry = Math.floor(now.getTime() / 1000) + validSeconds;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}

/** The TURN/STUN servers Tongke's configuration names, without credentials. */
export function turnUrls(config: Pick<TongkeConfig, 'turnUrls'>): string[] {
  return config.turnUrls
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

/**
 * What a site's browser is given to reach the TURN servers on joining: with TONGKE_TURN_SECRET a credential of
 * its own valid TONGKE_TURN_CREDENTIAL_SECONDS from now; else the static user name and password, if any.
 */
export function iceServersFor(
  config: Pick<TongkeConfig, 'turnUrls' | 'turnUsername' | 'turnCredential' | 'turnSecret' | 'turnCredentialSeconds'>,
  userId: number,
  now: Date = new Date(),
): Static<typeof IceServer>[] {
  const urls = turnUrls(config);
  if (urls.length === 0) return [];
  if (config.turnSecret) {
    const { username, credential } = turnCredential(config.turnSecret, userId, now, config.turnCredentialSeconds);
    return [{ urls, username, credential }];
  }
  return [{ urls, ...(config.turnUsername ? { username: config.turnUsername, credential: config.turnCredential } : {}) }];
}
