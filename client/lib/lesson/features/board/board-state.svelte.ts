import type { BoardItem, BoardPage, BoardPoint, BoardView } from '../../../../../shared/lesson/features/board.js';
import type { LessonEventPayload } from '../../../../../shared/lesson/protocol.js';

/**
 * The whiteboard as this site knows it: its pages, the page shown, the ink of each page, the pen holder and
 * the laser pointer. Replaced whole from a join snapshot (a reconnect or a late join gets everything) and
 * kept current by the board's events. `inkVersion` changes with every change of ink, so a canvas redraws
 * without the state copying arrays of points on every stroke piece.
 */
export class BoardState {
  #open = $state(false);
  #pages = $state.raw<BoardPage[]>([]);
  #currentPageId = $state<string | null>(null);
  #penHolderId = $state<string | null>(null);
  #laser = $state.raw<{ pageId: string; at: BoardPoint } | null>(null);
  #inkVersion = $state(0);
  /** pageId → its items, oldest first; mutated in place (see inkVersion). */
  readonly #items = new Map<string, BoardItem[]>();
  /** Pieces of my own strokes drawn here already and still to come back from the server. */
  readonly #ownPieces = new Map<string, number>();

  get open(): boolean {
    return this.#open;
  }
  get pages(): BoardPage[] {
    return this.#pages;
  }
  get currentPageId(): string | null {
    return this.#currentPageId;
  }
  get currentPage(): BoardPage | null {
    return this.#pages.find((p) => p.id === this.#currentPageId) ?? null;
  }
  /** 1-based position of the page shown, for "2 / 5". */
  get currentIndex(): number {
    return this.#pages.findIndex((p) => p.id === this.#currentPageId) + 1;
  }
  get penHolderId(): string | null {
    return this.#penHolderId;
  }
  get laser(): { pageId: string; at: BoardPoint } | null {
    return this.#laser;
  }
  get inkVersion(): number {
    return this.#inkVersion;
  }

  /** The ink of a page (read after `inkVersion` to redraw when it changes). */
  itemsOf(pageId: string): readonly BoardItem[] {
    return this.#items.get(pageId) ?? [];
  }

  /** The lead teacher always draws; a site only while it holds the pen. */
  mayDraw(myId: string | null, isLead: boolean): boolean {
    return isLead || (myId !== null && this.#penHolderId === myId);
  }

  apply(view: BoardView): void {
    this.#open = view.open;
    this.#pages = view.pages;
    this.#currentPageId = view.currentPageId;
    this.#penHolderId = view.penHolderId;
    this.#laser = null;
    this.#items.clear();
    this.#ownPieces.clear();
    for (const [pageId, items] of Object.entries(view.items)) this.#items.set(pageId, items.map((item) => structuredClone(item)));
    this.#inkVersion++;
  }

  setOpen(open: boolean): void {
    this.#open = open;
  }

  setPages({ pages, currentPageId }: LessonEventPayload<'board:pages'>): void {
    this.#pages = pages;
    this.#currentPageId = currentPageId;
  }

  turned(pageId: string): void {
    this.#currentPageId = pageId;
    this.#laser = null;
  }

  setPen(penHolderId: string | null): void {
    this.#penHolderId = penHolderId;
  }

  setLaser({ at }: LessonEventPayload<'board:laser'>): void {
    this.#laser = at && this.#currentPageId ? { pageId: this.#currentPageId, at } : null;
  }

  /** A piece I drew: shown at once, and its echo from the server is then skipped. */
  drawnHere(piece: LessonEventPayload<'board:stroke'>): void {
    this.#ownPieces.set(piece.strokeId, (this.#ownPieces.get(piece.strokeId) ?? 0) + 1);
    this.#addPiece(piece);
  }

  /** A stroke piece from the server: a new stroke, or points appended to one. */
  stroke(piece: LessonEventPayload<'board:stroke'>): void {
    const own = this.#ownPieces.get(piece.strokeId);
    if (own) {
      if (own === 1) this.#ownPieces.delete(piece.strokeId);
      else this.#ownPieces.set(piece.strokeId, own - 1);
      return;
    }
    this.#addPiece(piece);
  }

  /** My piece was refused: what I drew of that stroke goes (the server has none of it, or not all). */
  refused(pageId: string, strokeId: string): void {
    this.#ownPieces.delete(strokeId);
    this.erased({ pageId, itemIds: [strokeId] });
  }

  placed({ pageId, item }: LessonEventPayload<'board:placed'>): void {
    this.#page(pageId).push(item);
    this.#inkVersion++;
  }

  erased({ pageId, itemIds }: LessonEventPayload<'board:erased'>): void {
    const items = this.#page(pageId);
    if (itemIds === null) items.length = 0;
    else {
      const gone = new Set(itemIds);
      items.splice(0, items.length, ...items.filter((item) => !gone.has(item.id)));
    }
    this.#inkVersion++;
  }

  /** A first piece (with its page and looks) starts a stroke; a later piece (its id and points) appends. */
  #addPiece({ pageId, strokeId, points, pressure, tool, colour, width }: LessonEventPayload<'board:stroke'>): void {
    const existing = this.#strokeById(strokeId);
    if (existing) existing.points.push(...points);
    // A later piece of a stroke this site never had (it cannot happen after a snapshot): nothing to append to.
    else if (pageId !== undefined && tool !== undefined && colour !== undefined && width !== undefined) {
      this.#page(pageId).push({ kind: 'stroke', id: strokeId, tool, colour, width, points: [...points], ...(pressure ? { pressure: [...pressure] } : {}) });
    } else return;
    this.#inkVersion++;
  }

  #strokeById(strokeId: string): Extract<BoardItem, { kind: 'stroke' }> | null {
    for (const items of this.#items.values()) {
      const found = items.find((item) => item.id === strokeId);
      if (found?.kind === 'stroke') return found;
    }
    return null;
  }

  #page(pageId: string): BoardItem[] {
    let items = this.#items.get(pageId);
    if (!items) this.#items.set(pageId, (items = []));
    return items;
  }
}
