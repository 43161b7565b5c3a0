import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { picturesArriving, runAdaptationLesson, teacherVideoOf } from '../support/netlab/adaptation-lesson.js';
import { LabBrowsers } from '../support/netlab/chromium.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { startLabServer, type LabServer } from '../support/netlab/server.js';

/*
 * Link adaptation on a real bad line: 王老师 and 石桥 on the test host with clean links, 杨柳 in a lab
 * namespace. On village-dsl-bad 杨柳 must decode a smaller picture of the teacher within seconds (not 720p
 * stuttering at 8 fps, as NETWORK-LAB.md measured), be advised audio only when the line gets worse, stay
 * near 64 kbit/s down in audio-only mode (headers included), and climb back when it clears, while 石桥 keeps the teacher's
 * top layer at the bitrate it had. Figures from the browsers' getStats() and the lab link's byte counters
 * (the run itself: test/support/netlab/adaptation-lesson.ts; `npm run bench -- link-adaptation` records them).
 */

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

  it('lowers only the bad site to a smaller, steadier picture within seconds, advises audio only when worse, keeps audio only near 64 kbit/s on the wire, and climbs back', async () => {
    const run = await runAdaptationLesson(browsers, yangliu, (line) => console.info(line));
    const { teacherId, topHeight } = run;
    // Nothing to lower from if the teacher's own machine is too busy to send more than its smallest layer.
    expect(topHeight, 'the teacher’s top layer on clean links').toBeGreaterThanOrEqual(360);
    expect(teacherVideoOf(run.clean.shiqiao, teacherId)?.height).toBe(topHeight);

    // 杨柳 on village-dsl-bad: a smaller picture within seconds (the figure is 5 s; the margin is for
    // a loaded 2-core machine, and the log shows the real figure), at a steady frame rate.
    expect(run.layerChangeMs, 'ms until 杨柳 decoded a smaller picture').not.toBeNull();
    expect(run.layerChangeMs!).toBeLessThan(8_000);
    const bad = teacherVideoOf(run.bad.yangliu, teacherId);
    expect(bad?.height ?? 0).toBeLessThan(topHeight);
    expect(bad?.height ?? 0).toBeGreaterThan(0);
    // Steadier than the 8 fps NETWORK-LAB.md saw at 720p on this line. Averaged over the window, freezes
    // included: the line's random loss gave 12 fps in one CI run and 10.5 (5 freezes, 2.4 s) in another.
    expect.soft(bad?.framesPerSecond ?? 0).toBeGreaterThan(Math.min(8, run.cleanFps * 0.4));
    // 石桥 keeps the top layer, at the bitrate it had (the bench figure is ≥ 0.95; a margin for noise).
    const shiqiaoBefore = teacherVideoOf(run.clean.shiqiao, teacherId)?.kbit ?? 0;
    const shiqiaoDuring = teacherVideoOf(run.bad.shiqiao, teacherId);
    expect(shiqiaoDuring?.height).toBe(topHeight);
    expect(shiqiaoDuring?.kbit ?? 0, `石桥's kbit/s of the teacher before 杨柳's line turned bad: ${shiqiaoBefore.toFixed(0)}`).toBeGreaterThanOrEqual(0.8 * shiqiaoBefore);

    // Worse: audio only advised; 石桥 still at the top.
    expect(run.audioOnlyAdviceMs, 'ms until 杨柳 was advised audio only').not.toBeNull();
    expect(run.shiqiaoHeightAtAdvice).toBe(topHeight);

    // Audio only: what the browser receives (RTP payload, all streams) stays far under 64 kbit/s, and the
    // teacher is still heard. On the link itself, with every IP/UDP/SRTP header and the feedback for the
    // classroom's own uplink, the "~64 kbit/s" measured 61–67 here: the bound keeps a margin for that
    // (a video still arriving, even at 180p, would be well over it).
    expect(run.audioOnly.received.totalKbit).toBeLessThan(40);
    expect(run.audioOnly.received.audioKbit).toBeGreaterThan(5);
    expect(run.audioOnly.linkDownKbit).toBeLessThan(72);
    // No picture arrives (a 0x0 stream is the SFU's bandwidth probe padding, never a picture).
    expect(picturesArriving(run.audioOnly.received)).toEqual([]);

    // Cleared: told the video may come back, back at the top layer; 石桥 at the top at the end.
    expect(run.videoBackAdviceMs, 'ms until 杨柳 was told its video may come back').not.toBeNull();
    expect(run.backToTopMs, `ms until 杨柳 decoded ${topHeight}p again`).not.toBeNull();
    expect(run.shiqiaoHeightAtEnd).toBe(topHeight);
  }, 300_000);
});
