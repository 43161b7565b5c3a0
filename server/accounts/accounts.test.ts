import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestApp } from '../../test/support/app.js';
import { hashPassword } from './passwords.js';
import { users, roleGrants, regions } from '../db/schema/index.js';

describe('accounts', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    const region = (await t.database.db.insert(regions).values({ name: '示范县', code: 'demo' }).returning())[0]!;
    const user = (await t.database.db.insert(users).values({ username: 'admin', displayName: '县管理员', passwordHash: await hashPassword('correct horse') }).returning())[0]!;
    await t.database.db.insert(roleGrants).values({ userId: user.id, role: 'region_admin', regionId: region.id });
  });
  afterEach(async () => t.close());

  it('signs in with the right password and reports who is signed in', async () => {
    const client = new TestClient(t.app);
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
    const login = await client.login('admin', 'correct horse');
    expect(login.statusCode).toBe(200);
    const me = (await client.get('/api/auth/me')).json();
    expect(me.user.displayName).toBe('县管理员');
    expect(me.grants).toEqual([expect.objectContaining({ role: 'region_admin', scopeName: '示范县' })]);
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('refuses a wrong password in the caller language and locks after five failures', async () => {
    const client = new TestClient(t.app);
    const wrong = await client.request('POST', '/api/auth/login', { username: 'admin', password: 'nope' }, { 'accept-language': 'en' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({ code: 'login_invalid', message: expect.stringMatching(/^Wrong user name or password\./) });
    for (let i = 0; i < 4; i++) expect((await client.login('admin', 'nope')).statusCode).toBe(401);
    // Even the right password is refused while locked, with the same answer (see login.test.ts).
    expect((await client.login('admin', 'correct horse')).json().error.code).toBe('login_invalid');
  });

  it('limits sign-in attempts per address with a rate_limited error that says how long to wait', async () => {
    const limited = await createTestApp({ loginRateLimit: 3 });
    try {
      const client = new TestClient(limited.app);
      for (let i = 0; i < 3; i++) expect((await client.login('nobody', 'x')).statusCode).toBe(401);
      const refused = await client.login('nobody', 'x');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/请稍等 \d+ 秒/) });
    } finally {
      await limited.close();
    }
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'correct horse' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_invalid');
  });

  it('rejects a malformed body with bad_request and the field at fault', async () => {
    const client = new TestClient(t.app);
    const res = await client.post('/api/auth/login', { username: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
    expect(JSON.stringify(res.json().error.details)).toContain('password');
  });

  it('reports health of the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: true, media: { enabled: false } });
    await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    // Every route is timed, not only the operations routes.
    expect(metrics.body).toMatch(/tongke_http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status="401"\} 1/);
  });
});
