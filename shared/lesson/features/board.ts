import { Type, type Static } from 'typebox';
import { RowId } from '../../api/common.js';
import { Id, Strict } from '../strict.js';

/*
 * The lesson's whiteboard (互动白板) and the courseware shown on it (文档课件): its requests, events and the
 * board part of the snapshot. Everything on a page is a vector in a fixed page space — 0..10000 on both axes,
 * whatever the page's shape — so that a teacher's laptop and a classroom's big screen draw the same ink at
 * their own scale, and a stroke costs a few hundred bytes instead of a video frame.
 */

/** The page space: integer coordinates 0..PAGE_SPACE on both axes (x left→right, y top→bottom). */
export const PAGE_SPACE = 10_000;

/** Limits of one lesson's board; a request beyond them is refused `board_full` and changes nothing. */
export const BOARD_LIMITS = {
  /** Pages per lesson (a deck's pages and the blank ones together). */
  pages: 200,
  /** Strokes, texts and shapes on one page. */
  itemsPerPage: 1_000,
  /** Points of one stroke, all its pieces together (a 20 s scribble at 60 Hz is 1 200). */
  pointsPerStroke: 4_000,
  /**
   * Points of all strokes of the lesson: bounds the snapshot every joining site gets (~8 bytes a point as
   * JSON, so ~1.6 MB at most) — a long lesson's board is far below it.
   */
  pointsPerLesson: 200_000,
  /** Points in one `board:stroke` piece (the client sends one about every 100 ms). */
  pointsPerPiece: 400,
  textLength: 200,
} as const;

/** The palette: a few colours that read on a projector and a TV in a bright room. */
export const BOARD_COLOURS = ['black', 'red', 'blue', 'green', 'orange', 'white'] as const;
export type BoardColour = (typeof BOARD_COLOURS)[number];

export const STROKE_TOOLS = ['pen', 'highlighter'] as const;
export const SHAPE_KINDS = ['line', 'arrow', 'rect', 'ellipse'] as const;

const Coordinate = Type.Integer({ minimum: 0, maximum: PAGE_SPACE });
/** A point in page space. */
export const BoardPoint = Type.Tuple([Coordinate, Coordinate]);
export type BoardPoint = Static<typeof BoardPoint>;
const Colour = Type.Enum(BOARD_COLOURS);
/** A line's width in page units (10000 = the page's width). */
const Width = Type.Integer({ minimum: 5, maximum: 400 });

/** What a page shows under the ink: nothing, or one page of a courseware document of the course. */
export const BoardPageSource = Type.Union([
  Type.Object({ kind: Type.Literal('blank') }),
  Type.Object({ kind: Type.Literal('document'), coursewareId: RowId, pageNumber: Type.Integer({ minimum: 1 }) }),
]);
export type BoardPageSource = Static<typeof BoardPageSource>;

export const BoardPage = Type.Object({ id: Type.String(), source: BoardPageSource });
export type BoardPage = Static<typeof BoardPage>;

/** A freehand stroke; `pressure` (0..100 per point) when the device reports it. */
export const BoardStroke = Type.Object({
  kind: Type.Literal('stroke'),
  id: Type.String(),
  tool: Type.Enum(STROKE_TOOLS),
  colour: Colour,
  width: Width,
  points: Type.Array(BoardPoint),
  pressure: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }))),
});
export type BoardStroke = Static<typeof BoardStroke>;

export const BoardText = Type.Object({
  kind: Type.Literal('text'),
  id: Type.String(),
  at: BoardPoint,
  text: Type.String({ minLength: 1, maxLength: BOARD_LIMITS.textLength }),
  /** Letter height in page units. */
  size: Type.Integer({ minimum: 100, maximum: 2_000 }),
  colour: Colour,
});
export type BoardText = Static<typeof BoardText>;

export const BoardShape = Type.Object({
  kind: Type.Literal('shape'),
  id: Type.String(),
  shape: Type.Enum(SHAPE_KINDS),
  from: BoardPoint,
  to: BoardPoint,
  colour: Colour,
  width: Width,
});
export type BoardShape = Static<typeof BoardShape>;

export const BoardItem = Type.Union([BoardStroke, BoardText, BoardShape]);
export type BoardItem = Static<typeof BoardItem>;

/** The board as a site that joins (or rejoins) sees it: every page and everything on it. */
export const BoardView = Type.Object({
  /** The teacher has the board open: sites show it large. */
  open: Type.Boolean(),
  pages: Type.Array(BoardPage),
  currentPageId: Type.Union([Type.String(), Type.Null()]),
  /** pageId → its items, oldest first (a page without ink may be absent). */
  items: Type.Record(Type.String(), Type.Array(BoardItem)),
  /** The site holding the pen, besides the lead teacher who always draws. */
  penHolderId: Type.Union([Type.String(), Type.Null()]),
});
export type BoardView = Static<typeof BoardView>;

const PageId = Id;

export const BOARD_REQUESTS = {
  /** Lead teacher: show the board large at every site, or put it away (ink and pages stay). */
  'board:open': { payload: Strict({ open: Type.Boolean() }), data: Type.Object({}) },
  /** Lead teacher: a blank page after the last one, shown at once. */
  'board:add-blank': { payload: Strict({}), data: Type.Object({ pageId: Type.String() }) },
  /**
   * Lead teacher: show a courseware document of the course (its pages join the board once; showing it again
   * goes back to its first page). It must be a ready document of the lesson's course (else not_found, or
   * conflict while it converts); the server counts its pages.
   */
  'board:show-document': {
    payload: Strict({ coursewareId: RowId }),
    data: Type.Object({ pageId: Type.String() }),
  },
  /** Lead teacher: turn to a page. Only this travels live; every site already has the document. */
  'board:turn': { payload: Strict({ pageId: PageId }), data: Type.Object({}) },
  /**
   * A stroke, or the next piece of one being drawn. The first piece with a new `strokeId` starts the stroke;
   * later pieces append points (their tool, colour and width must match). Sending pieces every ~100 ms lets
   * the sites see the line grow as it is drawn — a whole stroke at pen-up would arrive a second or more
   * late, a message per point would pay Socket.IO's framing for every 4 bytes of ink.
   */
  'board:stroke': {
    payload: Strict({
      pageId: PageId,
      strokeId: Id,
      tool: Type.Enum(STROKE_TOOLS),
      colour: Colour,
      width: Width,
      points: Type.Array(BoardPoint, { minItems: 1, maxItems: BOARD_LIMITS.pointsPerPiece }),
      pressure: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), { maxItems: BOARD_LIMITS.pointsPerPiece })),
    }),
    data: Type.Object({}),
  },
  /** A text or a shape, whole. */
  'board:place': {
    payload: Strict({ pageId: PageId, item: Type.Union([Type.Omit(BoardText, ['id']), Type.Omit(BoardShape, ['id'])]) }),
    data: Type.Object({ itemId: Type.String() }),
  },
  /** Erase items of a page, or (`all`) clear it. */
  'board:erase': {
    payload: Strict({ pageId: PageId, itemIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })), all: Type.Optional(Type.Boolean()) }),
    data: Type.Object({}),
  },
  /** The laser pointer at a point, or gone (null): sent on, never stored. */
  'board:laser': { payload: Strict({ pageId: PageId, at: Type.Union([BoardPoint, Type.Null()]) }), data: Type.Object({}) },
  /** Lead teacher: hand the pen to a site on stage, or take it back (null). */
  'board:pen': { payload: Strict({ participantId: Type.Union([Id, Type.Null()]) }), data: Type.Object({}) },
} as const;

export const BOARD_EVENTS = {
  'board:opened': Type.Object({ open: Type.Boolean() }),
  /** The pages changed (a blank page, a document) and/or the page shown. */
  'board:pages': Type.Object({ pages: Type.Array(BoardPage), currentPageId: Type.Union([Type.String(), Type.Null()]) }),
  /** A page turn alone: the smallest live message of the board. */
  'board:turned': Type.Object({ pageId: Type.String() }),
  /**
   * A stroke piece as drawn. The first piece of a stroke carries its page and what it looks like; a later
   * piece only its id and the new points — every site already has the rest (from that first piece, or from
   * its join snapshot), and these few fields are most of the board's bytes on a village link.
   */
  'board:stroke': Type.Object({
    pageId: Type.Optional(Type.String()),
    strokeId: Type.String(),
    tool: Type.Optional(Type.Enum(STROKE_TOOLS)),
    colour: Type.Optional(Colour),
    width: Type.Optional(Width),
    points: Type.Array(BoardPoint),
    pressure: Type.Optional(Type.Array(Type.Integer())),
  }),
  'board:placed': Type.Object({ pageId: Type.String(), item: Type.Union([BoardText, BoardShape]) }),
  /** Items erased from a page; `itemIds: null` = the page was cleared. */
  'board:erased': Type.Object({ pageId: Type.String(), itemIds: Type.Union([Type.Array(Type.String()), Type.Null()]) }),
  /** The laser pointer on the page being shown (a laser over another page is not sent), or gone (null). */
  'board:laser': Type.Object({ at: Type.Union([BoardPoint, Type.Null()]) }),
  'board:pen': Type.Object({ penHolderId: Type.Union([Type.String(), Type.Null()]) }),
} as const;

/**
 * A new stroke's id, made by the drawing browser (so that it can draw its own stroke at once and skip the
 * echo): 10 random base-36 characters — unique enough within a lesson, and a quarter of a UUID on the wire
 * of every piece. The server refuses a new stroke whose id is already on the board.
 */
export function newStrokeId(): string {
  const random = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(random, (byte) => (byte % 36).toString(36)).join('');
}

/** A page kept after the lesson, with its ink (`GET /api/reports/lessons/:lessonSessionId/board`). */
export const KeptBoardPage = Type.Object({ id: Type.String(), source: BoardPageSource, items: Type.Array(BoardItem) });
export type KeptBoardPage = Static<typeof KeptBoardPage>;
export const KeptBoard = Type.Object({ pages: Type.Array(KeptBoardPage) });
export type KeptBoard = Static<typeof KeptBoard>;
