import { randomUUID } from 'node:crypto';
import {
  BOARD_LIMITS,
  type BoardItem,
  type BoardPage,
  type BoardPoint,
  type BoardShape,
  type BoardStroke,
  type BoardText,
  type BoardView,
} from '../../../../shared/lesson/features/board.js';
import type { LessonRequestPayload } from '../../../../shared/lesson/protocol.js';
import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

type StrokePiece = LessonRequestPayload<'board:stroke'>;
type Placement = LessonRequestPayload<'board:place'>['item'];

/** Who may be handed the pen: a site on stage that draws for its class (not an observer). */
const PEN_KINDS: ReadonlySet<LessonParticipant['kind']> = new Set(['receiving_classroom', 'assistant_teacher', 'student']);

/** What the board leaves when the lesson ends: every page and its ink, to keep and export. */
export interface BoardRecord {
  pages: BoardPage[];
  items: Record<string, BoardItem[]>;
}

/**
 * The lesson's whiteboard: pages (blank, or pages of a courseware document), the ink on each, the page
 * shown, and the pen. The lead teacher always draws and turns pages; she may hand the pen to ONE site on
 * stage and take it back, and stepping down from stage or leaving takes it back too. Everything else that
 * would change the ink is refused here, on the server, whatever a client shows.
 */
export class LessonBoard implements LessonFeature {
  readonly name = 'board';
  readonly #host: FeatureHost;
  readonly #pages: BoardPage[] = [];
  readonly #items = new Map<string, BoardItem[]>();
  #currentPageId: string | null = null;
  #open = false;
  #penHolder: LessonParticipant | null = null;
  /** Whether the pen holder has drawn in this turn: her first ink of a turn is her participation. */
  #penTurnCounted = false;
  /** Points of every stroke on the board (see BOARD_LIMITS.pointsPerLesson). */
  #points = 0;
  /** Kept at the lesson's end (the feature's `end()`), for whoever persists the board. */
  #record: BoardRecord | null = null;

  constructor(host: FeatureHost) {
    this.#host = host;
    // The stage is another feature's; the pen only follows it. Stepping down hands the pen back.
    host.lesson.on('stage-changed', (participant) => {
      if (!participant.onStage && this.#penHolder?.id === participant.id) this.#setPen(null);
    });
  }

  get penHolderId(): string | null {
    return this.#penHolder?.id ?? null;
  }

  /** What the board held at the lesson's end (null while the lesson runs). */
  get record(): BoardRecord | null {
    return this.#record;
  }

  setOpen(open: boolean): void {
    this.#open = open;
    this.#host.broadcast('board:opened', { open });
  }

  addBlankPage(): BoardPage {
    this.#roomForPages(1);
    const page: BoardPage = { id: randomUUID(), source: { kind: 'blank' } };
    this.#pages.push(page);
    this.#show(page.id, true);
    return page;
  }

  /** The document's pages join the board once (in order, after what is there); shows its first page. */
  showDocument(coursewareId: number, pageCount: number): BoardPage {
    const existing = this.#pages.find((p) => p.source.kind === 'document' && p.source.coursewareId === coursewareId && p.source.pageNumber === 1);
    if (existing) {
      this.#show(existing.id, false);
      return existing;
    }
    this.#roomForPages(pageCount);
    const pages = Array.from({ length: pageCount }, (_, i): BoardPage => ({ id: randomUUID(), source: { kind: 'document', coursewareId, pageNumber: i + 1 } }));
    this.#pages.push(...pages);
    this.#show(pages[0]!.id, true);
    return pages[0]!;
  }

  turn(pageId: string): void {
    this.#page(pageId);
    this.#show(pageId, false);
  }

  /** A stroke or its next piece, from the teacher or the pen holder. */
  stroke(participantId: string, piece: StrokePiece): void {
    const drawer = this.#drawer(participantId);
    const items = this.#itemsOf(piece.pageId);
    if (piece.pressure && piece.pressure.length !== piece.points.length) throw new ApiError('bad_request');
    if (this.#points + piece.points.length > BOARD_LIMITS.pointsPerLesson) throw new ApiError('board_full');
    const existing = items.find((item): item is BoardStroke => item.id === piece.strokeId);
    if (existing) {
      if (existing.kind !== 'stroke' || existing.tool !== piece.tool || existing.colour !== piece.colour || existing.width !== piece.width) throw new ApiError('conflict');
      if (existing.points.length + piece.points.length > BOARD_LIMITS.pointsPerStroke) throw new ApiError('board_full');
      existing.points.push(...piece.points);
      if (existing.pressure) existing.pressure.push(...(piece.pressure ?? piece.points.map(() => 50)));
    } else {
      if (this.#hasItem(piece.strokeId)) throw new ApiError('conflict');
      this.#roomOnPage(items);
      const { pageId: _page, strokeId: id, points, pressure, ...looks } = piece;
      items.push({ kind: 'stroke', id, ...looks, points: [...points], ...(pressure ? { pressure: [...pressure] } : {}) });
    }
    this.#points += piece.points.length;
    // The sites have a stroke's page and looks from its first piece: a later one carries only the new points.
    const { strokeId, points, pressure } = piece;
    this.#host.broadcast('board:stroke', existing ? { strokeId, points, ...(pressure ? { pressure } : {}) } : piece);
    this.#drew(drawer);
  }

  /** A text or a shape, whole. */
  place(participantId: string, pageId: string, placement: Placement): BoardText | BoardShape {
    const drawer = this.#drawer(participantId);
    const items = this.#itemsOf(pageId);
    this.#roomOnPage(items);
    const item = { ...placement, id: randomUUID() } as BoardText | BoardShape;
    items.push(item);
    this.#host.broadcast('board:placed', { pageId, item });
    this.#drew(drawer);
    return item;
  }

  /** Erase some items of a page, or clear it (`itemIds` null). Unknown ids are ignored: another eraser was faster. */
  erase(participantId: string, pageId: string, itemIds: string[] | null): void {
    this.#drawer(participantId);
    const items = this.#itemsOf(pageId);
    const erased = itemIds === null ? null : new Set(itemIds);
    const kept = erased === null ? [] : items.filter((item) => !erased.has(item.id));
    for (const item of items) if (item.kind === 'stroke' && !kept.includes(item)) this.#points -= item.points.length;
    items.splice(0, items.length, ...kept);
    this.#host.broadcast('board:erased', { pageId, itemIds });
  }

  laser(participantId: string, pageId: string, at: BoardPoint | null): void {
    this.#drawer(participantId);
    this.#page(pageId);
    // Sites show the laser on the page they show: one over another page (a turn raced it) is not sent.
    if (pageId !== this.#currentPageId) return;
    this.#host.broadcast('board:laser', { at });
  }

  /** Lead teacher: hand the pen to a site on stage (replacing whoever held it), or take it back. */
  handPen(participantId: string | null): void {
    if (participantId === null) return this.#setPen(null);
    const site = this.#host.lesson.participant(participantId);
    if (!site.onStage || !PEN_KINDS.has(site.kind)) throw new ApiError('forbidden');
    this.#setPen(site);
  }

  participantLeft(participant: LessonParticipant): void {
    if (this.#penHolder?.id === participant.id) this.#setPen(null);
  }

  end(): void {
    this.#record = { pages: structuredClone(this.#pages), items: structuredClone(this.#itemsRecord()) };
  }

  snapshotFor(_viewer: LessonParticipant): { board: BoardView } {
    return {
      board: { open: this.#open, pages: [...this.#pages], currentPageId: this.#currentPageId, items: structuredClone(this.#itemsRecord()), penHolderId: this.penHolderId },
    };
  }

  #itemsRecord(): Record<string, BoardItem[]> {
    return Object.fromEntries([...this.#items].filter(([, items]) => items.length > 0));
  }

  /** Who asks to draw: the lead teacher, or the pen holder; anyone else is refused. */
  #drawer(participantId: string): LessonParticipant {
    const participant = this.#host.lesson.participant(participantId);
    if (participant.isLeadTeacher || this.#penHolder?.id === participant.id) return participant;
    throw new ApiError('forbidden');
  }

  #drew(drawer: LessonParticipant): void {
    if (drawer.isLeadTeacher || this.#penTurnCounted) return;
    this.#penTurnCounted = true;
    this.#host.participation(drawer, 'board_pen_turn');
  }

  #setPen(holder: LessonParticipant | null): void {
    if (this.#penHolder?.id === holder?.id) return;
    this.#penHolder = holder;
    this.#penTurnCounted = false;
    this.#host.broadcast('board:pen', { penHolderId: holder?.id ?? null });
  }

  #show(pageId: string, pagesChanged: boolean): void {
    this.#currentPageId = pageId;
    if (pagesChanged) this.#host.broadcast('board:pages', { pages: [...this.#pages], currentPageId: pageId });
    else this.#host.broadcast('board:turned', { pageId });
  }

  #page(pageId: string): BoardPage {
    const page = this.#pages.find((p) => p.id === pageId);
    if (!page) throw new ApiError('not_found');
    return page;
  }

  #itemsOf(pageId: string): BoardItem[] {
    this.#page(pageId);
    let items = this.#items.get(pageId);
    if (!items) this.#items.set(pageId, (items = []));
    return items;
  }

  #hasItem(itemId: string): boolean {
    for (const items of this.#items.values()) if (items.some((item) => item.id === itemId)) return true;
    return false;
  }

  #roomOnPage(items: BoardItem[]): void {
    if (items.length >= BOARD_LIMITS.itemsPerPage) throw new ApiError('board_full');
  }

  #roomForPages(count: number): void {
    if (this.#pages.length + count > BOARD_LIMITS.pages) throw new ApiError('board_full');
  }
}
