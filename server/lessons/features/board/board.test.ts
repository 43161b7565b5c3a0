import { describe, expect, it } from 'vitest';
import { BOARD_LIMITS } from '../../../../shared/lesson/features/board.js';
import { lessonForFeatures } from '../testing.js';

const piece = (pageId: string, strokeId: string, points: Array<[number, number]> = [[100, 200], [300, 400]]) => ({
  pageId,
  strokeId,
  tool: 'pen' as const,
  colour: 'red' as const,
  width: 30,
  points,
});

function boardLesson() {
  const world = lessonForFeatures();
  const teacher = world.join(1, 'lead_teacher');
  const a = world.join(5, 'receiving_classroom');
  const b = world.join(6, 'receiving_classroom');
  const board = world.lesson.features.board;
  const page = board.addBlankPage();
  world.sent.length = 0;
  return { ...world, teacher, a, b, board, page };
}

describe('the lesson board', () => {
  it('lets the lead teacher draw and refuses a site without the pen, changing nothing', () => {
    const { board, teacher, a, page, sent, lesson } = boardLesson();
    expect(() => board.stroke(a.id, piece(page.id, 's-a'))).toThrowError('forbidden');
    expect(() => board.place(a.id, page.id, { kind: 'text', at: [1, 1], text: '我来', size: 300, colour: 'blue' })).toThrowError('forbidden');
    expect(() => board.erase(a.id, page.id, null)).toThrowError('forbidden');
    expect(sent).toEqual([]);
    board.stroke(teacher.id, piece(page.id, 's-t'));
    expect(sent).toEqual([{ to: null, event: 'board:stroke', payload: piece(page.id, 's-t') }]);
    expect(lesson.snapshotFor(a, []).board.items[page.id]).toEqual([{ kind: 'stroke', id: 's-t', tool: 'pen', colour: 'red', width: 30, points: [[100, 200], [300, 400]] }]);
  });

  it('sends a later piece of a stroke as its id and new points only, and a laser only over the page shown', () => {
    const { board, teacher, page, sent } = boardLesson();
    board.stroke(teacher.id, piece(page.id, 's', [[1, 1]]));
    board.stroke(teacher.id, piece(page.id, 's', [[2, 2], [3, 3]]));
    expect(sent.map((m) => m.payload)).toEqual([piece(page.id, 's', [[1, 1]]), { strokeId: 's', points: [[2, 2], [3, 3]] }]);
    sent.length = 0;
    const other = board.addBlankPage();
    sent.length = 0;
    board.laser(teacher.id, other.id, [10, 10]);
    board.laser(teacher.id, page.id, [20, 20]);
    expect(sent).toEqual([{ to: null, event: 'board:laser', payload: { at: [10, 10] } }]);
  });

  it('grows a stroke sent in pieces, and refuses a piece that changes its look', () => {
    const { board, teacher, page, lesson } = boardLesson();
    board.stroke(teacher.id, piece(page.id, 's', [[0, 0]]));
    board.stroke(teacher.id, piece(page.id, 's', [[10, 10], [20, 20]]));
    expect(() => board.stroke(teacher.id, { ...piece(page.id, 's'), colour: 'blue' })).toThrowError('conflict');
    const [stroke] = lesson.snapshotFor(teacher, []).board.items[page.id]!;
    expect(stroke).toMatchObject({ id: 's', points: [[0, 0], [10, 10], [20, 20]] });
  });

  it('hands the pen to ONE site on stage, and only that site may draw until it is taken back', () => {
    const { board, lesson, teacher, a, b, page, sent } = boardLesson();
    expect(() => board.handPen(a.id)).toThrowError('forbidden'); // not on stage
    lesson.features.stage.invite(a.id);
    lesson.features.stage.invite(b.id);
    board.handPen(a.id);
    board.stroke(a.id, piece(page.id, 'by-a'));
    expect(() => board.stroke(b.id, piece(page.id, 'by-b'))).toThrowError('forbidden');
    board.handPen(b.id);
    expect(() => board.stroke(a.id, piece(page.id, 'by-a-2'))).toThrowError('forbidden');
    board.handPen(null);
    expect(() => board.stroke(b.id, piece(page.id, 'by-b-2'))).toThrowError('forbidden');
    board.stroke(teacher.id, piece(page.id, 'by-t'));
    expect(sent.filter((m) => m.event === 'board:pen').map((m) => m.payload)).toEqual([{ penHolderId: a.id }, { penHolderId: b.id }, { penHolderId: null }]);
    expect(lesson.snapshotFor(b, []).board.items[page.id]!.map((i) => i.id)).toEqual(['by-a', 'by-t']);
  });

  it('takes the pen back when its holder steps down from stage or leaves', () => {
    const { board, lesson, a, b, page } = boardLesson();
    lesson.features.stage.invite(a.id);
    board.handPen(a.id);
    lesson.features.stage.return(a, a.id);
    expect(board.penHolderId).toBeNull();
    expect(() => board.stroke(a.id, piece(page.id, 'x'))).toThrowError('forbidden');
    lesson.features.stage.invite(b.id);
    board.handPen(b.id);
    lesson.leave(b.id, 'connection_lost');
    expect(board.penHolderId).toBeNull();
  });

  it('counts a pen turn once, when the site first draws in it', () => {
    const { board, lesson, teacher, a, page, participation } = boardLesson();
    lesson.features.stage.invite(a.id);
    board.handPen(a.id);
    expect(participation.filter((p) => p.kind === 'board_pen_turn')).toEqual([]);
    board.stroke(a.id, piece(page.id, '1'));
    board.stroke(a.id, piece(page.id, '2'));
    board.stroke(teacher.id, piece(page.id, '3'));
    board.handPen(null);
    board.handPen(a.id);
    board.place(a.id, page.id, { kind: 'shape', shape: 'arrow', from: [0, 0], to: [10, 10], colour: 'green', width: 20 });
    expect(participation.filter((p) => p.kind === 'board_pen_turn')).toEqual([
      { participantId: a.id, kind: 'board_pen_turn' },
      { participantId: a.id, kind: 'board_pen_turn' },
    ]);
  });

  it('refuses ink beyond the limits with board_full', () => {
    const { board, teacher, page } = boardLesson();
    const long = Array.from({ length: BOARD_LIMITS.pointsPerPiece }, (_, i): [number, number] => [i, i]);
    for (let i = 0; i < BOARD_LIMITS.pointsPerStroke / BOARD_LIMITS.pointsPerPiece; i++) board.stroke(teacher.id, piece(page.id, 'long', long));
    expect(() => board.stroke(teacher.id, piece(page.id, 'long', [[1, 1]]))).toThrowError('board_full');
    for (let i = 1; i < BOARD_LIMITS.itemsPerPage; i++) board.stroke(teacher.id, piece(page.id, `s${i}`));
    expect(() => board.stroke(teacher.id, piece(page.id, 'one-too-many'))).toThrowError('board_full');
    board.erase(teacher.id, page.id, ['s1']);
    board.stroke(teacher.id, piece(page.id, 'fits-again'));
  });

  it('bounds the ink of the whole lesson, and erasing makes room again', () => {
    const { board, teacher, page } = boardLesson();
    const full = Array.from({ length: BOARD_LIMITS.pointsPerPiece }, (_, i): [number, number] => [i, i]);
    const pieces = BOARD_LIMITS.pointsPerLesson / BOARD_LIMITS.pointsPerPiece;
    const perStroke = BOARD_LIMITS.pointsPerStroke / BOARD_LIMITS.pointsPerPiece;
    // Fifty full strokes on one page, then one more point on another page is too much for the lesson.
    for (let i = 0; i < pieces; i++) board.stroke(teacher.id, piece(page.id, `s${Math.floor(i / perStroke)}`, full));
    const current = board.addBlankPage().id;
    expect(() => board.stroke(teacher.id, piece(current, 'over', [[1, 1]]))).toThrowError('board_full');
    board.erase(teacher.id, page.id, null);
    board.stroke(teacher.id, piece(current, 'after-clearing', [[1, 1]]));
  });

  it('adds a document once, turns pages, and gives a late joiner every page with its ink', () => {
    const { board, lesson, teacher, page, sent, join } = boardLesson();
    const first = board.showDocument(42, 3);
    const pages = lesson.snapshotFor(teacher, []).board.pages;
    expect(pages.map((p) => p.source)).toEqual([
      { kind: 'blank' },
      { kind: 'document', coursewareId: 42, pageNumber: 1 },
      { kind: 'document', coursewareId: 42, pageNumber: 2 },
      { kind: 'document', coursewareId: 42, pageNumber: 3 },
    ]);
    expect(board.showDocument(42, 3).id).toBe(first.id);
    expect(() => board.showDocument(43, BOARD_LIMITS.pages)).toThrowError('board_full');
    board.turn(pages[2]!.id);
    board.stroke(teacher.id, piece(pages[2]!.id, 'on-2'));
    board.stroke(teacher.id, piece(page.id, 'on-blank'));
    board.laser(teacher.id, pages[2]!.id, [5000, 5000]);
    expect(sent.filter((m) => m.event === 'board:turned')).toEqual([{ to: null, event: 'board:turned', payload: { pageId: first.id } }, { to: null, event: 'board:turned', payload: { pageId: pages[2]!.id } }]);
    const late = join(9, 'student').id;
    const snapshot = lesson.snapshotFor(lesson.participant(late), []).board;
    expect(snapshot.currentPageId).toBe(pages[2]!.id);
    expect(Object.fromEntries(Object.entries(snapshot.items).map(([id, items]) => [id, items.map((i) => i.id)]))).toEqual({ [pages[2]!.id]: ['on-2'], [page.id]: ['on-blank'] });
    expect(() => board.turn('no-such-page')).toThrowError('not_found');
  });

  it('keeps pages and ink at the lesson end for the report', () => {
    const { board, lesson, teacher, page } = boardLesson();
    board.stroke(teacher.id, piece(page.id, 'kept'));
    expect(board.record).toBeNull();
    lesson.end();
    expect(board.record?.pages).toEqual([page]);
    expect(board.record?.items[page.id]?.map((i) => i.id)).toEqual(['kept']);
  });
});
