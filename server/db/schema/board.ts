import { table, id, int, json, text, uniqueIndex } from './columns.js';
import { lessonSessions } from './teaching.js';
import { courseware } from './courseware.js';
import type { BoardItem } from '../../../shared/lesson/features/board.js';

/**
 * The whiteboard pages of a lesson, kept when it ends (互动白板 留存): each page in the order it was added,
 * what it showed (blank, or a page of a courseware document) and its ink as the vectors the sites drew
 * (the wire contract's BoardItem, in page space). The lesson report exports them as PDF.
 */
export const boardPages = table(
  'board_pages',
  {
    id: id(),
    lessonSessionId: int('lesson_session_id').notNull().references(() => lessonSessions.id, { onDelete: 'cascade' }),
    position: int('position').notNull(),
    sourceKind: text('source_kind', { enum: ['blank', 'document'] }).notNull(),
    coursewareId: int('courseware_id').references(() => courseware.id),
    pageNumber: int('page_number'),
    items: json('items').$type<BoardItem[]>().notNull(),
  },
  (t) => [uniqueIndex('board_pages_lesson_position_idx').on(t.lessonSessionId, t.position)],
);
