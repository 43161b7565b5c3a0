import type { LessonHandlerTable } from '../../handlers.js';

/** Chat requests: any participant writes (while chat is on); the lead teacher turns it on and off. */
export const CHAT_HANDLERS: Pick<LessonHandlerTable, 'chat:send' | 'chat:set-enabled'> = {
  'chat:send': { access: 'joined', run: async ({ joined }, { text }) => ({ id: joined.running.lesson.features.chat.send(joined.participant.id, text).id }) },
  'chat:set-enabled': { access: 'moderator', run: async ({ joined }, { enabled }) => (joined.running.lesson.features.chat.setEnabled(enabled), {}) },
};
