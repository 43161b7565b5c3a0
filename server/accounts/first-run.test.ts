import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestApp } from '../../test/support/app.js';
import { roleGrants, users } from '../db/schema/index.js';
import { hashPassword } from './passwords.js';
import { isLoopbackHost } from './first-run.js';

describe('the demo warning', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'tongke.example.edu.cn']) expect(isLoopbackHost(host), host).toBe(false);
  });

  /** An app listening on `host`, with one account as the demo seed makes it (marked, with a password). */
  const withDemoAccount = async (host: string) => {
    t = await createTestApp({ host });
    const user = (await t.database.db.insert(users).values({ username: 'admin', displayName: '系统管理员', passwordHash: await hashPassword('tongke-demo'), demoAccount: true }).returning())[0]!;
    await t.database.db.insert(roleGrants).values({ userId: user.id, role: 'system_admin' });
    return { t, userId: user.id, instance: async () => (await t!.app.inject({ method: 'GET', url: '/api/instance' })).json() };
  };

  it('is on only with demo accounts on a server reachable from other machines', async () => {
    const loopback = await withDemoAccount('127.0.0.1');
    expect(await loopback.instance()).toEqual({ demoWarning: false, setupRequired: false });
    await loopback.t.close();
    const reachable = await withDemoAccount('0.0.0.0');
    expect(await reachable.instance()).toEqual({ demoWarning: true, setupRequired: false });
    // The only demo account gets a new password: the published one no longer opens anything.
    const admin = new TestClient(reachable.t.app);
    await admin.login('admin', 'tongke-demo');
    expect((await admin.patch(`/api/users/${reachable.userId}`, { password: 'a private one' })).statusCode).toBe(200);
    expect(await reachable.instance()).toEqual({ demoWarning: false, setupRequired: false });
  });

  it('goes off when the demo accounts are deactivated, and an empty database asks for setup', async () => {
    const { t: app, userId, instance } = await withDemoAccount('0.0.0.0');
    await app.database.db.update(users).set({ active: false }).where(eq(users.id, userId));
    // Nobody is left to administer: the first-run setup opens again.
    expect(await instance()).toEqual({ demoWarning: false, setupRequired: true });
  });
});
