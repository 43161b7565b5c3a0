/**
 * Board bytes: what a receiving classroom's socket receives during a minute of whiteboard use over a
 * courseware deck — three page turns, twelve hand-drawn strokes sent in pieces every 100 ms as the page
 * does (60 Hz pointer samples), ten seconds of laser pointer at 10 Hz — on a real server (createTestApp
 * with a listening port), counted as the engine.io packets the classroom's Socket.IO client receives
 * (payload bytes; WebSocket/TCP/IP headers are not counted, a few bytes per message).
 *
 * The baseline is NOT measured here: it is the screen share's configured ceiling for the same minute
 * (SCREEN_ENCODINGS: 1.5 Mbit/s), which a static slide at 5 fps may encode well below. The ratio is
 * therefore a lower bound on what the board saves; a measured screen-share minute (a browser's screen
 * producer, the site's inbound RTP bytes) is left to do.
 */
import { readFileSync } from 'node:fs';

import type { CoursewareView } from '../shared/api/courseware.js';
import type { BoardPoint } from '../shared/lesson/features/board.js';
import { createOrganisationFixture } from '../test/support/fixtures.js';
import { LessonSocket } from '../test/support/lesson-socket.js';
import { ratios, round, type BenchResult, type Benchmark } from './registry.js';

/** The screen share's ceiling, SCREEN_ENCODINGS in client/lib/lesson/encodings.ts (a browser file: not importable here). */
const SCREEN_MAX_BITRATE = 1_500_000;

/** The deck both minutes show: the three-page courseware fixture (the board bench turns through all its pages). */
export const DECK_PDF = new URL('../test/fixtures/courseware/three-pages.pdf', import.meta.url);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One hand stroke: a wavy line of `samples` pointer positions across part of the page. */
function strokePoints(n: number, samples: number): BoardPoint[] {
  const y0 = 1500 + (n % 6) * 1200;
  return Array.from({ length: samples }, (_, i): BoardPoint => [Math.round(1000 + (i * 7000) / samples), Math.round(y0 + 300 * Math.sin(i / 6))]);
}

export const boardBenchmark: Benchmark = {
  name: 'board',
  description: 'bytes a classroom receives in a minute of whiteboard use over a deck vs the screen share ceiling for the same minute',
  async run({ quick }): Promise<BenchResult> {
    const seconds = quick ? 6 : 60;
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
      const uploaded = await (await f.as('teacher')).request('POST', `/api/courses/${f.ids.courseId}/courseware?name=${encodeURIComponent('春天.pdf')}`, readFileSync(DECK_PDF), { 'content-type': 'application/octet-stream' });
      if (uploaded.statusCode !== 201) throw new Error(`uploading the deck failed: ${uploaded.statusCode} ${uploaded.body}`);
      const deck = uploaded.json() as CoursewareView;
      const teacher = await connect('teacher');
      await teacher.request('lesson:start', { courseId: f.ids.courseId });
      await teacher.joinLesson(f.ids.courseId);
      const room = await connect('classroom_device');
      await room.joinLesson(f.ids.courseId);
      await teacher.request('board:open', { open: true });
      const { pageId } = await teacher.request('board:show-document', { coursewareId: deck.id });
      const pages = (await room.nextEvent('board:pages')).pages;

      // From here on, every engine.io packet the classroom receives is counted.
      let bytes = 0;
      let messages = 0;
      const countBytes = (packet: { data?: unknown }) => {
        messages++;
        bytes += typeof packet.data === 'string' ? Buffer.byteLength(packet.data) : packet.data instanceof ArrayBuffer || ArrayBuffer.isView(packet.data) ? (packet.data as ArrayBuffer).byteLength : 0;
      };
      room.socket.io.engine.on('packet', countBytes);

      const started = Date.now();
      const at = (s: number) => sleep(Math.max(0, started + s * 1000 * (seconds / 60) - Date.now()));
      const strokes = 12;
      const turns = 3;
      let turned = 0;
      let current = pageId;
      for (let n = 0; n < strokes; n++) {
        // A page turn every 20 s (of the scaled minute), before that stretch's strokes.
        if (n % (strokes / turns) === 0 && turned < turns) {
          await at((n / strokes) * 60);
          // Three turns over a three-page deck: 1 → 2 → 3 → back to 1 (the screen minute turns the same way).
          current = pages[++turned % pages.length]!.id;
          await teacher.request('board:turn', { pageId: current });
        }
        await at((n / strokes) * 60 + 1);
        // 1.5 s of drawing at 60 Hz, sent as the page sends it: a piece every 100 ms.
        const points = strokePoints(n, 90);
        for (let piece = 0; piece < points.length; piece += 6) {
          await teacher.request('board:stroke', { pageId: current, strokeId: `s${n}`, tool: 'pen', colour: 'red', width: 40, points: points.slice(piece, piece + 6) });
          await sleep(quick ? 5 : 100);
        }
      }
      // Ten seconds of laser pointer at 10 Hz.
      for (let i = 0; i < (quick ? 10 : 100); i++) {
        await teacher.request('board:laser', { pageId: current, at: [3000 + i * 30, 5000] });
        await sleep(quick ? 5 : 100);
      }
      await at(60);
      await sleep(200);
      room.socket.io.engine.off('packet', countBytes);

      const screenBytesPerMinute = (SCREEN_MAX_BITRATE / 8) * 60;
      const figures = { bytesPerMinute: bytes, messagesPerMinute: messages, kbitPerSecond: round((bytes * 8) / 60 / 1000, 3) };
      const baseline = { bytesPerMinute: screenBytesPerMinute, kbitPerSecond: round((screenBytesPerMinute * 8) / 60 / 1000, 3) };
      return {
        name: 'board',
        parameters: { seconds, pageTurns: turns, strokes, pointsPerStroke: 90, laserSamples: quick ? 10 : 100 },
        figures,
        baseline,
        ratio: ratios(figures, baseline),
        steps: [],
        notes: [
          'baseline = the screen share ceiling (SCREEN_ENCODINGS maxBitrate 1.5 Mbit/s × 60 s), not a measured stream: the ratio is an upper bound on the board’s share',
          'board bytes = engine.io packet payloads on the classroom’s socket (no WebSocket/TCP/IP headers); the deck itself is fetched once per site before the minute (the fixture PDF is ~2 kB; a real deck is its file size, once)',
          quick ? 'quick run: the minute is compressed to a few seconds; bytes are the same events, not per real minute' : 'real-time minute',
        ],
      };
    } finally {
      for (const s of sockets) s.close();
      await f.close();
    }
  },
};
