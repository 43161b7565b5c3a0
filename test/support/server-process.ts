import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialectOf } from '../../server/db/dialect.js';
import { freeRtcRange } from './app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A real Tongke server process (`node --import tsx server/main.ts`) on a store: the e2e server, first-run and crash tests. */
export class ServerProcess {
  readonly #output: string[] = [];
  #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => this.#output.push(chunk.toString('utf8')));
    this.#exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  }

  /**
   * Starts the server on the store at `location` — a SQLite file, or a PostgreSQL URL (`newTestStore()` of
   * test/support/store.ts in the PostgreSQL run), passed as TONGKE_DATABASE_URL — on free loopback and RTC
   * ports, and waits for /healthz. `env` adds or
   * overrides settings; `preload`: more `--import`s (fault injection); `args`: command-line arguments (`--demo`);
   * `logFile`: where everything it prints is also written. A server that never becomes healthy is stopped.
   */
  static async start(location: string, env: Record<string, string> = {}, options: { preload?: string[]; args?: string[]; logFile?: string } = {}): Promise<ServerProcess> {
    const { preload = [], args = [], logFile } = options;
    const port = await freePort();
    const rtc = await freeRtcRange(1);
    const baseUrl = `http://127.0.0.1:${port}`;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TONGKE_HOST: '127.0.0.1',
      TONGKE_PORT: String(port),
      TONGKE_PUBLIC_URL: baseUrl,
      TONGKE_MEDIA_WORKERS: '1',
      TONGKE_RTC_LISTEN_IP: '127.0.0.1',
      TONGKE_RTC_MIN_PORT: String(rtc.rtcMinPort),
      TONGKE_RTC_MAX_PORT: String(rtc.rtcMaxPort),
      TONGKE_LOG_LEVEL: 'warn',
      TONGKE_SEED_DEMO: 'false',
    };
    Object.assign(childEnv, storeEnvironment(location), env);
    // On PostgreSQL the generated session secret is still kept beside TONGKE_DB_PATH: not in the checkout.
    const secretDir = dialectOf(location) === 'postgresql' && env.TONGKE_DB_PATH === undefined ? mkdtempSync(join(tmpdir(), 'tongke-server-')) : null;
    if (secretDir) childEnv.TONGKE_DB_PATH = join(secretDir, 'tongke.db');
    delete childEnv.TONGKE_CONFIG;
    // The test's own settings only (several nodes are given one secret); never one from the shell.
    if (env.TONGKE_SESSION_SECRET === undefined) delete childEnv.TONGKE_SESSION_SECRET;
    const imports = [...preload.flatMap((file) => ['--import', file]), '--import', 'tsx'];
    const child = spawn(process.execPath, [...imports, 'server/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    if (logFile) {
      const log = createWriteStream(logFile);
      for (const stream of [child.stdout, child.stderr]) stream?.pipe(log, { end: false });
      child.once('exit', () => log.end());
    }
    if (secretDir) child.once('exit', () => rmSync(secretDir, { recursive: true, force: true }));
    const server = new ServerProcess(child, baseUrl);
    process.once('exit', () => child.kill('SIGKILL'));
    try {
      await server.#healthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** What the process printed (to show when a test fails). */
  output(): string {
    return this.#output.join('');
  }

  /** The lines printed so far (pino JSON lines, mostly). */
  get lines(): string[] {
    return this.output().split('\n').filter((line) => line.length > 0);
  }

  /** Resolves with the first printed line that matches, waiting up to `timeoutMs`. */
  async line(match: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms. Output:\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Resolves when the process has exited, with its code or signal. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exit;
  }

  /** kill -9: no shutdown hook runs, nothing is flushed. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.#exit;
  }

  /** A graceful stop (SIGTERM), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.#exit;
    clearTimeout(timer);
  }

  /** Signs in over HTTP as a browser would (CSRF token, then the login) and returns the Cookie header. */
  signIn(username: string, password: string): Promise<string> {
    return signInAt(this.baseUrl, username, password);
  }

  async #healthy(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the server exited before it was healthy:\n${this.output()}`);
      try {
        if ((await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) return;
      } catch {
        // Not listening yet: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the server was not healthy within 60 s:\n${this.output()}`);
  }
}

/**
 * The environment that points a child process (the server, admin-cli) at the store at `location`: a
 * PostgreSQL URL goes in TONGKE_DATABASE_URL; a SQLite path in TONGKE_DB_PATH, with TONGKE_DATABASE_URL
 * cleared — the PostgreSQL run of the suite sets it (to its template) in every test process's environment.
 */
export function storeEnvironment(location: string): NodeJS.ProcessEnv {
  return dialectOf(location) === 'postgresql' ? { TONGKE_DATABASE_URL: location } : { TONGKE_DB_PATH: location, TONGKE_DATABASE_URL: undefined };
}

/** Signs in at `baseUrl` (a server, or the proxy before several) as a browser would: CSRF token, then the login; returns the Cookie header. */
export async function signInAt(baseUrl: string, username: string, password: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!.trim(), value.join('='));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { token } = (await csrf.json()) as { token: string };
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': token, cookie: header(), origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`sign in as ${username}: ${login.status} ${await login.text()}`);
  keep(login);
  return header();
}

/** A port the kernel just handed out on loopback (closed again for the server to take). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
/** A cookie-keeping HTTP client of a listening server that sends the CSRF header, as the web app does. */
export class HttpClient {
  #cookies = new Map<string, string>();
  #csrf: string | null = null;

  constructor(private readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    if (method !== 'GET' && this.#csrf === null) this.#csrf = ((await this.request('GET', '/api/auth/csrf')).json as { token: string }).token;
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(this.#cookies.size > 0 ? { cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && this.#csrf ? { 'x-csrf-token': this.#csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) this.#cookies.set(name.trim(), value.join('='));
    }
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
  }
}
