import { Type, type Static } from 'typebox';

/*
 * Broadcast (直播) of a live lesson to receive-only viewers (名校网络课堂): whether the lesson is broadcast,
 * and how many watch it (spread into ../protocol.ts). Viewers are in no site's list; the lead teacher and
 * observers learn their number, and of each viewer only while her hand is up or once she has been on stage.
 */

/** The broadcast as one participant sees it. */
export const BroadcastView = Type.Object({
  /** The lead teacher started the lesson as a broadcast. */
  enabled: Type.Boolean(),
  /** Viewers in the lesson now: counted for the lead teacher and observers, 0 for everyone else. */
  viewers: Type.Integer({ minimum: 0 }),
});
export type BroadcastView = Static<typeof BroadcastView>;

export const BROADCAST_EVENTS = {
  /**
   * The number of viewers changed (to the lead teacher and observers only, at most about once a second:
   * a thousand viewers joining cost the teacher a few messages, and the other sites none).
   */
  'viewers:changed': Type.Object({ count: Type.Integer({ minimum: 0 }) }),
} as const;
