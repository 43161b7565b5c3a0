import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, type TongkeConfig } from '../../server/config.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import type { TongkeApp } from '../../server/core/app-types.js';

/** A Tongke app on a fresh temporary SQLite file with the real migrations; `close()` removes it. */
export interface TestApp {
  app: TongkeApp;
  database: DatabaseHandle;
  config: TongkeConfig;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<TongkeConfig> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-test-'));
  const config = loadConfig({}, { dbPath: join(dir, 'tongke.db'), logLevel: 'silent', mediaWorkers: 1, ...overrides });
  const database = openDatabase(config.dbPath);
  const app = await buildApp({ config, database, logger: false, clientDir: join(dir, 'no-client') });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser-like client for `app.inject`: keeps cookies and sends the CSRF header on state-changing
 * requests, as the SPA does.
 */
export class TestClient {
  #cookies = new Map<string, string>();
  #csrf: string | null = null;

  constructor(private readonly app: TongkeApp) {}

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    if (method !== 'GET' && this.#csrf === null) {
      const res = await this.#send('GET', '/api/auth/csrf');
      this.#csrf = (res.json() as { token: string }).token;
    }
    return this.#send(method, url, body, { ...(method !== 'GET' && this.#csrf ? { 'x-csrf-token': this.#csrf } : {}), ...headers });
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  put = (url: string, body?: unknown) => this.request('PUT', url, body ?? {});
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  delete = (url: string) => this.request('DELETE', url);

  async login(username: string, password: string): Promise<LightMyRequestResponse> {
    return this.post('/api/auth/login', { username, password });
  }

  async #send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now()) || c.value === '';
      if (expired) this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
    return res;
  }
}
