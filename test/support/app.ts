import { mkdtempSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, type TongkeConfig } from '../../server/config.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/store.js';
import { STORE_DIALECT } from '../../server/db/dialect.js';
import { newTestStore } from './store.js';
import type { TongkeApp } from '../../server/core/app-types.js';
import { MediaWorkerPool, type MediaLogger, type MediaWorkerPoolOptions } from '../../media/index.js';

const silentMediaLogger: MediaLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A Tongke app on a fresh store (a temporary SQLite file, or a PostgreSQL database in that run) with the real migrations; `close()` removes it. */
export interface TestApp {
  app: TongkeApp;
  /** The real media workers, when asked for (`media: true`). */
  media: MediaWorkerPool | null;
  /** `http://127.0.0.1:<port>` when the app listens (`listen: true`). */
  baseUrl: string | null;
  database: DatabaseHandle;
  config: TongkeConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Start real mediasoup workers (and so the live-lesson gateway). */
  media?: boolean;
  /** Listen on a free loopback port (for Socket.IO clients). */
  listen?: boolean;
  /** How many media workers (default 1). */
  mediaWorkers?: number;
  /** How the pool starts a worker process (fault tests make replacements impossible). */
  startMediaWorker?: MediaWorkerPoolOptions['startWorker'];
  /** Open this existing SQLite file (migrated on open) instead of a fresh store; `close()` keeps it. SQLite runs only. */
  sqliteFile?: string;
}

export async function createTestApp(overrides: Partial<TongkeConfig> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-test-'));
  const rtc = options.media ? await freeRtcRange(options.mediaWorkers ?? 1) : { rtcMinPort: 46000, rtcMaxPort: 46999 };
  if (options.sqliteFile && STORE_DIALECT !== 'sqlite') throw new Error('sqliteFile needs the SQLite store');
  const store = options.sqliteFile ? { location: options.sqliteFile, databaseUrl: '', drop: async () => undefined } : await newTestStore(dir);
  const config = loadConfig({}, { dbPath: join(dir, 'tongke.db'), databaseUrl: store.databaseUrl, logLevel: 'silent', mediaWorkers: options.mediaWorkers ?? 1, ...rtc, ...overrides });
  const database = await openDatabase(store.location);
  const media = options.media
    ? await MediaWorkerPool.create({
        workerCount: config.mediaWorkers,
        rtcMinPort: config.rtcMinPort,
        rtcMaxPort: config.rtcMaxPort,
        listenIp: '127.0.0.1',
        consumersPerWorker: config.mediaConsumersPerWorker,
        logger: silentMediaLogger,
        ...(options.startMediaWorker ? { startWorker: options.startMediaWorker } : {}),
      })
    : null;
  const app = await buildApp({ config, database, media, logger: false, clientDir: join(dir, 'no-client') });
  await app.ready();
  let baseUrl: string | null = null;
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('test app has no TCP address');
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    media,
    baseUrl,
    database,
    config,
    async close() {
      await app.close();
      media?.close();
      await database.close();
      await store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A block of `size` RTC ports (100 by default) whose top ports (the WebRtcServers' UDP+TCP ports) are free
 * now. Test files run in parallel forks (and several checkouts may test at once), so a fixed range would
 * collide. A bench that opens hundreds of per-transport ports asks for a bigger block.
 */
export async function freeRtcRange(workers: number, size = 100): Promise<{ rtcMinPort: number; rtcMaxPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rtcMinPort = 20000 + Math.floor(Math.random() * (20000 / size)) * size;
    const rtcMaxPort = rtcMinPort + size - 1;
    let free = true;
    for (let i = 0; i < workers && free; i++) free = await portFree(rtcMaxPort - i);
    if (free) return { rtcMinPort, rtcMaxPort };
  }
  throw new Error('no free RTC port range for the test media workers');
}

async function portFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((done) => {
    const socket = createSocket('udp4');
    socket.once('error', () => done(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => done(true)));
  });
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

  /** The Cookie header this client sends (for a Socket.IO handshake as the same user). */
  cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
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
