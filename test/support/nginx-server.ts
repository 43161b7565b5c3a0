/**
 * A private nginx for the several-nodes test: the site server/cluster/nginx-config.ts writes (the README's),
 * on a free loopback port, in a temporary directory, in the foreground. Stopped and removed by `stop()`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- a plain .mjs script shared with `npm test`'s install step
import { nginxPath } from '../../scripts/ensure-nginx.mjs';
import { nginxSite, type ProxiedNode } from '../../server/cluster/nginx-config.js';
import { freePort } from './server-process.js';

export interface NginxServer {
  /** http://127.0.0.1:<port> — the one address of the nodes. */
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startNginx(nodes: readonly ProxiedNode[]): Promise<NginxServer> {
  const binary = (nginxPath as () => string | null)();
  if (!binary) throw new Error('nginx is not installed: run `node scripts/ensure-nginx.mjs` (as root it installs Debian\'s nginx)');
  const dir = mkdtempSync(join(tmpdir(), 'tongke-nginx-'));
  const port = await freePort();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      // As root its workers would run as nobody, who cannot write in this private directory.
      ...(asRoot ? ['user root;'] : []),
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `    ${temp(name)}`),
      `    include ${join(dir, 'tongke.conf')};`,
      '}',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'tongke.conf'), nginxSite({ listen: `127.0.0.1:${port}`, nodes }));
  const child = spawn(binary, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  const exited = once(child, 'exit');
  process.once('exit', () => child.kill('SIGKILL'));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Fast shutdown: a graceful one (SIGQUIT) waits for open WebSockets, which a lesson keeps open.
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${errors}`);
    if (await listening(port)) break;
    if (tries > 100) {
      await stop();
      throw new Error(`nginx did not listen on ${port} within 5 s: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { baseUrl: `http://127.0.0.1:${port}`, stop };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
