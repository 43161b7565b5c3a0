import type { Locale } from '../../shared/i18n/index.js';
import type { Principal } from '../policy/policy.js';
import type { SessionKind } from './repository.js';

/** The signed-in user behind a request or socket: identity, grants, and how she signed in. */
export interface AuthenticatedPrincipal extends Principal {
  username: string;
  displayName: string;
  locale: Locale | null;
  sessionKind: SessionKind;
  /** SHA-256 of the session token (to end this session). */
  sessionTokenHash: string;
}

export const SESSION_COOKIE = 'tongke_session';
export const LOCALE_COOKIE = 'tongke_locale';
