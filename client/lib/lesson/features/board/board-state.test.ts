import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BoardView } from '../../../../../shared/lesson/features/board.js';
import type { LessonEventName, LessonEventPayload, LessonRequestName } from '../../../../../shared/lesson/protocol.js';
import { ApiError } from '../../../api.js';
import { BoardSession, PIECE_MS, type BoardConnection } from './board-session.svelte.js';
import { BoardState } from './board-state.svelte.js';

const view = (over: Partial<BoardView> = {}): BoardView => ({
  open: true,
  pages: [{ id: 'p1', source: { kind: 'blank' } }, { id: 'p2', source: { kind: 'document', coursewareId: 4, pageNumber: 2 } }],
  currentPageId: 'p2',
  items: { p2: [{ kind: 'stroke', id: 's1', tool: 'pen', colour: 'red', width: 30, points: [[1, 2]] }] },
  penHolderId: null,
  ...over,
});
const piece = (strokeId: string, points: Array<[number, number]>) => ({ pageId: 'p2', strokeId, tool: 'pen' as const, colour: 'red' as const, width: 30, points });

describe('BoardState', () => {
  it('takes a snapshot whole and grows strokes from their pieces', () => {
    const state = new BoardState();
    state.apply(view());
    expect(state.currentIndex).toBe(2);
    state.stroke(piece('s1', [[3, 4]]));
    state.stroke(piece('s2', [[5, 6]]));
    expect(state.itemsOf('p2').map((i) => (i.kind === 'stroke' ? i.points : null))).toEqual([[[1, 2], [3, 4]], [[5, 6]]]);
    state.erased({ pageId: 'p2', itemIds: ['s1'] });
    expect(state.itemsOf('p2').map((i) => i.id)).toEqual(['s2']);
    const before = state.inkVersion;
    state.erased({ pageId: 'p2', itemIds: null });
    expect(state.itemsOf('p2')).toEqual([]);
    expect(state.inkVersion).toBeGreaterThan(before);
    // A reconnect's snapshot replaces everything, including what events added.
    state.apply(view());
    expect(state.itemsOf('p2').map((i) => i.id)).toEqual(['s1']);
  });

  it('appends a later piece (its id and points) to its stroke on whichever page, and shows the laser on the page shown', () => {
    const state = new BoardState();
    state.apply(view({ items: { p1: [{ kind: 'stroke', id: 'old', tool: 'pen', colour: 'blue', width: 30, points: [[1, 1]] }] } }));
    state.stroke({ strokeId: 'old', points: [[2, 2]] });
    state.stroke({ strokeId: 'unknown', points: [[9, 9]] });
    expect(state.itemsOf('p1')).toEqual([{ kind: 'stroke', id: 'old', tool: 'pen', colour: 'blue', width: 30, points: [[1, 1], [2, 2]] }]);
    expect(state.itemsOf('p2')).toEqual([]);
    state.setLaser({ at: [5, 5] });
    expect(state.laser).toEqual({ pageId: 'p2', at: [5, 5] });
    state.setLaser({ at: null });
    expect(state.laser).toBeNull();
  });

  it('shows my own pieces at once and skips their echo', () => {
    const state = new BoardState();
    state.apply(view({ items: {} }));
    state.drawnHere(piece('mine', [[1, 1]]));
    state.stroke(piece('mine', [[1, 1]]));
    expect(state.itemsOf('p2')).toHaveLength(1);
    expect(state.itemsOf('p2')[0]).toMatchObject({ points: [[1, 1]] });
  });

  it('lets the teacher draw always and a site only with the pen', () => {
    const state = new BoardState();
    state.apply(view());
    expect(state.mayDraw('t', true)).toBe(true);
    expect(state.mayDraw('a', false)).toBe(false);
    state.setPen('a');
    expect(state.mayDraw('a', false)).toBe(true);
    expect(state.mayDraw('b', false)).toBe(false);
  });
});

describe('BoardSession', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function session(refuse: (name: LessonRequestName) => boolean = () => false) {
    const sent: Array<{ name: LessonRequestName; payload: unknown }> = [];
    const listeners = new Map<string, (payload: unknown) => void>();
    const connection = {
      on: (event: LessonEventName, listener: (payload: never) => void) => (listeners.set(event, listener as (payload: unknown) => void), () => {}),
      request: async (name: LessonRequestName, payload: unknown) => {
        sent.push({ name, payload });
        if (refuse(name)) throw new ApiError(403, 'forbidden', '你现在没有画笔');
        return {};
      },
    } as unknown as BoardConnection;
    const refusals: string[] = [];
    const board = new BoardSession(connection, (m) => refusals.push(m));
    board.apply(view({ items: {} }));
    const emit = <K extends LessonEventName>(event: K, payload: LessonEventPayload<K>) => listeners.get(event)?.(payload);
    return { board, sent, refusals, emit };
  }

  it('sends the first point at once and the rest in pieces every 100 ms, then the remainder at pen-up', () => {
    const { board, sent } = session();
    board.strokeStart('p2', [10, 10], 'st');
    expect(sent.map((s) => (s.payload as { points: unknown }).points)).toEqual([[[10, 10]]]);
    board.strokeMove([20, 20]);
    board.strokeMove([30, 30]);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(PIECE_MS);
    board.strokeMove([40, 40]);
    board.strokeEnd();
    expect(sent.map((s) => (s.payload as { points: unknown }).points)).toEqual([[[10, 10]], [[20, 20], [30, 30]], [[40, 40]]]);
    expect(board.state.itemsOf('p2')[0]).toMatchObject({ id: 'st', points: [[10, 10], [20, 20], [30, 30], [40, 40]] });
  });

  it('removes a refused stroke and says why once', async () => {
    const { board, refusals } = session((name) => name === 'board:stroke');
    board.strokeStart('p2', [10, 10], 'st');
    await vi.runAllTimersAsync();
    board.strokeMove([20, 20]);
    await vi.runAllTimersAsync();
    expect(board.state.itemsOf('p2')).toEqual([]);
    expect(refusals).toEqual(['你现在没有画笔']);
  });

  it('applies the events of the board', () => {
    const { board, emit } = session();
    emit('board:turned', { pageId: 'p1' });
    emit('board:pen', { penHolderId: 'a' });
    emit('board:stroke', { ...piece('x', [[1, 1]]), pageId: 'p1' });
    expect(board.state.currentPageId).toBe('p1');
    expect(board.state.penHolderId).toBe('a');
    expect(board.state.itemsOf('p1').map((i) => i.id)).toEqual(['x']);
  });
});
