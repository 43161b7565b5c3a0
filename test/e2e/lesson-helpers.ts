import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import type { MyLessons } from '../../shared/api/teaching.js';
import type { MediaSource } from '../../shared/lesson/model.js';
import { login, visible, type BrowserUser } from './browser.js';

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

/** How long a classroom's home may take to offer a live lesson: it asks which lessons are live every 10 s. */
export const HOME_OFFERS_LESSON_MS = 25_000;

/**
 * Polls `check` every `intervalMs` until it holds: the ms it took, or null after `timeoutMs`. Plain code, not
 * vitest's expect.poll: the bench runs these steps outside vitest (test/support/netlab/adaptation-lesson.ts).
 */
export async function msUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<number | null> {
  const from = Date.now();
  for (;;) {
    if (await check()) return Date.now() - from;
    if (Date.now() - from >= timeoutMs) return null;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** As msUntil, but throws `failure` when `check` never held. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, failure: string): Promise<void> {
  if ((await msUntil(check, timeoutMs)) === null) throw new Error(`${failure} (waited ${timeoutMs} ms)`);
}

/**
 * Opens the lesson's pre-join page as its lead teacher, waits until the start button is enabled (devices
 * found) and presses it: her participant id. `beforeStart` looks at the page first (its text, a snapshot).
 */
export async function startLesson(page: Page, courseId: number, beforeStart?: (start: Locator) => Promise<void>): Promise<string> {
  await page.goto(`/lesson/${courseId}`);
  const start = await visible(page.getByTestId('prejoin-join'));
  await until(() => start.isEnabled(), MEDIA_TIMEOUT_MS, 'the pre-join page never allowed a start');
  await beforeStart?.(start);
  await start.click();
  return participantIdOf(page);
}

/** A lead teacher signs in and starts her music lesson: its course and her participant id. */
export async function startLessonAsLead(user: BrowserUser, username: string, beforeStart?: (start: Locator) => Promise<void>): Promise<{ courseId: number; participantId: string }> {
  await login(user.page, username);
  await visible(user.page.getByTestId('home-teacher'));
  const courseId = await courseIdOf(user.page, 'music', 'lead_teacher');
  return { courseId, participantId: await startLesson(user.page, courseId, beforeStart) };
}

/** A classroom device signs in and waits for its home. */
export async function signInClassroom(user: BrowserUser, username: string): Promise<void> {
  await login(user.page, username);
  await visible(user.page.getByTestId('home-classroom'));
}

/** Waits until the classroom home's join button offers this course's live lesson and can be pressed; returns the button. */
export async function joinOffered(page: Page, courseId: number, timeout = HOME_OFFERS_LESSON_MS): Promise<Locator> {
  const join = page.getByTestId('join-button');
  await until(async () => (await join.getAttribute('data-course-id')) === String(courseId) && (await join.isEnabled()), timeout, `the classroom home never offered course ${courseId}`);
  return join;
}

/**
 * A signed-in classroom joins the live lesson with one click on its home's button (?auto=1: straight in, no
 * device check): its participant id. `beforeJoin` looks at the offer first.
 */
export async function joinLive(user: BrowserUser, courseId: number, beforeJoin?: (join: Locator) => Promise<void>): Promise<string> {
  const join = await joinOffered(user.page, courseId);
  await beforeJoin?.(join);
  await join.click();
  return participantIdOf(user.page);
}

/**
 * A classroom device, in a browser context the caller made (the suite's, or one inside a lab namespace), signs
 * in and joins the live lesson from its home: its participant id.
 */
export async function joinFromHome(user: BrowserUser, username: string, courseId: number, beforeJoin?: (join: Locator) => Promise<void>): Promise<string> {
  await signInClassroom(user, username);
  return joinLive(user, courseId, beforeJoin);
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
