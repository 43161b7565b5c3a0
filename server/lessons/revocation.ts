import type { Namespace } from 'socket.io';
import type { FastifyBaseLogger } from 'fastify';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import type { RevocationNotifier, SessionRevocation } from '../accounts/revocation.js';
import type { LessonRegistry } from './registry.js';
import type { SiteChannel } from './running-lesson.js';

/** What the gateway keeps on each socket that revocation needs: who opened it, and its lesson channel. */
export interface RevocableSocketData {
  principal: AuthenticatedPrincipal;
  channel?: SiteChannel;
}

/**
 * Ends the live lesson sockets of every session the accounts service ends (sign-out, deactivation, password
 * reset, role change, device unpairing, a revoked student link). A socket's participant leaves its lesson as
 * "removed" — the site is told, the others see it leave — and the socket is disconnected; a new handshake
 * with the ended session is refused. Unlike a removal by the teacher, the account is not barred from the
 * lesson: signed in again, and still allowed, it may rejoin. Returns the unsubscribe function.
 */
export function endRevokedSockets(namespace: Namespace, revocations: RevocationNotifier, registry: LessonRegistry, log: FastifyBaseLogger): () => void {
  const onRevoked = ({ userId, tokenHashes, reason }: SessionRevocation) => {
    const ended = new Set(tokenHashes);
    for (const socket of namespace.sockets.values()) {
      const data = socket.data as Partial<RevocableSocketData>;
      if (!data.principal || !ended.has(data.principal.sessionTokenHash)) continue;
      for (const { courseId } of registry.summaries()) {
        const running = registry.live(courseId);
        const participant = running?.lesson.participants.find((p) => p.identity.userId === userId && data.channel !== undefined && running.channel(p.id) === data.channel);
        if (!running || !participant) continue;
        log.info({ lessonSessionId: running.lesson.lessonSessionId, participantId: participant.id, userId, reason }, 'session ended: participant removed from the lesson');
        running.remove(participant, { barred: false });
      }
      socket.disconnect(true);
    }
  };
  revocations.on('revoked', onRevoked);
  return () => revocations.off('revoked', onRevoked);
}
