import type { LessonHandlerTable } from '../../handlers.js';

/** Observing requests: the lead teacher lets observers chat, or stops them. */
export const OBSERVING_HANDLERS: Pick<LessonHandlerTable, 'observers:chat'> = {
  'observers:chat': { access: 'moderator', run: async ({ joined }, { allowed }) => (joined.running.lesson.features.observing.setChatAllowed(allowed), {}) },
};
