import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { LabBrowsers } from '../support/netlab/chromium.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { startLabServer, type LabServer } from '../support/netlab/server.js';
import { describeReceived, measureReceived, type Received } from '../support/netlab/stats.js';
import { visible, type BrowserUser } from './browser.js';
import { joinFromHome, startLessonAsLead, tilesOf, waitForPicture } from './lesson-helpers.js';

/*
 * The network lab proving itself with today's code: 王老师 and 石桥 on the test host with clean links,
 * 杨柳 in a namespace whose school firewall drops UDP: it still gets the lesson, over ICE-TCP. Figures come
 * from the browsers' own getStats().
 *
 * Not here yet: the clean classroom's bitrate while 杨柳 is on village-dsl-bad. On this machine it fell to
 * 0.42× (石桥 dropped from 720p to 360p) — a finding of #15 to explain and fix, and a figure for the bench,
 * not a test that would fail on the machine's load as much as on Tongke.
 */

const TEACHER = 'teacher.wang';
const ROOM_A = 'room.shiqiao';
const ROOM_B = 'room.yangliu';
const WINDOW_MS = 10_000;
const began = Date.now();
/** Where the test is, with the seconds since the file started (a slow machine shows where time went). */
const step = (what: string) => console.info(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);

interface Site extends BrowserUser {
  id: string;
}

const unavailable = await labUnavailable();

describe.skipIf(unavailable !== null)(unavailable ? `a UDP-blocked school in the lab (skipped: ${unavailable})` : 'a UDP-blocked school in the lab', () => {
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

  /** A classroom signs in (on the test host, or inside the lab host) and joins the live lesson from its home. */
  async function joinSite(username: string, courseId: number, host: LabHost | null): Promise<Site> {
    const user = await browsers.newUser(host);
    return { ...user, id: await joinFromHome(user, username, courseId) };
  }

  /** The receive figures of a site, logged. */
  async function received(name: string, site: Site): Promise<Received> {
    const figures = await measureReceived(site.page, WINDOW_MS);
    console.info(`${name}: ${describeReceived(figures)}`);
    return figures;
  }

  it('reaches a classroom whose firewall drops UDP over ICE-TCP, and it decodes the teacher', async () => {
    const teacher = await browsers.newUser(null);
    const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, TEACHER);
    step('the teacher started the lesson');

    const [shiqiao, yangliuSite] = await Promise.all([joinSite(ROOM_A, courseId, null), joinSite(ROOM_B, courseId, yangliu)]);
    await visible(tilesOf(teacher.page, demoLogin(ROOM_B).displayName));
    step('both classrooms joined');
    await Promise.all([waitForPicture(shiqiao.page, teacherId), waitForPicture(yangliuSite.page, teacherId)]);
    step('both classrooms decode the teacher');
    // ---- 杨柳's school firewall drops UDP: it joins again and gets the lesson over ICE-TCP ----
    const overUdp = await received('杨柳 on a clean link', yangliuSite);
    expect(overUdp.pair?.protocol).toBe('udp');
    await yangliu.use('udp-blocked');
    await yangliuSite.context.close();
    step('杨柳 is behind a firewall that drops UDP, and opens its home again');
    const rejoinedAt = Date.now();
    const again = await joinSite(ROOM_B, courseId, yangliu);
    await waitForPicture(again.page, teacherId);
    console.info(`杨柳 decoded the teacher over UDP-blocked ${((Date.now() - rejoinedAt) / 1000).toFixed(1)} s after opening its home`);
    const overTcp = await received('杨柳 with UDP blocked', again);
    expect(overTcp.pair).toMatchObject({ protocol: 'tcp', remoteType: 'host' });
    const teacherVideo = overTcp.videos.find((video) => video.participantId === teacherId);
    expect(teacherVideo?.kbit ?? 0).toBeGreaterThan(20);
    expect(teacherVideo?.width ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
