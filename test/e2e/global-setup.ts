import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import type { TestProject } from 'vitest/node';
import { freePort } from '../support/server-process.js';
import { hashPassword } from '../../server/accounts/passwords.js';
import { openDatabase } from '../../server/db/client.js';
import { seedDemoCounty } from '../../server/seed/demo.js';
import { DEMO_PASSWORD } from '../../server/seed/demo-logins.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the e2e server listens, e.g. http://127.0.0.1:41234 (no trailing slash). */
    baseUrl: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_INDEX = join(ROOT, 'dist/client/index.html');
const RESULTS_DIR = join(ROOT, 'test-results');
const SERVER_LOG = join(RESULTS_DIR, 'e2e-server.log');
const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Seeds the demo county into a fresh SQLite file, starts the real server (`node --import tsx
 * server/main.ts`, serving the built client) on a free loopback port, waits for /healthz and provides
 * `baseUrl` to the tests. The returned teardown stops the server and removes the temporary directory.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(`The e2e suite drives the built web app, but ${CLIENT_INDEX} is missing: run \`npm run build\` (or \`npx vite build\`) first.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tongke-e2e-'));
  const dbPath = join(dir, 'tongke.db');
  const database = openDatabase(dbPath);
  try {
    seedDemoCounty(database.db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
  } finally {
    database.close();
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const log = createWriteStream(SERVER_LOG);
  const output = new OutputTail();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TONGKE_HOST: '127.0.0.1',
    TONGKE_PORT: String(port),
    TONGKE_PUBLIC_URL: baseUrl,
    TONGKE_DB_PATH: dbPath,
    TONGKE_MEDIA_WORKERS: '1',
    TONGKE_RTC_LISTEN_IP: '127.0.0.1',
    TONGKE_LOG_LEVEL: 'warn',
    // Every browser context signs in from 127.0.0.1: the per-address limit would trip across the suite.
    TONGKE_LOGIN_RATE_LIMIT: '500',
    // The suite signs in as the same demo accounts many times a minute.
    TONGKE_LOGIN_ACCOUNT_LIMIT: '500',
    // Seeded above with the same function; the server must not need to.
    TONGKE_SEED_DEMO: 'false',
  };
  // A developer's own config file must not leak into the suite.
  delete env.TONGKE_CONFIG;
  delete env.TONGKE_SESSION_SECRET;

  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [server.stdout, server.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      output.push(chunk.toString('utf8'));
    });
  }
  // If vitest itself dies, do not leave the server behind.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitForHealth(baseUrl, server, output);
  } catch (error) {
    await stopServer(server);
    log.end();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide('baseUrl', baseUrl);

  return async () => {
    await stopServer(server);
    process.off('exit', killOnExit);
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Polls GET /healthz until 200; fails with the server's output when it exits or the time is up. */
async function waitForHealth(baseUrl: string, server: ChildProcess, output: OutputTail): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`The e2e server exited (${server.exitCode ?? server.signalCode}) before it was healthy. Its output:\n${output.text()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastProblem = `/healthz answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 250));
  }
  throw new Error(`The e2e server was not healthy within ${HEALTH_TIMEOUT_MS / 1000} s (${lastProblem}). Its output:\n${output.text()}`);
}

/** SIGTERM (the server closes its media workers and database), then SIGKILL if it hangs. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The last lines a process printed, to show when it fails. */
class OutputTail {
  #lines: string[] = [];
  readonly #max = 200;

  push(text: string): void {
    this.#lines.push(...text.split('\n').filter((line) => line.length > 0));
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  text(): string {
    return this.#lines.length > 0 ? this.#lines.join('\n') : '(nothing)';
  }
}
