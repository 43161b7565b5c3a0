import { BOARD_LIMITS, newStrokeId, type BoardColour, type BoardPoint, type BoardView } from '../../../../../shared/lesson/features/board.js';
import type { LessonRequestName, LessonRequestPayload } from '../../../../../shared/lesson/protocol.js';
import { ApiError } from '../../../api.js';
import type { LessonConnection } from '../../connection.js';
import { BoardState } from './board-state.svelte.js';

/** What the board needs of the lesson's connection. */
export type BoardConnection = Pick<LessonConnection, 'on' | 'request'>;

/** The tools of the toolbar; `pen` and `highlighter` draw strokes, the shapes are placed whole. */
export const BOARD_TOOLS = ['pen', 'highlighter', 'eraser', 'text', 'line', 'arrow', 'rect', 'ellipse', 'laser'] as const;
export type BoardTool = (typeof BOARD_TOOLS)[number];

/**
 * How often a stroke being drawn goes out as a piece. Ten a second makes a line grow smoothly at the other
 * sites while the pointer's 60–120 events a second cost ten messages, not a hundred.
 */
export const PIECE_MS = 100;
/** The laser pointer is sent at most this often while it moves. */
export const LASER_MS = 100;

/**
 * The board of this lesson for this page: its state (from the snapshot and the events), the teacher's
 * requests, and the pen — strokes drawn here are shown at once and sent in pieces. A refusal (the pen was
 * taken back a moment ago) removes what was drawn and tells the user in the server's words.
 */
export class BoardSession {
  readonly state = new BoardState();
  tool = $state<BoardTool>('pen');
  colour = $state<BoardColour>('red');
  readonly #connection: BoardConnection;
  readonly #refused: (message: string) => void;
  #stroke: { pageId: string; strokeId: string; pending: BoardPoint[]; timer: ReturnType<typeof setTimeout> | null; points: number } | null = null;
  #laserAt = 0;

  constructor(connection: BoardConnection, refused: (message: string) => void) {
    this.#connection = connection;
    this.#refused = refused;
    const { state } = this;
    connection.on('board:opened', ({ open }) => state.setOpen(open));
    connection.on('board:pages', (pages) => state.setPages(pages));
    connection.on('board:turned', ({ pageId }) => state.turned(pageId));
    connection.on('board:stroke', (piece) => state.stroke(piece));
    connection.on('board:placed', (placed) => state.placed(placed));
    connection.on('board:erased', (erased) => state.erased(erased));
    connection.on('board:laser', (laser) => state.setLaser(laser));
    connection.on('board:pen', ({ penHolderId }) => state.setPen(penHolderId));
  }

  /** The board from a join's snapshot (a reconnect or a late join). */
  apply(view: BoardView): void {
    this.#stroke = null;
    this.state.apply(view);
  }

  setOpen = (open: boolean) => this.#send('board:open', { open });
  addBlankPage = () => this.#send('board:add-blank', {});
  showDocument = (coursewareId: number) => this.#send('board:show-document', { coursewareId });
  turn = (pageId: string) => this.#send('board:turn', { pageId });
  /** The next (+1) or previous (-1) page, if there is one. */
  step(by: 1 | -1): void {
    const next = this.state.pages[this.state.currentIndex - 1 + by];
    if (next) void this.turn(next.id);
  }
  handPen = (participantId: string | null) => this.#send('board:pen', { participantId });
  clearPage = (pageId: string) => this.#send('board:erase', { pageId, all: true });
  erase = (pageId: string, itemIds: string[]) => this.#send('board:erase', { pageId, itemIds: itemIds.slice(0, 200) });
  placeText = (pageId: string, at: BoardPoint, text: string) =>
    this.#send('board:place', { pageId, item: { kind: 'text', at, text: text.slice(0, BOARD_LIMITS.textLength), size: 450, colour: this.colour } });
  placeShape = (pageId: string, shape: 'line' | 'arrow' | 'rect' | 'ellipse', from: BoardPoint, to: BoardPoint) =>
    this.#send('board:place', { pageId, item: { kind: 'shape', shape, from, to, colour: this.colour, width: 30 } });

  /** The laser pointer moved (or left the page: null); throttled, the last position always goes. */
  laser(pageId: string, at: BoardPoint | null, now = Date.now()): void {
    if (at && now - this.#laserAt < LASER_MS) return;
    this.#laserAt = now;
    void this.#send('board:laser', { pageId, at });
  }

  /** The pen goes down: a new stroke with this tool and colour. */
  strokeStart(pageId: string, at: BoardPoint, strokeId: string = newStrokeId()): void {
    this.strokeEnd();
    this.#stroke = { pageId, strokeId, pending: [at], timer: null, points: 0 };
    this.#flushSoon();
  }

  strokeMove(at: BoardPoint): void {
    const stroke = this.#stroke;
    if (!stroke || stroke.points + stroke.pending.length >= BOARD_LIMITS.pointsPerStroke) return;
    stroke.pending.push(at);
    this.#flushSoon();
  }

  /** The pen comes up: what is left goes now. */
  strokeEnd(): void {
    if (!this.#stroke) return;
    this.#flush();
    this.#stroke = null;
  }

  get #looks() {
    return { tool: this.tool === 'highlighter' ? ('highlighter' as const) : ('pen' as const), colour: this.colour, width: this.tool === 'highlighter' ? 180 : 40 };
  }

  #flushSoon(): void {
    const stroke = this.#stroke;
    if (!stroke || stroke.timer) return;
    // The first point goes at once (the others see the pen land), the rest every PIECE_MS.
    if (stroke.points === 0) return this.#flush();
    stroke.timer = setTimeout(() => this.#flush(), PIECE_MS);
  }

  #flush(): void {
    const stroke = this.#stroke;
    if (!stroke) return;
    if (stroke.timer) clearTimeout(stroke.timer);
    stroke.timer = null;
    while (stroke.pending.length > 0) {
      const points = stroke.pending.splice(0, BOARD_LIMITS.pointsPerPiece);
      stroke.points += points.length;
      const piece = { pageId: stroke.pageId, strokeId: stroke.strokeId, ...this.#looks, points };
      this.state.drawnHere(piece);
      void this.#send('board:stroke', piece).then((ok) => {
        if (ok) return;
        this.state.refused(piece.pageId, piece.strokeId);
        // One refusal is enough: the rest of this stroke would be refused too.
        if (this.#stroke?.strokeId === piece.strokeId) this.#stroke = null;
      });
    }
  }

  async #send<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>): Promise<boolean> {
    try {
      await this.#connection.request(name, payload);
      return true;
    } catch (error) {
      if (error instanceof ApiError) this.#refused(error.message);
      else console.error(`${name} failed`, error);
      return false;
    }
  }
}
