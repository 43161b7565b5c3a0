/**
 * Link adaptation on a real bad line (issue #15's bench figure): how long after 杨柳's line turns bad
 * (village-dsl-bad: 1 Mbit/s, ~300 ms round trip, 5 % loss) it decodes a smaller picture of the teacher, and
 * what the clean classroom 石桥 receives of the teacher's camera while that happens, against what it received
 * just before on the same lesson (the baseline, side by side in the same run: ratio ≥ 0.95 is the target).
 * Also recorded: 杨柳's frame rate on the bad line, the time until it is advised audio only on a worse line,
 * what audio-only mode carries down its link, and how long until it is back at the top layer.
 *
 * Real parts: a Tongke server on a SQLite file with the demo county, real Chromium for the teacher and 石桥 on
 * the test host and for 杨柳 inside a network namespace behind the lab's impaired link (test/support/netlab/),
 * the built client from dist/client (built here when missing). Root, namespaces and TUN are needed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { runAdaptationLesson, teacherVideoOf, WORSE_LINE } from '../test/support/netlab/adaptation-lesson.js';
import { LabBrowsers } from '../test/support/netlab/chromium.js';
import { labUnavailable, NetLab } from '../test/support/netlab/lab.js';
import { PROFILES } from '../test/support/netlab/profiles.js';
import { startLabServer } from '../test/support/netlab/server.js';
import type { Received, ReceivedVideo } from '../test/support/netlab/stats.js';
import { ratios, round, type BenchResult, type Benchmark } from './result.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lab server serves the built client: build it once when this checkout has none. */
function ensureBuiltClient(): void {
  if (existsSync(`${ROOT}dist/client/index.html`)) return;
  const build = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`vite build failed (exit ${build.status ?? build.signal})`);
}

const orNaN = (value: number | null) => (value === null ? Number.NaN : value);

export const linkAdaptationBenchmark: Benchmark = {
  name: 'link-adaptation',
  description: 'ms from a classroom’s link turning bad to its smaller picture, and the clean classroom’s bitrate during vs before (real Chromium, lab link)',
  async run(): Promise<BenchResult> {
    const unavailable = await labUnavailable();
    if (unavailable !== null) throw new Error(`the network lab cannot run here: ${unavailable}`);
    ensureBuiltClient();
    const lab = await NetLab.open();
    try {
      const yangliu = await lab.addHost('clean');
      const server = await startLabServer(yangliu);
      const browsers = new LabBrowsers(server.baseUrl);
      try {
        const run = await runAdaptationLesson(browsers, yangliu, (line) => console.log(`  ${line}`));
        const teacher = (figures: Received) => teacherVideoOf(figures, run.teacherId);
        const figures = {
          layerChangeMs: orNaN(run.layerChangeMs),
          cleanSiteTeacherKbit: round(teacher(run.bad.shiqiao)?.kbit ?? 0, 1),
          cleanSiteTotalKbit: round(run.bad.shiqiao.totalKbit, 1),
          cleanSiteHeight: teacher(run.bad.shiqiao)?.height ?? 0,
          teacherSentTopKbit: round(run.teacherTopKbit.bad, 1),
          badSiteHeight: teacher(run.bad.yangliu)?.height ?? 0,
          badSiteFps: round(teacher(run.bad.yangliu)?.framesPerSecond ?? 0, 1),
          badSiteFrozenSeconds: round(teacher(run.bad.yangliu)?.frozenSeconds ?? 0, 1),
          audioOnlyAdviceMs: orNaN(run.audioOnlyAdviceMs),
          audioOnlyLinkDownKbit: round(run.audioOnly.linkDownKbit, 1),
          audioOnlyLinkDownPackets: round(run.audioOnly.linkDownPackets, 1),
          audioOnlyReceivedKbit: round(run.audioOnly.received.totalKbit, 1),
          audioOnlyAudioStreams: run.audioOnly.received.audioStreams,
          backToTopMs: orNaN(run.backToTopMs),
        };
        const baseline = {
          cleanSiteTeacherKbit: round(teacher(run.clean.shiqiao)?.kbit ?? 0, 1),
          cleanSiteTotalKbit: round(run.clean.shiqiao.totalKbit, 1),
          cleanSiteHeight: teacher(run.clean.shiqiao)?.height ?? 0,
          teacherSentTopKbit: round(run.teacherTopKbit.clean, 1),
          badSiteHeight: teacher(run.clean.yangliu)?.height ?? 0,
          badSiteFps: round(run.cleanFps, 1),
          badSiteFrozenSeconds: round(teacher(run.clean.yangliu)?.frozenSeconds ?? 0, 1),
        };
        const ratio = ratios(figures, baseline);
        return {
          name: 'link-adaptation',
          parameters: { badLine: 'village-dsl-bad', worseLine: `${WORSE_LINE.downlink?.rateKbit} kbit/s, ${(WORSE_LINE.downlink?.loss ?? 0) * 100} % loss`, measureSeconds: 10 },
          figures,
          baseline,
          ratio,
          steps: [
            { phase: 'clean', site: '石桥', ...siteRow(teacher(run.clean.shiqiao), run.clean.shiqiao.totalKbit) },
            { phase: 'clean', site: '杨柳', ...siteRow(teacher(run.clean.yangliu), run.clean.yangliu.totalKbit) },
            { phase: 'village-dsl-bad', site: '石桥', ...siteRow(teacher(run.bad.shiqiao), run.bad.shiqiao.totalKbit) },
            { phase: 'village-dsl-bad', site: '杨柳', ...siteRow(teacher(run.bad.yangliu), run.bad.yangliu.totalKbit) },
            { phase: 'audio only (clean line)', site: '杨柳', linkDownKbit: round(run.audioOnly.linkDownKbit, 1), linkDownPackets: round(run.audioOnly.linkDownPackets, 1), receivedKbit: round(run.audioOnly.received.totalKbit, 1), audioKbit: round(run.audioOnly.received.audioKbit, 1), audioStreams: run.audioOnly.received.audioStreams },
            {
              phase: 'target',
              layerChangeWithin5s: run.layerChangeMs !== null && run.layerChangeMs <= 5_000 ? 'yes' : 'NO',
              cleanSiteRatioAtLeast095: (ratio.cleanSiteTeacherKbit ?? 0) >= 0.95 ? 'yes' : 'NO',
              audioOnlyUnder64Kbit: run.audioOnly.linkDownKbit < 64 ? 'yes' : 'NO',
            },
          ],
          notes: [
            `baseline = the same lesson's clean phase: both classrooms at the teacher's top layer (${run.topHeight}p) for 8 s, just before 杨柳's line turned bad; figures = 10 s measured from 3 s after 杨柳 decoded its smaller picture`,
            'kbit/s from each browser’s inbound-rtp bytesReceived (RTP payload, no headers); cleanSiteTeacherKbit is 石桥’s copy of the teacher’s camera, cleanSiteTotalKbit all it receives (杨柳’s own camera comes from a bad uplink, so that total may fall for reasons that are not 石桥’s)',
            'teacherSentTopKbit: what the teacher’s own browser sent of its top simulcast layer over the same windows (outbound-rtp bytesSent): a clean site can only receive what is sent, so a fall there is the sender’s (its bandwidth or CPU limit, on a busy machine), not the bad site’s',
            'layerChangeMs: polled every 250 ms from the moment the lab link changed to the first getStats() sample with a smaller decoded height; NaN = none within 15 s',
            `audioOnlyLinkDownKbit: every IP packet the lab link carried down to 杨柳 over 10 s of audio-only mode on a clean line (${JSON.stringify(PROFILES.clean.downlink)}): audio, RTCP, signalling`,
            'backToTopMs: from the line clearing to 杨柳 decoding the top layer again, including the "video back" advice it accepts; the climb waits out good-link windows on purpose',
            'one lesson on a shared 2-core machine with three Chromiums encoding and decoding: a single run, noisy; the e2e test (test/e2e/netlab-adaptation.e2e.ts) checks the same run’s behaviour',
          ],
        };
      } finally {
        await browsers.close();
        await server.stop();
      }
    } finally {
      await lab.close();
    }
  },
};

function siteRow(video: ReceivedVideo | undefined, totalKbit: number): Record<string, number | string> {
  return {
    teacherHeight: video?.height ?? 0,
    teacherFps: round(video?.framesPerSecond ?? 0, 1),
    teacherKbit: round(video?.kbit ?? 0, 1),
    freezes: video?.freezes ?? 0,
    frozenSeconds: round(video?.frozenSeconds ?? 0, 1),
    loss: `${round((video?.lossRate ?? 0) * 100, 1)} %`,
    totalKbit: round(totalKbit, 1),
  };
}
