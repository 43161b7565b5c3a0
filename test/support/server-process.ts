import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real server (`node --import tsx server/main.ts`) as a child process, with its log lines. */
export interface ServerProcess {
  baseUrl: string;
  /** Every line the server printed so far (pino JSON lines, mostly). */
  lines: string[];
  /** Resolves with the first printed line that matches (waiting up to `timeoutMs`). */
  line(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** A TCP port the kernel just handed out (closed again for the server to take). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** Starts the server on a free port with these settings and arguments; resolves once /healthz answers. */
export async function startServerProcess(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const rtcMinPort = 30000 + Math.floor(Math.random() * 300) * 100;
  // A developer's own settings must not leak into the test server.
  const { TONGKE_CONFIG: _config, TONGKE_SEED_DEMO: _demo, TONGKE_SESSION_SECRET: _secret, ...inherited } = process.env;
  const childEnv: NodeJS.ProcessEnv = {
    ...inherited,
    TONGKE_HOST: '127.0.0.1',
    TONGKE_PORT: String(port),
    TONGKE_PUBLIC_URL: baseUrl,
    TONGKE_MEDIA_WORKERS: '1',
    TONGKE_RTC_LISTEN_IP: '127.0.0.1',
    TONGKE_RTC_MIN_PORT: String(rtcMinPort),
    TONGKE_RTC_MAX_PORT: String(rtcMinPort + 99),
    TONGKE_LOG_LEVEL: 'info',
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.length > 0));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const server: ServerProcess = {
    baseUrl,
    lines,
    async line(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms. Output:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was healthy:\n${lines.join('\n')}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server was not healthy within 60 s:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
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
