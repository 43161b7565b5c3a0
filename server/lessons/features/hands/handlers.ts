import type { LessonHandlerTable } from '../../handlers.js';

/** Hand requests: any participant raises and lowers her own hand; the lead teacher lowers anyone's. */
export const HAND_HANDLERS: Pick<LessonHandlerTable, 'hand:raise' | 'hand:lower'> = {
  'hand:raise': { access: 'joined', run: async ({ joined }) => (joined.running.lesson.features.hands.raise(joined.participant.id), {}) },
  'hand:lower': { access: 'joined', run: async ({ joined }, { participantId }) => (joined.running.lesson.features.hands.lower(joined.participant, participantId), {}) },
};
