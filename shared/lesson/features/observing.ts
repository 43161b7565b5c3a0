import { Type, type Static } from 'typebox';
import { Strict } from '../strict.js';

/*
 * Observing (听课) a live lesson: observers receive only and are no site, so no site sees them in its list.
 * What every site learns is how many observe, and the lead teacher decides whether they may chat (spread
 * into ../protocol.ts).
 */

/** Observers of the lesson as everyone sees them: a number, never a list. */
export const ObservingView = Type.Object({
  /** Observers in the lesson now. */
  count: Type.Integer({ minimum: 0 }),
  /** The lead teacher lets observers write in the chat (off by default). */
  chatAllowed: Type.Boolean(),
});
export type ObservingView = Static<typeof ObservingView>;

export const OBSERVING_REQUESTS = {
  /** Lead teacher: let observers write in the chat, or stop them. */
  'observers:chat': { payload: Strict({ allowed: Type.Boolean() }), data: Type.Object({}) },
} as const;

export const OBSERVING_EVENTS = {
  /** The number of observers changed, or whether they may chat (to every site). */
  'observers:changed': ObservingView,
} as const;
