import { ApiError } from '../../../core/errors.js';
import type { LessonHandlerTable } from '../../handlers.js';

type BoardRequest = 'board:open' | 'board:add-blank' | 'board:show-document' | 'board:turn' | 'board:stroke' | 'board:place' | 'board:erase' | 'board:laser' | 'board:pen';

/**
 * Board requests. Pages and the pen are the lead teacher's (`moderator`); ink is open to any participant at
 * the gate and decided by the board itself (the teacher, or the site she handed the pen to).
 */
export const BOARD_HANDLERS: Pick<LessonHandlerTable, BoardRequest> = {
  'board:open': { access: 'moderator', run: async ({ joined }, { open }) => (joined.running.lesson.features.board.setOpen(open), {}) },
  'board:add-blank': { access: 'moderator', run: async ({ joined }) => ({ pageId: joined.running.lesson.features.board.addBlankPage().id }) },
  'board:show-document': {
    access: 'moderator',
    run: async ({ joined, services }, { coursewareId }) => {
      // The sites fetch the document by its course's rights: one of another course (or removed) would not show,
      // and its pages are the server's to count, not the teacher's browser's.
      const document = await services.coursewareDocument(coursewareId);
      if (!document || document.courseId !== joined.running.lesson.courseId) throw new ApiError('not_found');
      if (document.pageCount === null) throw new ApiError('conflict');
      return { pageId: joined.running.lesson.features.board.showDocument(coursewareId, document.pageCount).id };
    },
  },
  'board:turn': { access: 'moderator', run: async ({ joined }, { pageId }) => (joined.running.lesson.features.board.turn(pageId), {}) },
  'board:stroke': { access: 'joined', run: async ({ joined }, piece) => (joined.running.lesson.features.board.stroke(joined.participant.id, piece), {}) },
  'board:place': {
    access: 'joined',
    run: async ({ joined }, { pageId, item }) => ({ itemId: joined.running.lesson.features.board.place(joined.participant.id, pageId, item).id }),
  },
  'board:erase': {
    access: 'joined',
    run: async ({ joined }, { pageId, itemIds, all }) => {
      // Exactly one of the two: an empty erase, or both at once, is a client bug worth hearing about.
      if ((all === true) === (itemIds !== undefined)) throw new ApiError('bad_request');
      joined.running.lesson.features.board.erase(joined.participant.id, pageId, itemIds ?? null);
      return {};
    },
  },
  'board:laser': { access: 'joined', run: async ({ joined }, { pageId, at }) => (joined.running.lesson.features.board.laser(joined.participant.id, pageId, at), {}) },
  'board:pen': { access: 'moderator', run: async ({ joined }, { participantId }) => (joined.running.lesson.features.board.handPen(participantId), {}) },
};
