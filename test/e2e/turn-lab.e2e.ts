import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoStore } from '../support/demo-store.js';
import { startCoturn, type CoturnServer } from '../support/coturn-server.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { tcpOnly } from '../support/netlab/profiles.js';
import { ServerProcess } from '../support/server-process.js';
import { CHROMIUM_PATH, launchBrowser, login, STEP_TIMEOUT_MS, visible } from './browser.js';
import { participantIdOf, waitForPicture, MEDIA_TIMEOUT_MS, startLessonAsLead } from './lesson-helpers.js';
import { keepPeerConnections, selectedPairs } from './peer-connections.js';

/**
 * The school whose network lets only TCP 443 out (the lab's `tcp-443-only`): a classroom in a namespace reaches
 * the test host only on TCP 443 — where the test's coturn listens — and on Tongke's web port (in production that
 * is 443 too, behind the HTTPS proxy; here the lab's `tcpOnly` lets it through beside 443). The media server's
 * UDP and TCP ports are unreachable, so the classroom's direct ICE never connects: it must reach the media through
 * the relay by itself, not because it was told to (no relay choice kept), and decode the teacher through coturn
 * on 443. (ICE pairs the relay candidates the TURN servers give alongside the direct ones, so this connects within
 * relay-fallback.ts's 6 s; the relay-only rejoin is its safety net, and then starts the school on the relay.)
 */


const unavailable = await labUnavailable();

describe.skipIf(unavailable !== null)(unavailable ? `TURN on 443 through the lab (skipped: ${unavailable})` : 'TURN on 443 through the lab', () => {
  let lab: NetLab;
  let site: LabHost;
  let coturn: CoturnServer;
  let server: ServerProcess;
  let dir: string;
  let teacherBrowser: Browser;
  let classroomBrowser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-turn-lab-'));
    lab = await NetLab.open();
    site = await lab.addHost('clean');
    coturn = await startCoturn({ address: site.hostAddress, port: 443 });
    const dbPath = join(dir, 'tongke.db');
    await seedDemoStore(dbPath);
    // Configured as the README's TURN section says; media on the lab's host-side address, the web on every address.
    server = await ServerProcess.start(dbPath, {
      TONGKE_HOST: '0.0.0.0',
      TONGKE_RTC_LISTEN_IP: site.hostAddress,
      TONGKE_TURN_URLS: `turn:${site.hostAddress}:443?transport=tcp`,
      TONGKE_TURN_SECRET: coturn.secret,
      TONGKE_LOGIN_RATE_LIMIT: '500',
      TONGKE_LOGIN_ACCOUNT_LIMIT: '500',
    });
    await site.use(tcpOnly([443, Number(new URL(server.baseUrl).port)]));
    teacherBrowser = await launchBrowser();
    // Chromium inside the namespace: playwright talks to it over pipes, which `ip netns exec` passes on.
    const wrapper = join(dir, 'chromium-in-namespace');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${site.namespace} ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(wrapper, 0o755);
    classroomBrowser = await chromium.launch({
      executablePath: wrapper,
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-quic', `--unsafely-treat-insecure-origin-as-secure=${siteUrl()}`],
    });
  });

  const siteUrl = () => `http://${site.hostAddress}:${new URL(server.baseUrl).port}`;

  afterAll(async () => {
    await classroomBrowser?.close();
    await teacherBrowser?.close();
    await server?.stop();
    await coturn?.stop();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a classroom that reaches the host only on TCP 443 falls back to coturn on 443 and decodes the teacher', async () => {
    const teacher = await teacherBrowser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: server.baseUrl });
    const classroom = await classroomBrowser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: siteUrl() });
    try {
      teacher.setDefaultTimeout(STEP_TIMEOUT_MS);
      classroom.setDefaultTimeout(STEP_TIMEOUT_MS * 2);
      const teacherPage = await teacher.newPage();
      const { courseId, participantId: teacherId } = await startLessonAsLead({ context: teacher, page: teacherPage }, 'teacher.wang');

      await keepPeerConnections(classroom);
      const page = await classroom.newPage();
      await login(page, 'room.shiqiao');
      await visible(page.getByTestId('home-classroom'), STEP_TIMEOUT_MS * 2);
      // Not told to use the relay: it has no choice kept, and must find out that direct media cannot connect.
      expect(await page.evaluate(`localStorage.getItem('tongke.lesson.relay')`)).toBeNull();

      // The pre-join network check tells the school what it has: no direct media (UDP and TCP to the media
      // ports blocked, named for the network admin), but the real relay on 443 reaches it, so the lesson can run.
      await page.goto(`/lesson/${courseId}`);
      await page.getByTestId('netcheck-run').click();
      const verdict = await visible(page.getByTestId('netcheck-verdict'), STEP_TIMEOUT_MS * 2);
      const stepText = (step: string) => page.getByTestId(`netcheck-${step}`).innerText();
      console.info('the network check behind tcp-443-only', { udp: await stepText('udp'), tcp: await stepText('tcp'), turn: await stepText('turn'), verdict: await verdict.getAttribute('data-verdict') });
      expect(await stepText('udp')).toContain('不通');
      expect(await stepText('tcp')).toContain('不通');
      expect(await stepText('turn')).toMatch(/可连通（\d+ 毫秒）/);
      expect(await verdict.getAttribute('data-verdict')).not.toBe('unreachable');
      const advice = await page.getByTestId('netcheck-advice').innerText();
      expect(advice).toContain('UDP');
      expect(advice).not.toContain('TURN');

      const joinedAt = Date.now();
      await page.goto(`/lesson/${courseId}?auto=1`);
      await participantIdOf(page);
      const picture = await waitForPicture(page, teacherId, 'camera', MEDIA_TIMEOUT_MS * 2);
      console.info(`the classroom behind tcp-443-only decoded the teacher ${((Date.now() - joinedAt) / 1000).toFixed(1)} s after opening the lesson`, picture);

      // The connections carrying media now (one closed or still checking has no pair to judge).
      const pairs = (await selectedPairs(page)).filter((pair) => pair.state === 'connected');
      console.info('the classroom’s selected candidate pairs', pairs);
      expect(pairs.filter((pair) => pair.bytesReceived > 10_000).length, JSON.stringify(pairs)).toBeGreaterThan(0);
      for (const pair of pairs) expect(pair).toMatchObject({ candidateType: 'relay', relayProtocol: 'tcp', url: `turn:${site.hostAddress}:443?transport=tcp` });
      console.info('relay choice kept afterwards (set only when the relay-only rejoin was needed)', await page.evaluate(`localStorage.getItem('tongke.lesson.relay')`));
      const counters = await site.counters();
      console.info('the link dropped', JSON.stringify(counters));
    } finally {
      await classroom.close();
      await teacher.close();
    }
  });
});
