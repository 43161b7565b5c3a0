/**
 * Board bytes vs screen-share bytes: what a receiving classroom receives during a minute of whiteboard use
 * over a courseware deck — three page turns, twelve hand-drawn strokes sent in pieces every 100 ms as the
 * page does (60 Hz pointer samples), ten seconds of laser pointer at 10 Hz — against a minute of screen share
 * of the same deck with the same turns, strokes and laser, measured side by side in the same run.
 *
 * Board: a real server (createOrganisationFixture with a listening port), the teacher and a classroom on real
 * sockets; the figure is the engine.io packet payloads the classroom's Socket.IO client receives (WebSocket/
 * TCP/IP headers are not counted, a few bytes per message). Screen share: real Chromium, the app's capture
 * constraints and encodings, the classroom's inbound RTP payload bytes (bench/screen-share.ts, which also
 * proves the received picture is the deck).
 */
import { readFileSync } from 'node:fs';

import type { CoursewareView } from '../shared/api/courseware.js';
import { newStrokeId, type BoardPoint } from '../shared/lesson/features/board.js';
import { createOrganisationFixture } from '../test/support/fixtures.js';
import { LessonSocket } from '../test/support/lesson-socket.js';
import { ratios, round, type BenchResult, type Benchmark } from './result.js';
import { lessonLikeDeck } from './lesson-deck.js';
import { measureScreenShareMinute, type ScreenShareMinute } from './screen-share.js';

/** The deck both minutes show: the three-page courseware fixture. */
export const DECK_PDF = new URL('../test/fixtures/courseware/three-pages.pdf', import.meta.url);
const STROKES = 12;
const TURNS = 3;
const POINTS_PER_STROKE = 90;
/** The document page the deck opens on before the minute, then the three turns: 1 → 2 → 3 → back to 1. */
const PAGE_SEQUENCE = [1, 2, 3, 1];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One hand stroke: a wavy line of `samples` pointer positions across part of the page. */
function strokePoints(n: number, samples: number): BoardPoint[] {
  const y0 = 1500 + (n % 6) * 1200;
  return Array.from({ length: samples }, (_, i): BoardPoint => [Math.round(1000 + (i * 7000) / samples), Math.round(y0 + 300 * Math.sin(i / 6))]);
}

/** A two-party start line: each side calls it when set up; both are released when the second arrives. */
function bothReady(): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === 2) release();
    return started;
  };
}

/** What the teacher does in the minute; the board and the screen share each turn it into their own actions. */
type TeacherAction =
  | { kind: 'turn'; pageNumber: number }
  | { kind: 'stroke'; strokeId: string; points: BoardPoint[] }
  | { kind: 'laser'; at: BoardPoint | null };

/** Plays the minute (scaled to `seconds`), calling `act` for each action at its time. */
async function playMinute(seconds: number, quick: boolean, act: (action: TeacherAction) => Promise<void>): Promise<void> {
  const started = Date.now();
  const at = (s: number) => sleep(Math.max(0, started + s * 1000 * (seconds / 60) - Date.now()));
  let turned = 0;
  for (let n = 0; n < STROKES; n++) {
    // A page turn every 20 s (of the scaled minute), before that stretch's strokes.
    if (n % (STROKES / TURNS) === 0 && turned < TURNS) {
      await at((n / STROKES) * 60);
      await act({ kind: 'turn', pageNumber: PAGE_SEQUENCE[++turned]! });
    }
    await at((n / STROKES) * 60 + 1);
    // 1.5 s of drawing at 60 Hz, sent as the page sends it: a piece every 100 ms.
    const points = strokePoints(n, POINTS_PER_STROKE);
    // The id the lesson page makes for a stroke (its length is on the wire of every piece).
    const strokeId = newStrokeId();
    for (let piece = 0; piece < points.length; piece += 6) {
      await act({ kind: 'stroke', strokeId, points: points.slice(piece, piece + 6) });
      await sleep(quick ? 5 : 100);
    }
  }
  // Ten seconds of laser pointer at 10 Hz.
  for (let i = 0; i < (quick ? 10 : 100); i++) {
    await act({ kind: 'laser', at: [3000 + i * 30, 5000] });
    await sleep(quick ? 5 : 100);
  }
  await act({ kind: 'laser', at: null });
  await at(60);
  await sleep(200);
}

/** The board minute: bytes and messages the classroom's socket receives. */
async function boardMinute(deckPdf: Buffer, seconds: number, quick: boolean, ready: () => Promise<void>): Promise<{ bytes: number; messages: number }> {
  const f = await createOrganisationFixture({ media: true, listen: true });
  const sockets: LessonSocket[] = [];
  try {
    const connect = async (principal: 'teacher' | 'classroom_device') => {
      const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader());
      sockets.push(socket);
      await socket.connected();
      return socket;
    };
    // The board shows only a ready document of the lesson's course: upload the deck as the teacher does.
    const uploaded = await (await f.as('teacher')).request('POST', `/api/courses/${f.ids.courseId}/courseware?name=${encodeURIComponent('春天.pdf')}`, deckPdf, { 'content-type': 'application/octet-stream' });
    if (uploaded.statusCode !== 201) throw new Error(`uploading the deck failed: ${uploaded.statusCode} ${uploaded.body}`);
    const deck = uploaded.json() as CoursewareView;
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await teacher.joinLesson(f.ids.courseId);
    const room = await connect('classroom_device');
    await room.joinLesson(f.ids.courseId);
    await teacher.request('board:open', { open: true });
    let { pageId: current } = await teacher.request('board:show-document', { coursewareId: deck.id });
    const pages = (await room.nextEvent('board:pages')).pages;

    // From here on, every engine.io packet the classroom receives is counted.
    let bytes = 0;
    let messages = 0;
    const countBytes = (packet: { data?: unknown }) => {
      messages++;
      bytes += typeof packet.data === 'string' ? Buffer.byteLength(packet.data) : packet.data instanceof ArrayBuffer || ArrayBuffer.isView(packet.data) ? (packet.data as ArrayBuffer).byteLength : 0;
    };
    await ready();
    room.socket.io.engine.on('packet', countBytes);
    await playMinute(seconds, quick, async (action) => {
      if (action.kind === 'turn') {
        current = pages[action.pageNumber - 1]!.id;
        await teacher.request('board:turn', { pageId: current });
      } else if (action.kind === 'stroke') {
        await teacher.request('board:stroke', { pageId: current, strokeId: action.strokeId, tool: 'pen', colour: 'red', width: 40, points: action.points });
      } else if (action.at) {
        await teacher.request('board:laser', { pageId: current, at: action.at });
      }
    });
    room.socket.io.engine.off('packet', countBytes);
    return { bytes, messages };
  } finally {
    for (const s of sockets) s.close();
    await f.close();
  }
}

export const boardBenchmark: Benchmark = {
  name: 'board',
  description: 'bytes a classroom receives in a minute of whiteboard use over a deck vs a measured minute of screen share of the same deck',
  async run({ quick }): Promise<BenchResult> {
    const seconds = quick ? 6 : 60;
    const decks = [
      { name: 'fixture deck', suffix: '', pdf: readFileSync(DECK_PDF) },
      { name: 'lesson-like deck', suffix: 'LessonDeck', pdf: await lessonLikeDeck() },
    ];
    const figures: Record<string, number> = {};
    const baseline: Record<string, number> = {};
    const steps: BenchResult['steps'] = [];
    for (const deck of decks) {
      // Side by side: the board's server starts while the screen share warms up, and both minutes start together.
      const ready = bothReady();
      const [board, screen] = await Promise.all([
        boardMinute(deck.pdf, seconds, quick, ready),
        measureScreenShareMinute({ deckPdf: deck.pdf, warmUpMs: quick ? 2000 : 5000, script: async (act) => { await ready(); await playMinute(seconds, quick, act); } }),
      ]);
      figures[`bytesPerMinute${deck.suffix}`] = board.bytes;
      figures[`messagesPerMinute${deck.suffix}`] = board.messages;
      figures[`kbitPerSecond${deck.suffix}`] = round((board.bytes * 8) / seconds / 1000, 3);
      baseline[`bytesPerMinute${deck.suffix}`] = screen.bytesReceived;
      baseline[`kbitPerSecond${deck.suffix}`] = round((screen.bytesReceived * 8) / seconds / 1000, 3);
      const share = board.bytes / screen.bytesReceived;
      steps.push(
        { deck: deck.name, side: 'screen share', codec: screen.codec, capture: `${screen.captureWidth}x${screen.captureHeight}`, received: `${screen.frameWidth}x${screen.frameHeight}`, framesDecoded: screen.framesDecoded, packets: screen.packetsReceived, rtpHeaderAndPaddingBytes: screen.headerBytesReceived, qualityLimitation: screen.qualityLimitationReason },
        ...screen.proof.map((p: ScreenShareMinute['proof'][number], i) => ({ deck: deck.name, side: 'deck proof', turn: i + 1, pageShown: p.shown, pageRecognised: p.recognised, shownAfterMs: p.afterMs, distances: p.distances.join('/') })),
        { deck: deck.name, side: 'target', boardShareOfScreen: `${round(share * 100, 2)} %`, targetMet: share <= 0.05 ? 'yes (≤ 5 %)' : 'NO (> 5 %)', deckRecognisedAtEveryTurn: screen.proof.every((p) => p.shown === p.recognised) ? 'yes' : 'NO' },
      );
    }
    return {
      name: 'board',
      parameters: { seconds, pageTurns: TURNS, strokes: STROKES, pointsPerStroke: POINTS_PER_STROKE, laserSamples: quick ? 10 : 100, decks: decks.map((d) => d.name).join(' + ') },
      figures,
      baseline,
      ratio: ratios(figures, baseline),
      steps,
      notes: [
        'baseline = a measured screen share of the same deck in real Chromium (tab capture with the app’s SCREEN_CAPTURE, one VP8 encoding with SCREEN_ENCODINGS, contentHint detail), the classroom’s inbound-rtp bytesReceived (RTP payload) over the same minute, after a warm-up; peer to peer on loopback, as an SFU forwards a single-encoding share unchanged',
        'deck proof: at each turn the classroom’s decoded frame (160×90 grey) is compared with every clean deck page (mean grey difference 0…255 over the pixels where the pages differ); the nearest must be the page turned to; frames saved in test-results/bench-screen-share/',
        'board bytes = engine.io packet payloads on the classroom’s socket (no WebSocket/TCP/IP headers); the deck itself is fetched once per site before the minute (the fixture PDF is ~1.3 kB; a real deck is its file size, once)',
        'two decks, each shown on both sides: the courseware fixture (one line of large text a page: the cheapest a screen share can be, so its ratio is the board’s worst case) and a lesson-like deck from bench/lesson-deck.ts (title bar, six lines of text, a chart, a colour mosaic for a photo)',
        'screen bytes exclude RTP headers and padding (reported per deck as rtpHeaderAndPaddingBytes: mostly the sender’s bandwidth probes), as board bytes exclude WebSocket framing',
        quick ? 'quick run: the minute is compressed to a few seconds; per-minute figures are the bytes of those seconds, not of a real minute' : 'real-time minute',
      ],
    };
  },
};
