import { Type } from 'typebox';
import { Strict } from '../strict.js';
import { ChatMessage } from '../model.js';

/*
 * The chat of a live lesson: its requests and events. The lesson's protocol (../protocol.ts) spreads each
 * feature's tables into LESSON_REQUESTS and LESSON_EVENTS, so a feature's wire contract lives beside its name.
 */

export const CHAT_REQUESTS = {
  /** A message to the whole lesson; refused while the teacher has turned chat off (she can always write). */
  'chat:send': { payload: Strict({ text: Type.String({ minLength: 1, maxLength: 500 }) }), data: Type.Object({ id: Type.String() }) },
  /** Lead teacher: turn chat on or off for the sites. */
  'chat:set-enabled': { payload: Strict({ enabled: Type.Boolean() }), data: Type.Object({}) },
} as const;

export const CHAT_EVENTS = {
  'chat:message': ChatMessage,
  'chat:enabled': Type.Object({ enabled: Type.Boolean() }),
} as const;
