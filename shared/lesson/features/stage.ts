import { Type } from 'typebox';
import { Id, Strict } from '../strict.js';

/*
 * The stage of a live lesson (two-way audio and video seen by every site): its requests (spread into
 * ../protocol.ts). Who is on stage travels in each ParticipantView (`onStage`); there is no event of its own.
 */

export const STAGE_REQUESTS = {
  /** Lead teacher: call a site onto the stage (lowers its raised hand). */
  'stage:invite': { payload: Strict({ participantId: Id }), data: Type.Object({}) },
  /** Lead teacher: send a site back; a site may also step down by itself (its screen share ends). */
  'stage:return': { payload: Strict({ participantId: Id }), data: Type.Object({}) },
} as const;
