/**
 * The board bench's baseline, measured: a minute of screen share of the same deck, as a receiving site gets it.
 *
 * Real Chromium (Debian's /usr/bin/chromium through playwright-core, as the e2e suite) opens two isolated
 * contexts on a loopback page server: the teacher's renders the deck full-size with PDF.js, captures its own
 * tab with getDisplayMedia using the app's SCREEN_CAPTURE (≤ 1080p, ≤ 5 fps, contentHint 'detail') and sends
 * it with the app's SCREEN_ENCODINGS (one VP8 encoding, ≤ 1.5 Mbit/s, ≤ 5 fps); the classroom's decodes it.
 * The figure is the classroom's inbound-rtp bytesReceived (RTP payload; headers reported beside it) over the
 * minute, while the teacher turns pages, draws and points on the same schedule as the board minute.
 *
 * The stream goes peer to peer over loopback, not through mediasoup: an SFU forwards a single-encoding screen
 * share's RTP packets as they are (no transcoding), so the bytes a site receives are the bytes the sender
 * encodes; what the SFU adds (its own RTCP, retransmissions on loss) is not in the figure.
 *
 * Proof that the capture is the deck: after each page turn the classroom's decoded frame is reduced to a
 * 160×90 grey thumbnail and compared with thumbnails of every clean deck page, over the pixels where the
 * pages differ from one another; the page it resembles most must be the page the teacher turned to, and the
 * time until it does is reported. The decoded frames are also written to test-results/bench-screen-share/.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';
const FRAMES_DIR = fileURLToPath(new URL('../test-results/bench-screen-share/', import.meta.url));
const PDFJS = fileURLToPath(new URL('../node_modules/pdfjs-dist/build/', import.meta.url));

/** The screen share's settings as the app uses them (client/lib/lesson/encodings.ts). */
interface ScreenSettings {
  SCREEN_CAPTURE: Record<string, unknown>;
  SCREEN_ENCODINGS: Array<{ maxBitrate?: number; maxFramerate?: number }>;
}

/**
 * Loads the app's own SCREEN_CAPTURE and SCREEN_ENCODINGS. The path is a variable on purpose: that file types
 * its constants with the DOM's MediaTrackConstraints, which the server program (no DOM lib) cannot name.
 */
async function appScreenSettings(): Promise<ScreenSettings> {
  const encodingsModule = '../client/lib/lesson/encodings.js';
  const settings = (await import(encodingsModule)) as ScreenSettings;
  if (!settings.SCREEN_CAPTURE || settings.SCREEN_ENCODINGS?.length !== 1) throw new Error(`${encodingsModule} no longer exports one screen encoding: update the bench`);
  return settings;
}

/** What the teacher does during the minute, in the order and at the (scaled) times the board minute does it. */
export type DeckAction =
  | { kind: 'turn'; pageNumber: number }
  | { kind: 'stroke'; strokeId: string; points: Array<readonly [number, number]> }
  | { kind: 'laser'; at: readonly [number, number] | null };

export interface ScreenShareMinute {
  bytesReceived: number;
  headerBytesReceived: number;
  packetsReceived: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  codec: string;
  captureWidth: number;
  captureHeight: number;
  qualityLimitationReason: string;
  /** Per page turn: the page shown, the page the received frame looks like, how far (mean grey difference 0…255) it is from each page, and how soon after the turn the classroom showed it (the watch gives up after 5 s). */
  proof: Array<{ shown: number; recognised: number; distances: number[]; afterMs: number }>;
}

/** Serves the two bench pages, PDF.js and the deck from loopback (a secure context, as getDisplayMedia needs). */
async function servePages(deckPdf: Buffer): Promise<{ server: Server; origin: string }> {
  const files: Record<string, { type: string; body: () => Buffer }> = {
    '/bench.html': { type: 'text/html', body: () => Buffer.from('<!doctype html><meta charset="utf-8"><title>Tongke screen-share bench</title><script type="module" src="/screen-share-page.mjs"></script>') },
    '/screen-share-page.mjs': { type: 'text/javascript', body: () => readFileSync(new URL('./screen-share-page.mjs', import.meta.url)) },
    '/pdf.min.mjs': { type: 'text/javascript', body: () => readFileSync(`${PDFJS}pdf.min.mjs`) },
    '/pdf.worker.min.mjs': { type: 'text/javascript', body: () => readFileSync(`${PDFJS}pdf.worker.min.mjs`) },
    '/deck.pdf': { type: 'application/pdf', body: () => deckPdf },
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://x').pathname];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type }).end(file.body());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Where the deck's pages differ from one another (grey levels more than 40 apart): the pixels that tell one
 * page from another. Compared everywhere, a sparse deck's pages are mostly the same white.
 */
function distinguishingPixels(pages: readonly number[][]): number[] {
  return pages[0]!.flatMap((_, i) => {
    const values = pages.map((p) => p[i]!);
    return Math.max(...values) - Math.min(...values) > 40 ? [i] : [];
  });
}

/** Mean grey difference (0…255) of two thumbnails over the given pixels. */
function meanDifference(a: readonly number[], b: readonly number[], pixels: readonly number[]): number {
  let sum = 0;
  for (const i of pixels) sum += Math.abs(a[i]! - b[i]!);
  return sum / pixels.length;
}

async function openPage(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`bench page error (${url}):`, error.message));
  await page.goto(url);
  await page.evaluate('window.benchReady');
  return page;
}

/**
 * Runs the screen-share minute: `warmUpMs` of sharing first (so the sender's bandwidth estimate has ramped up,
 * as in a lesson where the share has been on), then `script` drives the teacher's deck while the classroom's
 * received bytes are counted.
 */
export async function measureScreenShareMinute(options: {
  deckPdf: Buffer;
  warmUpMs: number;
  script: (act: (action: DeckAction) => Promise<void>) => Promise<void>;
}): Promise<ScreenShareMinute> {
  const { server, origin } = await servePages(options.deckPdf);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      // Headless Chromium grants only "this tab" capture without a picker; loopback ICE needs real host addresses.
      args: ['--no-sandbox', '--disable-gpu', '--auto-accept-this-tab-capture', '--disable-features=WebRtcHideLocalIpsWithMdns', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const { SCREEN_CAPTURE, SCREEN_ENCODINGS } = await appScreenSettings();
    const capture = { ...SCREEN_CAPTURE };
    const encodings = SCREEN_ENCODINGS.map((e) => ({ maxBitrate: e.maxBitrate, maxFramerate: e.maxFramerate }));
    const deck = await openPage(browser, `${origin}/bench.html?role=deck#${encodeURIComponent(JSON.stringify({ capture, encodings }))}`, { width: 1920, height: 1080 });
    const classroom = await openPage(browser, `${origin}/bench.html?role=receiver`, { width: 1280, height: 720 });
    const pageThumbnails = await deck.evaluate('window.bench.pageThumbnails()') as number[][];
    const pixels = distinguishingPixels(pageThumbnails);
    if (pixels.length === 0) throw new Error('the deck’s pages look alike: the bench cannot tell which one a site receives');
    await deck.evaluate('window.bench.show(1)');
    const shared = await deck.evaluate('window.bench.share()') as { offer: string; settings: { width: number; height: number } };
    const answer = await classroom.evaluate((offer) => (globalThis as unknown as { bench: { answer(o: string): Promise<string> } }).bench.answer(offer), shared.offer);
    await deck.evaluate((sdp) => (globalThis as unknown as { bench: { answered(s: string): Promise<void> } }).bench.answered(sdp), answer);
    await new Promise((resolve) => setTimeout(resolve, options.warmUpMs));

    type Inbound = Omit<ScreenShareMinute, 'proof' | 'captureWidth' | 'captureHeight' | 'qualityLimitationReason'>;
    const inbound = async () => (await classroom.evaluate('window.bench.inbound()')) as Inbound | null;
    const before = await inbound();
    if (!before || before.framesDecoded === 0) throw new Error('the classroom decoded no frame of the screen share during the warm-up');

    mkdirSync(FRAMES_DIR, { recursive: true });
    const proof: ScreenShareMinute['proof'] = [];
    await options.script(async (action) => {
      if (action.kind === 'turn') {
        const turned = Date.now();
        await deck.evaluate((n) => (globalThis as unknown as { bench: { show(n: number): void } }).bench.show(n), action.pageNumber);
        // Watch the classroom's decoded picture until it shows the page turned to (or 5 s pass): how long that takes is part of the proof.
        let seen: { recognised: number; distances: number[] } | undefined;
        while (Date.now() - turned < 5000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const frame = await classroom.evaluate('window.bench.frame(false)') as { thumbnail: number[] } | null;
          if (!frame) continue;
          const distances = pageThumbnails.map((t) => Math.round(meanDifference(t, frame.thumbnail, pixels) * 10) / 10);
          seen = { recognised: distances.indexOf(Math.min(...distances)) + 1, distances };
          if (seen.recognised === action.pageNumber) break;
        }
        if (!seen) throw new Error('the classroom has no decoded frame');
        proof.push({ shown: action.pageNumber, ...seen, afterMs: Date.now() - turned });
        const png = await classroom.evaluate('window.bench.frame(true)') as { png: string };
        writeFileSync(`${FRAMES_DIR}turn-${proof.length}-page-${action.pageNumber}.png`, Buffer.from(png.png.split(',')[1]!, 'base64'));
      } else if (action.kind === 'stroke') {
        await deck.evaluate(([id, points]) => (globalThis as unknown as { bench: { stroke(i: string, p: unknown): void } }).bench.stroke(id, points), [action.strokeId, action.points] as const);
      } else {
        await deck.evaluate((at) => (globalThis as unknown as { bench: { laser(a: unknown): void } }).bench.laser(at), action.at);
      }
    });
    const after = await inbound();
    const outbound = await deck.evaluate('window.bench.outbound()') as { qualityLimitationReason?: string } | null;
    if (!after) throw new Error('the classroom lost the screen share');
    return {
      bytesReceived: after.bytesReceived - before.bytesReceived,
      headerBytesReceived: after.headerBytesReceived - before.headerBytesReceived,
      packetsReceived: after.packetsReceived - before.packetsReceived,
      framesDecoded: after.framesDecoded - before.framesDecoded,
      frameWidth: after.frameWidth,
      frameHeight: after.frameHeight,
      codec: after.codec,
      captureWidth: shared.settings.width,
      captureHeight: shared.settings.height,
      qualityLimitationReason: outbound?.qualityLimitationReason ?? 'unknown',
      proof,
    };
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
