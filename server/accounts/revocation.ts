import { EventEmitter } from 'node:events';

/** Why sessions ended: each is also a reason live lesson sockets of those sessions must close. */
export type RevocationReason = 'signed_out' | 'deactivated' | 'password_reset' | 'roles_changed' | 'device_unpaired' | 'link_revoked';

/** Sessions that no longer exist in the database; whatever still runs on them must stop. */
export interface SessionRevocation {
  userId: number;
  /** SHA-256 of each ended session token (what `AuthenticatedPrincipal.sessionTokenHash` holds). */
  tokenHashes: readonly string[];
  reason: RevocationReason;
}

/**
 * The accounts service announces here every session it ends. HTTP requests re-read their session on each
 * request and need no notice; long-lived connections (the lesson gateway's sockets) subscribe to end theirs.
 */
export class RevocationNotifier extends EventEmitter<{ revoked: [SessionRevocation] }> {
  announce(revocation: SessionRevocation): void {
    if (revocation.tokenHashes.length > 0) this.emit('revoked', revocation);
  }
}
