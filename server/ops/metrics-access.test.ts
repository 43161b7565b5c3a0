import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.js';

/* /metrics describes the running service (lessons, workers, routes): it is for the operator's scraper only. */
describe('who may read /metrics', () => {
  describe('without TONGKE_METRICS_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => t.close());

    it('answers a direct caller on this machine', async () => {
      for (const remoteAddress of ['127.0.0.1', '::1']) {
        const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('tongke_http_request_duration_seconds');
      }
    });

    it('refuses anyone else, and a request that came through a proxy on this machine', async () => {
      const fromLan = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.168.1.20' });
      expect(fromLan.statusCode).toBe(403);
      expect(fromLan.body).not.toContain('tongke_');
      const proxied = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(proxied.statusCode).toBe(403);
    });
  });

  describe('with TONGKE_METRICS_TOKEN', () => {
    const token = 'scrape-token-0123456789abcdef';
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ metricsToken: token });
    });
    afterAll(async () => t.close());

    it('answers the bearer of the token from anywhere', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('tongke_');
    });

    it('refuses a wrong or missing token, even from this machine', async () => {
      for (const headers of [{}, { authorization: `Bearer ${token}x` }, { authorization: token }, { authorization: 'Bearer ' }]) {
        const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      }
    });
  });
});
