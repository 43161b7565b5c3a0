import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { MyLessons } from '../../shared/api/teaching.js';
import type { MediaSource } from '../../shared/lesson/model.js';

/** How long media may take to flow on a busy 2-core machine (three Chromiums encoding and decoding). */
export const MEDIA_TIMEOUT_MS = 30_000;

/** The course a signed-in user takes part in with this subject and part, from GET /api/me/lessons. */
export async function courseIdOf(page: Page, subject: string, part: MyLessons['lessons'][number]['myPart']): Promise<number> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 21 * 86_400_000).toISOString();
  const response = await page.request.get('/api/me/lessons', { params: { from, to } });
  if (!response.ok()) throw new Error(`GET /api/me/lessons answered ${response.status()}`);
  const { lessons } = (await response.json()) as MyLessons;
  const lesson = lessons.find((l) => l.subject === subject && l.myPart === part);
  if (!lesson) throw new Error(`no ${subject} lesson as ${part} in the next three weeks`);
  return lesson.courseId;
}

/** My participant id in the lesson (the lesson view carries it once joined). */
export async function participantIdOf(page: Page): Promise<string> {
  const view = page.getByTestId('lesson-view');
  await view.waitFor({ state: 'visible', timeout: MEDIA_TIMEOUT_MS });
  const id = await view.getAttribute('data-participant-id');
  if (!id) throw new Error('the lesson view has no participant id');
  return id;
}

export interface DecodedVideo {
  width: number;
  frames: number;
}

/** What the test reads of a <video> (the e2e code compiles without the DOM library). */
interface VideoLike {
  videoWidth: number;
  getVideoPlaybackQuality(): { totalVideoFrames: number };
}

/** The first <video> of someone's camera or screen as this page decodes it; null while there is none. */
export function decodedVideo(page: Page, participantId: string, source: MediaSource = 'camera'): Promise<DecodedVideo | null> {
  const selector = `video[data-testid="remote-video"][data-participant-id="${participantId}"][data-source="${source}"]`;
  // evaluateAll does not wait for the element: a missing video is an answer, not a timeout.
  return page.locator(selector).evaluateAll((elements) => {
    const video = elements[0] as unknown as VideoLike | undefined;
    if (!video) return null;
    return { width: video.videoWidth, frames: video.getVideoPlaybackQuality().totalVideoFrames };
  });
}

/** Waits until the page shows someone's video with a picture (videoWidth > 0); returns its frame count. */
export async function waitForPicture(page: Page, participantId: string, source: MediaSource = 'camera', timeout = MEDIA_TIMEOUT_MS): Promise<DecodedVideo> {
  const deadline = Date.now() + timeout;
  let last: DecodedVideo | null = null;
  while (Date.now() < deadline) {
    last = await decodedVideo(page, participantId, source);
    if (last && last.width > 0 && last.frames > 0) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`no decoded ${source} of ${participantId} within ${timeout} ms (last seen: ${JSON.stringify(last)})`);
}

/** A video to check: which page decodes whose camera. */
export interface Watch {
  name: string;
  page: Page;
  participantId: string;
  source?: MediaSource;
}

/**
 * Every watched video has a picture, and `seconds` later each has decoded more frames: the stream is live,
 * not a frozen first frame. All are measured over the same interval, so the wait is paid once.
 */
export async function expectFramesAdvance(watches: Watch[], seconds = 10): Promise<Array<{ name: string; before: number; after: number }>> {
  const before = await Promise.all(watches.map((w) => waitForPicture(w.page, w.participantId, w.source)));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await Promise.all(watches.map((w) => decodedVideo(w.page, w.participantId, w.source)));
  const results = watches.map((w, i) => ({ name: w.name, before: before[i]?.frames ?? 0, after: after[i]?.frames ?? 0, width: after[i]?.width ?? 0 }));
  const stalled = results.filter((r) => r.width === 0 || r.after <= r.before);
  if (stalled.length > 0) throw new Error(`video did not advance over ${seconds} s: ${JSON.stringify(stalled)}`);
  return results;
}

/** The participant tiles of one site on the teacher's grid. */
export function tilesOf(page: Page, userName: string) {
  return page.locator(`[data-testid="participant-tile"][data-user-name="${userName}"]`);
}

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/lesson/', import.meta.url));

/** With TONGKE_E2E_SCREENSHOTS=1, saves what the page shows to test-results/lesson/<name>.png (for design review). */
export async function snapshot(page: Page, name: string): Promise<void> {
  if (!process.env.TONGKE_E2E_SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** The page's console warnings and errors from now on (printed at the end of the lesson test, for diagnosis). */
export function consoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}
