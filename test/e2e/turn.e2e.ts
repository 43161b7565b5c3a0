import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredential } from '../../server/lessons/turn-credentials.js';
import { seedDemoStore } from '../support/demo-store.js';
import { startCoturn, type CoturnServer } from '../support/coturn-server.js';
import { ServerProcess } from '../support/server-process.js';
import { CHROMIUM_PATH, launchBrowser, login, STEP_TIMEOUT_MS, visible } from './browser.js';
import { participantIdOf, waitForPicture, startLessonAsLead } from './lesson-helpers.js';
import { keepPeerConnections, selectedPairs } from './peer-connections.js';

/**
 * TURN through Debian's coturn, started here: Tongke's time-limited credentials are accepted by the real relay
 * (and a forged or expired one refused), and a classroom set to "always through the relay" receives the lesson
 * over a relayed candidate pair. The browser code runs as strings: the e2e code compiles without the DOM library.
 */

interface Gathered {
  relay: string[];
  errors: string[];
}

/** An RTCPeerConnection restricted to the relay gathers candidates through one TURN server. */
const GATHER = `async ({ urls, username, credential }) => {
  const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }], iceTransportPolicy: 'relay' });
  const relay = [];
  const errors = [];
  pc.onicecandidate = (e) => { if (e.candidate && / typ relay /.test(e.candidate.candidate)) relay.push(e.candidate.candidate); };
  pc.onicecandidateerror = (e) => errors.push(e.errorCode + ' ' + e.errorText);
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    const timer = setTimeout(done, 15000);
    const check = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(timer); done(); } };
    pc.onicegatheringstatechange = check;
    check();
  });
  pc.close();
  return { relay, errors };
}`;

async function gather(page: Page, urls: string, username: string, credential: string): Promise<Gathered> {
  return page.evaluate(`(${GATHER})(${JSON.stringify({ urls, username, credential })})`) as Promise<Gathered>;
}

describe('TURN through coturn', () => {
  let browser: Browser;
  let coturn: CoturnServer;

  beforeAll(async () => {
    coturn = await startCoturn({ tlsPort: 0 });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await coturn?.stop();
  });

  it("accepts Tongke's time-limited credential over TCP and refuses a forged or expired one", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const now = new Date();
      const good = turnCredential(coturn.secret, 42, now, 3600);
      const accepted = await gather(page, coturn.tcpUrl, good.username, good.credential);
      expect(accepted.relay.length, `no relay candidate; errors: ${accepted.errors.join('; ')}\n${coturn.log().slice(-2000)}`).toBeGreaterThan(0);
      expect(accepted.relay[0]).toContain(coturn.address);

      const forged = turnCredential('not-the-secret-of-this-relay', 42, now, 3600);
      const expired = turnCredential(coturn.secret, 42, new Date(now.getTime() - 2 * 3600_000), 3600);
      for (const refused of [forged, expired]) {
        const result = await gather(page, coturn.tcpUrl, refused.username, refused.credential);
        expect(result.relay).toEqual([]);
        expect(result.errors.join('; ')).toMatch(/401/);
      }
    } finally {
      await context.close();
    }
  });

  it('relays over TLS (turns:) once the browser trusts the relay’s certificate, and not before', async () => {
    const good = turnCredential(coturn.secret, 42, new Date(), 3600);
    // Chromium checks a turns: server's certificate like a web site's: a self-signed one is refused (701), so a
    // school's TURN server on 443/TLS needs a certificate for its name (the README says so).
    const context = await browser.newContext();
    try {
      const untrusted = await gather(await context.newPage(), coturn.tlsUrl ?? '', good.username, good.credential);
      expect(untrusted.relay).toEqual([]);
    } finally {
      await context.close();
    }
    const trusting = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--ignore-certificate-errors'] });
    try {
      const result = await gather(await (await trusting.newContext()).newPage(), coturn.tlsUrl ?? '', good.username, good.credential);
      expect(result.relay.length, `no relay candidate over TLS; errors: ${result.errors.join('; ')}\n${coturn.log().slice(-2000)}`).toBeGreaterThan(0);
    } finally {
      await trusting.close();
    }
  });

  describe('a lesson', () => {
    let server: ServerProcess;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tongke-turn-e2e-'));
      const dbPath = join(dir, 'tongke.db');
      await seedDemoStore(dbPath);
      // Configured as the README's TURN section says: the relay's URL and its static-auth-secret.
      server = await ServerProcess.start(dbPath, { TONGKE_TURN_URLS: coturn.tcpUrl, TONGKE_TURN_SECRET: coturn.secret, TONGKE_LOGIN_RATE_LIMIT: '500', TONGKE_LOGIN_ACCOUNT_LIMIT: '500' });
    });

    afterAll(async () => {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('is received by a classroom set to always use the relay, over a relayed candidate pair', async () => {
      const newUser = async () => {
        const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: server.baseUrl, viewport: { width: 1280, height: 800 } });
        context.setDefaultTimeout(STEP_TIMEOUT_MS);
        return { context, page: await context.newPage() };
      };
      const teacher = await newUser();
      const classroom = await newUser();
      try {
        const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, 'teacher.wang');

        // The classroom's setting "always through the relay" (relay-fallback.ts keeps it in localStorage).
        await classroom.context.addInitScript(`localStorage.setItem('tongke.lesson.relay', JSON.stringify({ mode: 'always' }));`);
        await keepPeerConnections(classroom.context);
        await login(classroom.page, 'room.shiqiao');
        await visible(classroom.page.getByTestId('home-classroom'));
        await classroom.page.goto(`/lesson/${courseId}?auto=1`);
        await participantIdOf(classroom.page);
        const picture = await waitForPicture(classroom.page, teacherId);
        expect(picture.width).toBeGreaterThan(0);

        const pairs = await selectedPairs(classroom.page);
        console.info('the classroom’s selected candidate pairs', pairs);
        const receiving = pairs.filter((pair) => pair.bytesReceived > 10_000);
        expect(receiving.length, JSON.stringify(pairs)).toBeGreaterThan(0);
        for (const pair of pairs) expect(pair).toMatchObject({ candidateType: 'relay', relayProtocol: 'tcp' });
      } finally {
        await teacher.context.close();
        await classroom.context.close();
      }
    });
  });
});
