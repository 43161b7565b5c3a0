import { EventEmitter } from 'node:events';

/** Why sessions ended: each is also a reason live lesson sockets of those sessions must close. */
export const REVOCATION_REASONS = ['signed_out', 'deactivated', 'password_reset', 'roles_changed', 'device_unpaired', 'link_revoked'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** Sessions that no longer exist in the database; whatever still runs on them must stop. */
export interface SessionRevocation {
  userId: number;
  /** SHA-256 of each ended session token (what `AuthenticatedPrincipal.sessionTokenHash` holds). */
  tokenHashes: readonly string[];
  reason: RevocationReason;
}

export interface RevocationEvents {
  /** Sessions ended, here or on another node: what this node's live connections of them must act on. */
  revoked: [SessionRevocation];
  /** Sessions ended by this node (also `revoked`): what the other nodes must hear of (cluster/revocations.ts). */
  announced: [SessionRevocation];
}

/**
 * The accounts service announces here every session it ends. HTTP requests re-read their session on each
 * request and need no notice; long-lived connections (the lesson gateway's sockets) subscribe to end theirs.
 * With several nodes, a session's socket may be on another node: what one node announces, the others receive.
 */
export class RevocationNotifier extends EventEmitter<RevocationEvents> {
  announce(revocation: SessionRevocation): void {
    if (revocation.tokenHashes.length === 0) return;
    this.emit('revoked', revocation);
    this.emit('announced', revocation);
  }

  /** A revocation another node announced: acted on here, not announced again. */
  receive(revocation: SessionRevocation): void {
    if (revocation.tokenHashes.length > 0) this.emit('revoked', revocation);
  }
}
