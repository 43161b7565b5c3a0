import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestApp } from '../../test/support/app.js';
import { hashPassword } from './passwords.js';
import { users, roleGrants, regions } from '../db/schema/index.js';
import { LOCKOUT_AFTER_FAILURES } from './service.js';

/** Sign-in must not be outrun by parallel guesses, and must not tell who has an account. */
describe('sign-in lockout and limits', () => {
  let t: TestApp;
  const account = async (username: string, password: string, active = true) => {
    const db = t.database.db;
    const region = (await db.select().from(regions))[0] ?? (await db.insert(regions).values({ name: '示范县', code: 'demo' }).returning())[0]!;
    const user = (await db.insert(users).values({ username, displayName: username, passwordHash: await hashPassword(password), active }).returning())[0]!;
    await db.insert(roleGrants).values({ userId: user.id, role: 'region_admin', regionId: region.id });
    return user.id;
  };

  beforeAll(async () => {
    // The per-address limit is out of the way here: every attempt comes from the same test address.
    t = await createTestApp({ loginRateLimit: 10_000, loginAccountLimit: 10_000 });
  });
  afterAll(async () => t.close());

  it('30 parallel wrong passwords lock the account: the right password is refused afterwards', async () => {
    await account('parallel', 'correct horse');
    const client = new TestClient(t.app);
    await client.get('/api/auth/csrf');
    const attempts = await Promise.all(Array.from({ length: 30 }, () => client.login('parallel', 'wrong guess')));
    expect(attempts.every((r) => r.statusCode === 401)).toBe(true);
    const right = await client.login('parallel', 'correct horse');
    expect(right.statusCode).toBe(401);
    expect(right.json().error.code).toBe('login_invalid');
    const row = (await t.database.db.select().from(users).where(eq(users.username, 'parallel')))[0];
    expect(row?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
  });

  it('answers an unknown user name, a locked account and a deactivated account exactly like a wrong password', async () => {
    await account('locked', 'correct horse');
    await account('retired', 'correct horse', false);
    const client = new TestClient(t.app);
    for (let i = 0; i < LOCKOUT_AFTER_FAILURES; i++) await client.login('locked', 'wrong guess');
    const answers = await Promise.all([
      client.login('nobody-here', 'correct horse'),
      client.login('locked', 'correct horse'),
      client.login('retired', 'correct horse'),
      client.login('retired', 'wrong guess'),
    ]);
    const shapes = answers.map((r) => ({ status: r.statusCode, body: r.json() }));
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    expect(shapes[0]).toEqual({ status: 401, body: { error: { code: 'login_invalid', message: expect.stringContaining('用户名或密码不正确') } } });
  });

  it('limits attempts per user name beside the per-address limit, for unknown names too', async () => {
    const limited = await createTestApp({ loginRateLimit: 10_000, loginAccountLimit: 3 });
    try {
      const client = new TestClient(limited.app);
      for (let i = 0; i < 3; i++) expect((await client.login('someone', 'x-wrong')).statusCode).toBe(401);
      const refused = await client.login('someone', 'x-wrong');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('rate_limited');
      // Case and spaces do not make a new name; another name is not held back.
      expect((await client.login(' SOMEONE ', 'x-wrong')).statusCode).toBe(429);
      expect((await client.login('someone-else', 'x-wrong')).statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
