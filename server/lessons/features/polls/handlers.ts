import type { LessonHandlerTable } from '../../handlers.js';

/** Poll requests: the lead teacher asks and closes; the sites answer. */
export const POLL_HANDLERS: Pick<LessonHandlerTable, 'poll:create' | 'poll:answer' | 'poll:close'> = {
  'poll:create': {
    access: 'moderator',
    run: async ({ joined }, { question, options, multiple, correct }) => ({ pollId: joined.running.lesson.features.polls.create(question, options, multiple, correct ?? null).id }),
  },
  'poll:answer': { access: 'joined', run: async ({ joined }, { pollId, choices }) => (joined.running.lesson.features.polls.answer(joined.participant.id, pollId, choices), {}) },
  'poll:close': { access: 'moderator', run: async ({ joined }, { pollId }) => (joined.running.lesson.features.polls.close(pollId), {}) },
};
