/**
 * A private coturn (Debian's `turnserver`, scripts/ensure-coturn.mjs installs it) for the TURN tests: started on
 * loopback or a given address, on a chosen or free port (UDP and TCP), optionally TLS on another port with a
 * self-signed certificate made here by openssl, with `use-auth-secret` so it accepts exactly the credentials
 * Tongke's generator makes from the same secret. Config, certificate and log live in a temporary directory that
 * `stop()` removes with the process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- a plain .mjs script shared with `npm test`'s install step
import { turnserverPath } from '../../scripts/ensure-coturn.mjs';
import { freePort } from './server-process.js';

export interface CoturnOptions {
  /** Where it listens and relays from (default 127.0.0.1): a lab's host-side address for sites in namespaces. */
  address?: string;
  /** Its TURN port for UDP and TCP (default: a free one) — 443 to stand in for a school's only open port. */
  port?: number;
  /** Also TURN over TLS (`turns:`), on this port (0: a free one). */
  tlsPort?: number;
  /** The static-auth-secret (default: a random one). */
  secret?: string;
}

export interface CoturnServer {
  address: string;
  port: number;
  tlsPort: number | null;
  secret: string;
  /** `turn:<address>:<port>?transport=tcp` — what a site behind a UDP-blocking firewall uses. */
  tcpUrl: string;
  udpUrl: string;
  tlsUrl: string | null;
  /** What coturn printed lately (shown when a test fails). */
  log(): string;
  stop(): Promise<void>;
}

const REALM = 'tongke.test';

/** A block of 100 relay ports picked at random, so two coturns (two test runs) seldom meet; coturn skips busy ones. */
function relayPorts(): { min: number; max: number } {
  const min = 50_000 + Math.floor(Math.random() * 90) * 100;
  return { min, max: min + 99 };
}

function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'turn.crt');
  const key = join(dir, 'turn.key');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=turn.${REALM}`, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make the test TURN certificate: ${made.stderr || made.error?.message}`);
  return { cert, key };
}

async function listening(address: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export async function startCoturn(options: CoturnOptions = {}): Promise<CoturnServer> {
  const binary = (turnserverPath as () => string | null)();
  if (!binary) throw new Error("coturn is not installed: run `node scripts/ensure-coturn.mjs` (as root it installs Debian's coturn)");
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const tlsPort = options.tlsPort === undefined ? null : options.tlsPort || (await freePort());
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'tongke-coturn-'));
  const relay = relayPorts();
  const lines = [
    `listening-ip=${address}`,
    `relay-ip=${address}`,
    `listening-port=${port}`,
    `min-port=${relay.min}`,
    `max-port=${relay.max}`,
    'fingerprint',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${REALM}`,
    // The media server the tests relay to is on loopback (or a lab address): coturn refuses loopback peers by default.
    'allow-loopback-peers',
    'no-multicast-peers',
    'no-cli',
    'no-dtls',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    // Its own user database: nothing of the machine's coturn (/var/lib/turn) is read or written.
    `userdb=${join(dir, 'turndb')}`,
    'simple-log',
    'log-file=stdout',
    `pidfile=${join(dir, 'turnserver.pid')}`,
  ];
  try {
    if (tlsPort === null) lines.push('no-tls');
    else {
      const { cert, key } = selfSignedCertificate(dir);
      lines.push(`tls-listening-port=${tlsPort}`, `cert=${cert}`, `pkey=${key}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, lines.join('\n') + '\n');
  const child: ChildProcess = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  while (!(await listening(address, port)) || (tlsPort !== null && !(await listening(address, tlsPort)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the test coturn did not start on ${address}:${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    address,
    port,
    tlsPort,
    secret,
    tcpUrl: `turn:${address}:${port}?transport=tcp`,
    udpUrl: `turn:${address}:${port}?transport=udp`,
    tlsUrl: tlsPort === null ? null : `turns:${address}:${tlsPort}?transport=tcp`,
    log: () => output,
    stop,
  };
}
