import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { TongkeApp } from './app-types.js';
import { newTestStore } from '../../test/support/store.js';

/** The real app with a stand-in built client (index.html and one asset) on a fresh store of the run, which the app opens itself. */
async function appServingClient(publicUrl: string): Promise<{ app: TongkeApp; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-headers-'));
  const clientDir = join(dir, 'client');
  mkdirSync(join(clientDir, 'assets'), { recursive: true });
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/main.js"></script>');
  writeFileSync(join(clientDir, 'assets', 'main.js'), 'export {};');
  const store = await newTestStore(dir);
  const config = loadConfig({}, { dbPath: join(dir, 'tongke.db'), databaseUrl: store.databaseUrl, logLevel: 'silent', publicUrl });
  const app = await buildApp({ config, logger: false, clientDir });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const directives = (csp: unknown): Map<string, string> =>
  new Map(
    String(csp)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );

describe('security headers', () => {
  describe('served over plain http (a school LAN)', () => {
    let t: Awaited<ReturnType<typeof appServingClient>>;
    beforeAll(async () => {
      t = await appServingClient('http://tongke.school.lan:3000');
    });
    afterAll(async () => t.close());

    it.each([
      ['the SPA', '/', 200],
      ['a client route (index.html fallback)', '/reports/usage', 200],
      ['a client asset', '/assets/main.js', 200],
      ['an API route', '/api/auth/csrf', 200],
      ['an API error', '/api/auth/me', 401],
      ['the API docs', '/api/docs/', 200],
      ['the API description', '/api/openapi.json', 200],
    ])('sends them on %s', async (_what, url, status) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(status);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('default-src')).toBe("'self'");
      expect(csp.get('script-src')).toBe("'self'");
      expect(csp.get('frame-ancestors')).toBe("'none'");
      expect(csp.get('object-src')).toBe("'none'");
      expect(csp.get('connect-src')).toContain('ws://tongke.school.lan:3000');
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });

    it('follows a docs redirect with the same headers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/docs' });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toBe("'none'");
    });
  });

  describe('served over https', () => {
    let t: Awaited<ReturnType<typeof appServingClient>>;
    beforeAll(async () => {
      t = await appServingClient('https://tongke.example.cn');
    });
    afterAll(async () => t.close());

    it('adds HSTS and upgrades insecure requests', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/' });
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{7,}/);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.has('upgrade-insecure-requests')).toBe(true);
      expect(csp.get('connect-src')).toContain('wss://tongke.example.cn');
    });
  });
});
