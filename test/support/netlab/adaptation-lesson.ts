/**
 * One music lesson of 王老师 with two receiving classrooms, where 杨柳's line goes bad, worse, then clears,
 * measured from the browsers' own getStats() and the lab link's byte counters. The e2e test asserts on what
 * it returns (test/e2e/netlab-adaptation.e2e.ts); `npm run bench -- link-adaptation` records the same
 * figures (bench/link-adaptation.ts). The phases:
 *
 *   clean      both classrooms climb to the teacher's top layer; 8 s measured at each
 *   bad        杨柳 on village-dsl-bad: time until it decodes a smaller picture; 10 s measured at each
 *   worse      a 25 %-loss, 400 kbit/s line: time until 杨柳 is advised audio only; 杨柳 takes audio only
 *   cleared    the line clears: 10 s of audio only measured on the link itself, then the "video back"
 *              advice, which 杨柳 accepts, and the time until it decodes the top layer again
 *
 * Outcomes that may not come (a layer change, an advice) are null rather than thrown, so a bench can record
 * them; a lesson that cannot start throws.
 */
import type { Page } from 'playwright-core';
import { demoLogin } from '../../../server/seed/demo-logins.js';
import { visible, type BrowserUser } from '../../e2e/browser.js';
import { joinFromHome, msUntil, startLessonAsLead, tilesOf, waitForPicture } from '../../e2e/lesson-helpers.js';
import type { LabBrowsers } from './chromium.js';
import type { LabHost } from './lab.js';
import type { LinkSetting } from './protocol.js';
import { describeReceived, describeSent, measureReceived, sampleSent, sampleStats, type Received, type ReceivedVideo } from './stats.js';

const TEACHER = 'teacher.wang';
const SHIQIAO = 'room.shiqiao';
const YANGLIU = 'room.yangliu';
/** Worse than village-dsl-bad: even the teacher's smallest layer cannot hold. */
export const WORSE_LINE: LinkSetting = {
  downlink: { rateKbit: 400, queueBytes: 20_000, delayMs: 150, jitterMs: 20, loss: 0.25 },
  uplink: { rateKbit: 400, queueBytes: 20_000, delayMs: 150, jitterMs: 20, loss: 0.25 },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AdaptationRun {
  /** The teacher's top layer as both classrooms decoded it on clean links, and 杨柳's frame rate then. */
  topHeight: number;
  cleanFps: number;
  clean: { shiqiao: Received; yangliu: Received };
  /** kbit/s the teacher's browser sent of its top layer while the clean and the bad phase were measured. */
  teacherTopKbit: { clean: number; bad: number };
  /** From 杨柳's line turning bad to its first smaller decoded picture of the teacher (null: none in 15 s). */
  layerChangeMs: number | null;
  bad: { shiqiao: Received; yangliu: Received };
  /** From the worse line to the audio-only advice on 杨柳's screen (null: none in 40 s). */
  audioOnlyAdviceMs: number | null;
  /** 石桥's decoded height of the teacher when 杨柳 was advised audio only. */
  shiqiaoHeightAtAdvice: number;
  /** 杨柳 in audio-only mode on a clean line: what its browser received, and what its link carried down (kbit/s, every IP packet). */
  audioOnly: { received: Received; linkDownKbit: number; linkDownPackets: number };
  /** From the line clearing to the "video back" advice, and to 杨柳 decoding the top layer again (null: not within the wait). */
  videoBackAdviceMs: number | null;
  backToTopMs: number | null;
  /** 石桥's decoded height of the teacher at the end. */
  shiqiaoHeightAtEnd: number;
}

interface Site extends BrowserUser {
  id: string;
}

/** The teacher's camera among a sample's or a window's videos. */
export const teacherVideoOf = <Video extends { participantId: string | null; source: string | null }>(figures: { videos: readonly Video[] }, teacherId: string): Video | undefined =>
  figures.videos.find((video) => video.participantId === teacherId && video.source === 'camera');

/** The height of the teacher's camera as a page decodes it now (0 when none). */
async function teacherHeight(page: Page, teacherId: string): Promise<number> {
  return teacherVideoOf(await sampleStats(page), teacherId)?.height ?? 0;
}

/** The videos that carry a picture at 1 kbit/s or more (a 0x0 stream is the SFU's probe padding, never a picture). */
export const picturesArriving = (figures: Received): ReceivedVideo[] => figures.videos.filter((video) => video.height > 0 && video.kbit >= 1);

/**
 * Runs the lesson: the teacher and 石桥 in `browsers` on the test host, 杨柳 in `yangliu`'s namespace (on a
 * clean link when called). `log` gets one line per step and per measurement.
 */
export async function runAdaptationLesson(browsers: LabBrowsers, yangliu: LabHost, log: (line: string) => void): Promise<AdaptationRun & { teacherId: string }> {
  const began = Date.now();
  const step = (what: string) => log(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);
  let teacherPage: Page | undefined;
  /**
   * Measures what each page receives over the same `ms`, and beside it what the teacher's browser sent of its
   * top layer (kbit/s): a clean site can only receive what is sent.
   */
  const measure = async (ms: number, ...sites: Array<[name: string, page: Page]>): Promise<{ figures: Received[]; teacherTopKbit: number }> => {
    const sentBefore = teacherPage ? await sampleSent(teacherPage) : [];
    const figures = await Promise.all(sites.map(([, page]) => measureReceived(page, ms)));
    const sentAfter = teacherPage ? await sampleSent(teacherPage) : [];
    const top = sentAfter.at(-1);
    const topBefore = sentBefore.find((layer) => layer.rid === top?.rid);
    const seconds = figures[0]?.seconds ?? ms / 1000;
    const teacherTopKbit = top && topBefore ? ((top.bytesSent - topBefore.bytesSent) * 8) / (seconds * 1000) : 0;
    const sent = teacherPage ? ` | the teacher sends ${describeSent(sentAfter)}, top layer ${teacherTopKbit.toFixed(0)} kbit/s` : '';
    sites.forEach(([name], i) => log(`${name}: ${describeReceived(figures[i]!)}${sent}`));
    return { figures, teacherTopKbit };
  };
  const teacher = await browsers.newUser(null);
  teacherPage = teacher.page;
  const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, TEACHER);
  const site = async (user: BrowserUser, username: string): Promise<Site> => ({ ...user, id: await joinFromHome(user, username, courseId) });
  const [shiqiao, yangliuSite] = await Promise.all([browsers.newUser(null).then((user) => site(user, SHIQIAO)), browsers.newUser(yangliu).then((user) => site(user, YANGLIU))]);
  await visible(tilesOf(teacher.page, demoLogin(YANGLIU).displayName));
  await Promise.all([waitForPicture(shiqiao.page, teacherId), waitForPicture(yangliuSite.page, teacherId)]);
  step('both classrooms decode the teacher');

  // ---- clean: both climb to the teacher's 720p (the senders' and the SFU's estimates ramp up over some seconds) ----
  const at720 = (site: Site) => async () => (await teacherHeight(site.page, teacherId)) >= 720;
  if ((await msUntil(at720(yangliuSite), 45_000, 1000)) === null || (await msUntil(at720(shiqiao), 30_000, 1000)) === null) {
    step('a classroom did not reach 720p on a clean link; measuring from the layer it has');
  }
  const clean = await measure(8_000, ['石桥 clean', shiqiao.page], ['杨柳 clean', yangliuSite.page]);
  const [shiqiaoClean, yangliuClean] = clean.figures as [Received, Received];
  const topHeight = teacherVideoOf(yangliuClean, teacherId)?.height ?? 0;
  const cleanFps = teacherVideoOf(yangliuClean, teacherId)?.framesPerSecond ?? 0;

  // ---- bad: 杨柳 on village-dsl-bad ----
  await yangliu.use('village-dsl-bad');
  step('杨柳 is on village-dsl-bad');
  const layerChangeMs = await msUntil(async () => (await teacherHeight(yangliuSite.page, teacherId)) < topHeight, 15_000, 250);
  step(layerChangeMs === null ? '杨柳 kept the top layer for 15 s' : `杨柳 decoded a smaller picture ${(layerChangeMs / 1000).toFixed(1)} s after its link turned bad`);
  await sleep(3_000); // the switch's own key frame and freeze are behind us
  const bad = await measure(10_000, ['石桥 while 杨柳 is bad', shiqiao.page], ['杨柳 on village-dsl-bad', yangliuSite.page]);
  const [shiqiaoBad, yangliuBad] = bad.figures as [Received, Received];

  // ---- worse: even the smallest picture cannot hold ----
  await yangliu.set(WORSE_LINE);
  step('杨柳 is on a 25 %-loss, 400 kbit/s line');
  const advice = yangliuSite.page.getByTestId('audio-only-advice');
  const audioOnlyAdviceMs = await msUntil(() => advice.isVisible(), 40_000, 250);
  step(audioOnlyAdviceMs === null ? '杨柳 was not advised audio only within 40 s' : `杨柳 was advised audio only after ${(audioOnlyAdviceMs / 1000).toFixed(1)} s`);
  const shiqiaoHeightAtAdvice = await teacherHeight(shiqiao.page, teacherId);
  // The classroom takes the advice (or, had none come, its own audio-only button).
  await (audioOnlyAdviceMs === null ? yangliuSite.page.getByTestId('audio-only') : yangliuSite.page.getByTestId('audio-only-accept')).click();

  // ---- cleared: audio only measured on a clean line (nothing lost: the most it can carry), then video back ----
  await yangliu.use('clean');
  const clearedAt = Date.now();
  step('杨柳’s line cleared; it is in audio-only mode');
  // The pause went out over the lossy line just before it cleared: measure once no video arrives any more.
  const videoStopped = await msUntil(async () => picturesArriving(await measureReceived(yangliuSite.page, 1_000)).length === 0, 15_000, 0);
  step(videoStopped === null ? '杨柳 still receives video 15 s into audio-only mode' : '杨柳 receives no video');
  const linkBefore = await yangliu.counters();
  const [audioOnlyReceived] = (await measure(10_000, ['杨柳 audio only', yangliuSite.page])).figures as [Received];
  const linkAfter = await yangliu.counters();
  const windowMs = audioOnlyReceived.seconds * 1000;
  const linkDownKbit = ((linkAfter.downlink.forwardedBytes - linkBefore.downlink.forwardedBytes) * 8) / windowMs;
  const linkDownPackets = ((linkAfter.downlink.forwarded - linkBefore.downlink.forwarded) * 1000) / windowMs;
  log(`杨柳's link carried ${linkDownKbit.toFixed(1)} kbit/s down in audio-only mode, ${linkDownPackets.toFixed(0)} packets/s (every IP packet: media, RTCP, signalling)`);
  const videoBack = yangliuSite.page.getByTestId('video-back-accept');
  const adviceWait = await msUntil(() => videoBack.isVisible(), 60_000, 250);
  const videoBackAdviceMs = adviceWait === null ? null : Date.now() - clearedAt;
  step(videoBackAdviceMs === null ? '杨柳 was not told its video may come back' : '杨柳 was told its video may come back');
  if (videoBackAdviceMs !== null) await videoBack.click();
  else await yangliuSite.page.getByTestId('audio-only').click();
  const backWait = await msUntil(async () => (await teacherHeight(yangliuSite.page, teacherId)) >= topHeight, 90_000, 1000);
  const backToTopMs = backWait === null ? null : Date.now() - clearedAt;
  step(backToTopMs === null ? `杨柳 did not reach ${topHeight}p again` : `杨柳 was back at ${topHeight}p ${(backToTopMs / 1000).toFixed(1)} s after its line cleared`);
  await measure(3_000, ['石桥 at the end', shiqiao.page]);
  // One run saw 石桥 at 360p for a moment here: a few seconds' grace before its height is taken.
  await msUntil(async () => (await teacherHeight(shiqiao.page, teacherId)) >= topHeight, 10_000, 500);
  const shiqiaoHeightAtEnd = await teacherHeight(shiqiao.page, teacherId);

  return {
    teacherId,
    topHeight,
    cleanFps,
    clean: { shiqiao: shiqiaoClean, yangliu: yangliuClean },
    teacherTopKbit: { clean: clean.teacherTopKbit, bad: bad.teacherTopKbit },
    layerChangeMs,
    bad: { shiqiao: shiqiaoBad, yangliu: yangliuBad },
    audioOnlyAdviceMs,
    shiqiaoHeightAtAdvice,
    audioOnly: { received: audioOnlyReceived, linkDownKbit, linkDownPackets },
    videoBackAdviceMs,
    backToTopMs,
    shiqiaoHeightAtEnd,
  };
}
