import type { LessonHandlerTable } from '../../handlers.js';

/** Recording requests: the lead teacher's (the feature checks the course's policy). */
export const RECORDING_HANDLERS: Pick<LessonHandlerTable, 'recording:start' | 'recording:stop'> = {
  'recording:start': { access: 'moderator', run: ({ joined }) => joined.running.lesson.features.recording.start(joined.participant) },
  'recording:stop': { access: 'moderator', run: ({ joined }) => joined.running.lesson.features.recording.stop(joined.participant) },
};
