import { and, asc, eq, inArray } from 'drizzle-orm';
import type { KeptBoardPage } from '../../../../shared/lesson/features/board.js';
import type { TongkeDb } from '../../../db/store.js';
import { boardPages, courseware, lessonSessions } from '../../../db/schema/index.js';
import type { BoardRecord } from './board.js';

/** The board pages kept at the end of each lesson (board_pages). */
export class BoardRepository {
  constructor(private readonly db: TongkeDb) {}

  /**
   * Keeps a lesson's board. A page naming a document that is not one of the lesson's course (the page count
   * and id came from the teacher's browser) is kept as a blank page with its ink: the ink is hers, the
   * document is not ours to name.
   */
  async keep(lessonSessionId: number, record: BoardRecord): Promise<void> {
    if (record.pages.length === 0) return;
    const [session] = await this.db.select({ courseId: lessonSessions.courseId }).from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    if (!session) throw new Error(`no lesson session ${lessonSessionId}`);
    const named = [...new Set(record.pages.flatMap((p) => (p.source.kind === 'document' ? [p.source.coursewareId] : [])))];
    const ours = new Set(
      named.length === 0
        ? []
        : (await this.db.select({ id: courseware.id }).from(courseware).where(and(eq(courseware.courseId, session.courseId), inArray(courseware.id, named)))).map((r) => r.id),
    );
    await this.db.insert(boardPages).values(
      record.pages.map((page, position) => {
        const document = page.source.kind === 'document' && ours.has(page.source.coursewareId) ? page.source : null;
        return {
          lessonSessionId,
          position,
          sourceKind: document ? ('document' as const) : ('blank' as const),
          coursewareId: document?.coursewareId ?? null,
          pageNumber: document?.pageNumber ?? null,
          items: record.items[page.id] ?? [],
        };
      }),
    );
  }

  /** The lesson's kept pages in order (none when the board was never used). */
  async pages(lessonSessionId: number): Promise<KeptBoardPage[]> {
    const rows = await this.db.select().from(boardPages).where(eq(boardPages.lessonSessionId, lessonSessionId)).orderBy(asc(boardPages.position));
    return rows.map((row) => ({
      id: String(row.id),
      source: row.sourceKind === 'document' && row.coursewareId !== null && row.pageNumber !== null ? { kind: 'document', coursewareId: row.coursewareId, pageNumber: row.pageNumber } : { kind: 'blank' },
      items: row.items,
    }));
  }
}
