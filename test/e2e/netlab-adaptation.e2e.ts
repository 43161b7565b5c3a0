import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { LabBrowsers } from '../support/netlab/chromium.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { startLabServer, type LabServer } from '../support/netlab/server.js';
import { describeReceived, measureReceived, sampleStats, type Received } from '../support/netlab/stats.js';
import { login, visible, type BrowserUser } from './browser.js';
import { courseIdOf, MEDIA_TIMEOUT_MS, participantIdOf, tilesOf, waitForPicture } from './lesson-helpers.js';

/*
 * Link adaptation on a real bad line: 王老师 and 石桥 on the test host with clean links, 杨柳 in a lab
 * namespace. On village-dsl-bad 杨柳 must decode a smaller picture of the teacher within seconds (not 720p
 * stuttering at 8 fps, as NETWORK-LAB.md measured), be advised audio only when the line gets worse, and
 * climb back when it clears, while 石桥 keeps the teacher's top layer. Figures from the browsers' getStats().
 */

const TEACHER = 'teacher.wang';
const ROOM_A = 'room.shiqiao';
const ROOM_B = 'room.yangliu';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const began = Date.now();
const step = (what: string) => console.info(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);

interface Site extends BrowserUser {
  id: string;
}

const unavailable = await labUnavailable();

describe.skipIf(unavailable !== null)(unavailable ? `link adaptation in the lab (skipped: ${unavailable})` : 'link adaptation in the lab', () => {
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

  async function joinFromHome(username: string, courseId: number, host: LabHost | null): Promise<Site> {
    const user = await browsers.newUser(host);
    await login(user.page, username);
    await visible(user.page.getByTestId('home-classroom'));
    const join = user.page.getByTestId('join-button');
    await expect
      .poll(async () => (await join.getAttribute('data-course-id')) === String(courseId) && (await join.isEnabled()), { timeout: 25_000 })
      .toBe(true);
    await join.click();
    return { ...user, id: await participantIdOf(user.page) };
  }

  /** The height of the teacher's camera as a site decodes it now (0 when none). */
  async function teacherHeight(site: Site, teacherId: string): Promise<number> {
    const sample = await sampleStats(site.page);
    return sample.videos.find((video) => video.participantId === teacherId && video.source === 'camera')?.height ?? 0;
  }

  async function received(name: string, site: Site, ms = 8_000): Promise<Received> {
    const figures = await measureReceived(site.page, ms);
    console.info(`${name}: ${describeReceived(figures)}`);
    return figures;
  }

  const teacherVideo = (figures: Received, teacherId: string) => figures.videos.find((video) => video.participantId === teacherId && video.source === 'camera');

  it('lowers only the bad site to a smaller, steadier picture within seconds, advises audio only when worse, and climbs back', async () => {
    const teacher = await browsers.newUser(null);
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    const courseId = await courseIdOf(teacher.page, 'music', 'lead_teacher');
    await teacher.page.goto(`/lesson/${courseId}`);
    const start = await visible(teacher.page.getByTestId('prejoin-join'));
    await expect.poll(() => start.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    await start.click();
    const teacherId = await participantIdOf(teacher.page);

    const [shiqiao, yangliuSite] = await Promise.all([joinFromHome(ROOM_A, courseId, null), joinFromHome(ROOM_B, courseId, yangliu)]);
    await visible(tilesOf(teacher.page, demoLogin(ROOM_B).displayName));
    await Promise.all([waitForPicture(shiqiao.page, teacherId), waitForPicture(yangliuSite.page, teacherId)]);
    step('both classrooms decode the teacher');
    // Both climb to the teacher's top layer on clean links.
    // Both climb to the teacher's 720p (the senders' and the SFU's estimates ramp up over some seconds).
    await expect.poll(() => teacherHeight(yangliuSite, teacherId), { timeout: 45_000, interval: 1000 }).toBeGreaterThanOrEqual(720);
    await expect.poll(() => teacherHeight(shiqiao, teacherId), { timeout: 15_000, interval: 1000 }).toBeGreaterThanOrEqual(720);
    const [shiqiaoClean, yangliuClean] = await Promise.all([received('石桥 clean', shiqiao), received('杨柳 clean', yangliuSite)]);
    const topHeight = teacherVideo(yangliuClean, teacherId)?.height ?? 0;
    const cleanFps = teacherVideo(yangliuClean, teacherId)?.framesPerSecond ?? 0;
    // Nothing to lower from if the teacher's own machine is too busy to send more than its smallest layer.
    expect(topHeight, 'the teacher’s top layer on clean links').toBeGreaterThanOrEqual(360);
    expect(teacherVideo(shiqiaoClean, teacherId)?.height).toBe(topHeight);

    // ---- 杨柳 goes onto village-dsl-bad: a smaller picture within seconds, at a steady frame rate ----
    await yangliu.use('village-dsl-bad');
    const badAt = Date.now();
    step('杨柳 is on village-dsl-bad');
    await expect.poll(() => teacherHeight(yangliuSite, teacherId), { timeout: 15_000, interval: 250 }).toBeLessThan(topHeight);
    const smallerAfterMs = Date.now() - badAt;
    console.info(`杨柳 decoded a smaller picture ${(smallerAfterMs / 1000).toFixed(1)} s after its link turned bad`);
    // The figure is 5 s; the margin is for a loaded 2-core machine (the log shows the real figure).
    expect(smallerAfterMs).toBeLessThan(8_000);
    await sleep(3_000); // the switch's own key frame and freeze are behind us
    const [shiqiaoDuring, yangliuBad] = await Promise.all([received('石桥 while 杨柳 is bad', shiqiao, 10_000), received('杨柳 on village-dsl-bad', yangliuSite, 10_000)]);
    const bad = teacherVideo(yangliuBad, teacherId);
    expect(bad?.height ?? 0).toBeLessThan(topHeight);
    expect(bad?.height ?? 0).toBeGreaterThan(0);
    // Steadier than the 8 fps NETWORK-LAB.md saw at 720p on this line.
    expect.soft(bad?.framesPerSecond ?? 0).toBeGreaterThanOrEqual(Math.min(12, cleanFps * 0.6));
    // The clean classroom keeps the top layer.
    expect(teacherVideo(shiqiaoDuring, teacherId)?.height).toBe(topHeight);

    // ---- the line gets worse: even the smallest picture cannot hold, so audio only is advised ----
    const worse = { rateKbit: 400, queueBytes: 20_000, delayMs: 150, jitterMs: 20, loss: 0.25 };
    await yangliu.set({ downlink: worse, uplink: worse });
    step('杨柳 is on a 25 %-loss, 400 kbit/s line');
    await visible(yangliuSite.page.getByTestId('audio-only-advice'), 40_000);
    step('杨柳 was advised audio only');
    expect(await teacherHeight(shiqiao, teacherId)).toBe(topHeight);

    // ---- the line clears: 杨柳 climbs back, one layer at a time ----
    await yangliu.use('clean');
    const clearedAt = Date.now();
    await expect.poll(() => teacherHeight(yangliuSite, teacherId), { timeout: 90_000, interval: 1000 }).toBe(topHeight);
    console.info(`杨柳 was back at ${topHeight}p ${((Date.now() - clearedAt) / 1000).toFixed(1)} s after its line cleared`);
    // 石桥 at the top layer (one run saw it at 360p for a moment here: polled, and its figures logged).
    await received('石桥 at the end', shiqiao, 3_000);
    await expect.poll(() => teacherHeight(shiqiao, teacherId), { timeout: 10_000, interval: 500 }).toBe(topHeight);
  }, 300_000);
});
