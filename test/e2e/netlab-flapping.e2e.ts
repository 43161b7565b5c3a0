import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { LabBrowsers } from '../support/netlab/chromium.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { flapping } from '../support/netlab/profiles.js';
import { startLabServer, type LabServer } from '../support/netlab/server.js';
import { describeReceived, measureReceived } from '../support/netlab/stats.js';
import { login, visible, type BrowserUser } from './browser.js';
import { courseIdOf, decodedVideo, MEDIA_TIMEOUT_MS, participantIdOf, tilesOf, waitForPicture } from './lesson-helpers.js';

/*
 * Issue #15's `flapping` link with a real Chromium classroom: 王老师 on the test host, 杨柳 in a lab
 * namespace whose link really drops, both ways. A short drop (5 s) must go unnoticed but for a pause in the
 * picture: the same participant, the same consumer in the same <video>, decoding again within seconds. A
 * drop long enough for the server's heartbeat to give up (LESSON_HEARTBEAT: 10 s + 15 s) must bring the page
 * back by itself as the same participant decoding the teacher, and the lesson report must show 杨柳 with one
 * continuous attendance interval, as a teacher or county reads it.
 */

const TEACHER = 'teacher.wang';
const ROOM = 'room.yangliu';
const SHORT_DROP_MS = 5_000;
/** Past the heartbeat's 10 s + 15 s: the server has the site as "reconnecting" before the link comes back. */
const HEARTBEAT_GIVES_UP_MS = 10_000 + 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const began = Date.now();
/** Where the test is, with the seconds since the file started (a slow machine shows where time went). */
const step = (what: string) => console.info(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The <video> of the teacher's camera in the classroom. */
const teacherVideo = (page: Page, teacherId: string) => page.locator(`video[data-testid="remote-video"][data-participant-id="${teacherId}"][data-source="camera"]`).first();

/** Marks the <video> element so that a re-rendered one is told apart (it would not carry the mark). */
const markVideo = (page: Page, teacherId: string) => teacherVideo(page, teacherId).evaluate((element) => ((element as unknown as { flapMark: boolean }).flapMark = true));
const stillMarked = (page: Page, teacherId: string) =>
  teacherVideo(page, teacherId).evaluate((element) => (element as unknown as { flapMark?: boolean }).flapMark === true);

/**
 * How long after `since` the page decodes the teacher again: the first moment its frame count has grown by
 * a few frames past what it was when the link came back (a frame or two could be late ones already in the
 * jitter buffer). Throws after `timeoutMs`.
 */
async function decodingResumes(page: Page, teacherId: string, since: number, timeoutMs: number): Promise<number> {
  const atUp = (await decodedVideo(page, teacherId))?.frames ?? 0;
  const deadline = since + timeoutMs;
  let last: number | null = atUp;
  while (Date.now() < deadline) {
    const now = await decodedVideo(page, teacherId);
    last = now?.frames ?? null;
    // A <video> rebuilt meanwhile counts from zero: any picture in it is decoding again.
    if (now && now.width > 0 && (now.frames > atUp + 3 || (now.frames > 3 && now.frames < atUp))) return Date.now() - since;
    await sleep(200);
  }
  throw new Error(`the teacher's video was not decoded again within ${seconds(timeoutMs)} of the link coming back (frames ${atUp} then, ${last} last seen)`);
}

/** Frames decoded every second for `ms`: each must be more than the one before (the picture keeps moving). */
async function framesAdvance(page: Page, teacherId: string, ms: number): Promise<number[]> {
  const samples: number[] = [];
  for (const until = Date.now() + ms; Date.now() < until; await sleep(1_000)) samples.push((await decodedVideo(page, teacherId))?.frames ?? 0);
  samples.push((await decodedVideo(page, teacherId))?.frames ?? 0);
  expect(samples.slice(1).filter((frames, i) => frames <= samples[i]!), `frames decoded each second: ${samples.join(', ')}`).toEqual([]);
  return samples;
}

const unavailable = await labUnavailable();

describe.skipIf(unavailable !== null)(unavailable ? `a classroom behind a flapping link (skipped: ${unavailable})` : 'a classroom behind a flapping link', () => {
  let lab: NetLab;
  let yangliu: LabHost;
  let server: LabServer;
  let browsers: LabBrowsers;

  beforeAll(async () => {
    lab = await NetLab.open();
    yangliu = await lab.addHost('clean');
    server = await startLabServer(yangliu);
    browsers = new LabBrowsers(server.baseUrl);
  });
  afterAll(async () => {
    try {
      await browsers?.close();
      await server?.stop();
    } finally {
      await lab?.close();
    }
  });

  it('keeps the classroom through a short drop and brings it back by itself after a long one, as one participant with one attendance interval', async () => {
    const teacher = await browsers.newUser(null);
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    const courseId = await courseIdOf(teacher.page, 'music', 'lead_teacher');
    await teacher.page.goto(`/lesson/${courseId}`);
    const start = await visible(teacher.page.getByTestId('prejoin-join'));
    await expect.poll(() => start.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    await start.click();
    const teacherId = await participantIdOf(teacher.page);
    const live = (await (await teacher.page.request.get('/api/lessons/live')).json()) as { lessons: Array<{ courseId: number; lessonSessionId: number }> };
    const lessonSessionId = live.lessons.find((lesson) => lesson.courseId === courseId)?.lessonSessionId;
    expect(lessonSessionId).toBeDefined();
    step(`the teacher started lesson session ${lessonSessionId}`);

    const room: BrowserUser = await browsers.newUser(yangliu);
    // What the page itself says about its link and media (ICE restarts, failed requests), for the CI log.
    const roomSaid: string[] = [];
    room.page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') roomSaid.push(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${message.type()}: ${message.text().split('\n')[0]}`);
    });
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const join = room.page.getByTestId('join-button');
    await expect.poll(async () => (await join.getAttribute('data-course-id')) === String(courseId) && (await join.isEnabled()), { timeout: 25_000 }).toBe(true);
    await join.click();
    const roomId = await participantIdOf(room.page);
    await waitForPicture(room.page, teacherId);
    const consumerId = await teacherVideo(room.page, teacherId).getAttribute('data-consumer-id');
    await markVideo(room.page, teacherId);
    const roomTile = teacher.page.locator(`[data-testid="participant-tile"][data-participant-id="${roomId}"]`);
    await visible(tilesOf(teacher.page, demoLogin(ROOM).displayName));
    step(`杨柳 joined as ${roomId} and decodes the teacher (consumer ${consumerId})`);

    // ---- a short drop: the flapping link down once for 5 s (the next would be a minute later) ----
    await yangliu.use(flapping({ everyMs: 60_000, downMs: [SHORT_DROP_MS, SHORT_DROP_MS], firstAfterMs: 200 }));
    await expect.poll(() => yangliu.flaps.filter((flap) => !flap.down).length, { timeout: SHORT_DROP_MS + 10_000, interval: 100 }).toBe(1);
    await yangliu.use('clean');
    const [down, up] = yangliu.flaps;
    const shortDropMs = up!.at - down!.at;
    expect(shortDropMs).toBeGreaterThanOrEqual(SHORT_DROP_MS - 500);
    const shortResumeMs = await decodingResumes(room.page, teacherId, up!.at, 15_000);
    step(`short drop: the link was down ${seconds(shortDropMs)}; 杨柳 decoded the teacher again ${seconds(shortResumeMs)} after it came back`);
    // Nothing was rebuilt: the same participant, the same consumer in the same element, never "reconnecting".
    expect(await participantIdOf(room.page)).toBe(roomId);
    expect(await teacherVideo(room.page, teacherId).getAttribute('data-consumer-id')).toBe(consumerId);
    expect(await stillMarked(room.page, teacherId)).toBe(true);
    expect(await room.page.getByTestId('lesson-view').getAttribute('data-connection')).toBe('connected');
    expect(await roomTile.getAttribute('data-connection')).toBe('connected');
    console.info('frames decoded each second after the short drop', await framesAdvance(room.page, teacherId, 3_000));

    // ---- a long drop: down until the server's heartbeat has given up on 杨柳, then back ----
    await yangliu.setDown(true);
    const longDownAt = Date.now();
    await expect.poll(() => roomTile.getAttribute('data-connection'), { timeout: HEARTBEAT_GIVES_UP_MS + 5_000, interval: 250 }).toBe('reconnecting');
    const serverGaveUpMs = Date.now() - longDownAt;
    // The page finds out from its own heartbeat at about the same moment (no ping for 10 s + 15 s).
    await expect.poll(() => room.page.getByTestId('lesson-view').getAttribute('data-connection'), { timeout: 10_000, interval: 250 }).toBe('reconnecting');
    const pageGaveUpMs = Date.now() - longDownAt;
    step(`long drop: the teacher sees 杨柳 reconnecting ${seconds(serverGaveUpMs)} into it, 杨柳's page ${seconds(pageGaveUpMs)} into it`);
    await sleep(1_000);
    await yangliu.setDown(false);
    const longUpAt = Date.now();
    const longDropMs = longUpAt - longDownAt;
    // No click: the page reconnects and joins again by itself.
    await expect.poll(() => room.page.getByTestId('lesson-view').getAttribute('data-connection'), { timeout: MEDIA_TIMEOUT_MS, interval: 200 }).toBe('connected');
    const reconnectedMs = Date.now() - longUpAt;
    const rejoinedAs = await participantIdOf(room.page);
    const longResumeMs = await decodingResumes(room.page, teacherId, longUpAt, MEDIA_TIMEOUT_MS);
    const consumerAfter = await teacherVideo(room.page, teacherId).getAttribute('data-consumer-id');
    const sameElement = await stillMarked(room.page, teacherId);
    step(
      `long drop: the link was down ${seconds(longDropMs)}; 杨柳 connected again ${seconds(reconnectedMs)} and decoded the teacher ${seconds(longResumeMs)} after it came back, ` +
        `as ${rejoinedAs} (was ${roomId}); consumer ${consumerAfter} (was ${consumerId}), same <video>: ${sameElement}`,
    );
    expect(rejoinedAs).toBe(roomId);
    // Not asserted: the same consumer. Chromium declares both transports failed ~16 s into a drop, before
    // either heartbeat gives up, so the page joins again without offering them and builds fresh media
    // (MediaSession.resumableTransportIds() is null once a transport failed); kept media is resumed only
    // when the media outlived the signalling (lesson-stall.e2e.ts, lesson-stall-lab.test.ts).
    await expect.poll(() => roomTile.getAttribute('data-connection'), { timeout: 15_000 }).toBe('connected');
    console.info('frames decoded each second after the long drop', await framesAdvance(room.page, teacherId, 3_000));
    console.info(`杨柳 after the long drop: ${describeReceived(await measureReceived(room.page, 3_000))}`);

    // ---- the teacher ends the lesson; the report has 杨柳 present once, from joining to the end ----
    await teacher.page.getByTestId('lesson-end').click();
    await teacher.page.getByRole('dialog').getByRole('button', { name: '下课' }).click();
    await visible(room.page.getByTestId('lesson-ended'));
    const spellsOfRoom = async () => {
      const response = await teacher.page.request.get(`/api/reports/lessons/${lessonSessionId}`);
      if (!response.ok()) throw new Error(`GET /api/reports/lessons/${lessonSessionId} answered ${response.status()}`);
      const report = (await response.json()) as LessonReport;
      return report.participants.find((participant) => participant.displayName === demoLogin(ROOM).displayName)?.spells ?? [];
    };
    await expect.poll(async () => (await spellsOfRoom()).every((spell) => spell.leftAt !== null), { timeout: 10_000 }).toBe(true);
    const spells = await spellsOfRoom();
    console.info(`杨柳's attendance in lesson session ${lessonSessionId}: ${JSON.stringify(spells)}`);
    console.info(`杨柳's page warned:\n${roomSaid.join('\n')}`);
    expect(spells).toEqual([expect.objectContaining({ leaveReason: 'lesson_ended' })]);
  }, 180_000);
});
