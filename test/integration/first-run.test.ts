import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/store.js';
import { newTestStore, type TestStoreLocation } from '../support/store.js';
import { users } from '../../server/db/schema/index.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';
import { TestClient } from '../support/app.js';
import { HttpClient, ServerProcess, storeEnvironment } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real server started on an empty store of the run (a temporary SQLite file or PostgreSQL database), as an operator would start it. */
describe('first run', () => {
  const dirs: string[] = [];
  const stores: TestStoreLocation[] = [];
  const tempStore = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongke-first-run-'));
    dirs.push(dir);
    const store = await newTestStore(dir);
    stores.push(store);
    return { dir, ...store };
  };
  afterAll(async () => {
    for (const store of stores) await store.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('without --demo an empty database has no known password; the printed setup token creates the first admin once', async () => {
    const store = await tempStore();
    const server = await ServerProcess.start(store.location);
    try {
      const line = await server.line((l) => l.includes('"setupToken"'));
      const token = (JSON.parse(line) as { setupToken: string }).setupToken;
      expect(JSON.parse(line)).toMatchObject({ level: 40 });
      const http = new HttpClient(server.baseUrl);
      expect(await http.request('POST', '/api/auth/login', { username: 'admin', password: DEMO_PASSWORD })).toMatchObject({ status: 401 });
      expect((await http.request('GET', '/api/instance')).json).toEqual({ demoWarning: false, setupRequired: true });

      const account = { username: 'principal', displayName: '王校长', password: 'a long secret' };
      expect(await http.request('POST', '/api/setup', { ...account, token: 'x'.repeat(32) })).toMatchObject({ status: 403, json: { error: { code: 'setup_token_invalid' } } });
      expect(await http.request('POST', '/api/setup', { ...account, token })).toMatchObject({ status: 201 });
      // Used once: a second use, even for another name, is refused.
      expect(await http.request('POST', '/api/setup', { ...account, username: 'intruder', token })).toMatchObject({ status: 403, json: { error: { code: 'setup_token_invalid' } } });
      expect((await http.request('GET', '/api/instance')).json).toEqual({ demoWarning: false, setupRequired: false });
      const me = await http.request('POST', '/api/auth/login', { username: 'principal', password: 'a long secret' });
      expect(me).toMatchObject({ status: 200, json: { grants: [expect.objectContaining({ role: 'system_admin' })] } });
    } finally {
      await server.stop();
    }
    const database = await openDatabase(store.location);
    try {
      expect(await database.db.select({ username: users.username }).from(users)).toEqual([{ username: 'principal' }]);
    } finally {
      await database.close();
    }
  });

  it('with --demo on a non-loopback address it warns loudly in the log and tells every page to show the banner', async () => {
    const server = await ServerProcess.start((await tempStore()).location, { TONGKE_HOST: '0.0.0.0' }, { args: ['--demo'] });
    try {
      const warning = await server.line((l) => l.includes('DEMO ACCOUNTS ARE ENABLED'));
      expect(JSON.parse(warning)).toMatchObject({ level: 40 });
      expect((await new HttpClient(server.baseUrl).request('GET', '/api/instance')).json).toEqual({ demoWarning: true, setupRequired: false });
      expect(server.lines.some((l) => l.includes('"setupToken"'))).toBe(false);
      expect(await new HttpClient(server.baseUrl).request('POST', '/api/auth/login', { username: 'admin', password: DEMO_PASSWORD })).toMatchObject({ status: 200 });
    } finally {
      await server.stop();
    }
  });

  it('npm run admin:create makes a system administrator in the configured database, which closes /setup', async () => {
    const store = await tempStore();
    // On PostgreSQL the session secret still lands beside TONGKE_DB_PATH: keep it in the test's directory.
    const env = { ...process.env, TONGKE_DB_PATH: join(store.dir, 'tongke.db'), ...storeEnvironment(store.location) };
    const run = (args: string[], input: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'server/accounts/admin-cli.ts', ...args], { cwd: ROOT, env, input, encoding: 'utf8' });
    const created = run(['--username', 'operator', '--display-name', '运维管理员'], 'a long secret\n');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(run(['--username', 'operator', '--display-name', '又一个'], 'a long secret\n')).toMatchObject({ status: 1, stderr: expect.stringContaining('taken') });
    expect(run(['--username', 'classroom-7', '--display-name', '终端'], 'a long secret\n').status).toBe(2);

    const config = loadConfig({}, { dbPath: join(store.dir, 'tongke.db'), databaseUrl: store.databaseUrl, logLevel: 'silent' });
    const database = await openDatabase(store.location);
    const app = await buildApp({ config, database, logger: false, clientDir: join(store.dir, 'none') });
    try {
      await app.ready();
      const client = new TestClient(app);
      expect((await client.login('operator', 'a long secret')).json()).toMatchObject({ grants: [expect.objectContaining({ role: 'system_admin' })] });
      expect((await client.get('/api/instance')).json()).toEqual({ demoWarning: false, setupRequired: false });
      const setup = await new TestClient(app).post('/api/setup', { token: 'x'.repeat(32), username: 'second', displayName: '第二', password: 'a long secret' });
      expect(setup.json().error.code).toBe('setup_token_invalid');
    } finally {
      await app.close();
      await database.close();
    }
  });
});
