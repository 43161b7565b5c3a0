/**
 * A private Redis for the cluster tests (Debian's `redis-server`, scripts/ensure-redis.mjs installs it): on a
 * free loopback port, or a given one (a test that restarts Redis starts the second on the first one's port),
 * with nothing persisted (`--save '' --appendonly no`: a test's Redis is thrown away), its working directory a
 * temporary one that `stop()` removes with the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
// @ts-expect-error -- a plain .mjs script shared with `npm run test:pg`'s install step
import { redisServerPath } from '../../scripts/ensure-redis.mjs';
import { freePort } from './server-process.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Why the Redis at `url` is not yet the process `pid` answering, or null when it is. Asking for its process id
 * tells a Redis already on that port (which ours then fails to displace) from ours. No retries of its own: the
 * caller's loop decides when to give up.
 */
async function notAnswering(url: string, pid: number | undefined): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined); // the refused connection is the answer here, reported by connect()
  try {
    await client.connect();
    const answered = /^process_id:(\d+)/m.exec(await client.info('server'))?.[1];
    return answered === String(pid) ? null : `another Redis (process ${answered}) answers there`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

export async function startRedis(options: { port?: number } = {}): Promise<RedisServer> {
  const binary = (redisServerPath as () => string | null)();
  if (!binary) throw new Error("redis-server is not installed: run `node scripts/ensure-redis.mjs` (as root it installs Debian's redis-server)");
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tongke-redis-'));
  const server: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [server.stdout, server.stderr]) stream?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const kill = () => server.kill('SIGKILL');
  process.once('exit', kill);
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (let failure = await notAnswering(url, server.pid); failure !== null; failure = await notAnswering(url, server.pid)) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the test Redis did not start on port ${port} (${failure}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    async stop() {
      process.off('exit', kill);
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
