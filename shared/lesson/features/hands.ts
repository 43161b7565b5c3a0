import { Type } from 'typebox';
import { Id, Strict } from '../strict.js';

/*
 * Raised hands of a live lesson: its requests and events (spread into ../protocol.ts). A site's own hand is
 * also in its ParticipantView (`handRaisedAt`); the queue is the lead teacher's list, oldest first.
 */

export const HAND_REQUESTS = {
  'hand:raise': { payload: Strict({}), data: Type.Object({}) },
  /** Lower one's own hand, or (lead teacher) someone else's. */
  'hand:lower': { payload: Strict({ participantId: Type.Optional(Id) }), data: Type.Object({}) },
} as const;

/** One raised hand in the queue. */
export const HandQueueEntry = Type.Object({ participantId: Type.String(), raisedAt: Type.String() });

export const HAND_EVENTS = {
  /** Every raised hand, oldest first, after any hand went up or down (or its site left). */
  'hand:queue': Type.Object({ queue: Type.Array(HandQueueEntry) }),
} as const;
