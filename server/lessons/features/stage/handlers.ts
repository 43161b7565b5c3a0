import type { LessonHandlerTable } from '../../handlers.js';

/** Stage requests: the lead teacher invites; she or the site itself sends it back. */
export const STAGE_HANDLERS: Pick<LessonHandlerTable, 'stage:invite' | 'stage:return'> = {
  'stage:invite': { access: 'moderator', run: async ({ joined }, { participantId }) => (joined.running.lesson.features.stage.invite(participantId), {}) },
  'stage:return': { access: 'joined', run: async ({ joined }, { participantId }) => (joined.running.lesson.features.stage.return(joined.participant, participantId), {}) },
};
