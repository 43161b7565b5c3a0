import { Type } from 'typebox';
import { Id, Strict } from '../strict.js';
import { PollView } from '../model.js';

/*
 * Polls and quizzes of a live lesson: their requests and events (spread into ../protocol.ts).
 */

export const POLL_REQUESTS = {
  /** Lead teacher: ask a question; with `correct` it is a quiz. */
  'poll:create': {
    payload: Strict({
      question: Type.String({ minLength: 1, maxLength: 300 }),
      options: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 8 }),
      multiple: Type.Boolean(),
      /** Indexes of the correct options: makes the poll a quiz. */
      correct: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 7 }), { minItems: 1, maxItems: 8 })),
    }),
    data: Type.Object({ pollId: Type.String() }),
  },
  /** A site's (or student's) answer: once per poll, while it is open. */
  'poll:answer': {
    payload: Strict({ pollId: Id, choices: Type.Array(Type.Integer({ minimum: 0, maximum: 7 }), { minItems: 1, maxItems: 8 }) }),
    data: Type.Object({}),
  },
  'poll:close': { payload: Strict({ pollId: Id }), data: Type.Object({}) },
} as const;

export const POLL_EVENTS = {
  /** A poll as this site may see it (its own answer; results and answers per site as its role allows). */
  'poll:updated': PollView,
} as const;
