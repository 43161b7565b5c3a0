/**
 * The lab's own measuring kit: echo servers on the host side and the probe client (probe-client.mjs) run
 * inside a namespace. The lab's test uses them to show the link does what it is told; other lab tests
 * may too, to check a link before blaming the code under test.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LabHost } from './lab.js';

const CLIENT = fileURLToPath(new URL('./probe-client.mjs', import.meta.url));

/** Runs the probe client inside the host's namespace and resolves with the JSON it printed. */
export async function runProbe<T>(host: LabHost, ...args: Array<string | number>): Promise<T> {
  const child = host.spawn(process.execPath, [CLIENT, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await once(child, 'close');
  const line = stdout.trim().split('\n').pop();
  if (!line) throw new Error(`probe ${args.join(' ')} in ${host.namespace} printed nothing (exit ${child.exitCode}): ${stderr}`);
  return JSON.parse(line) as T;
}

export interface UdpPingResult {
  sent: number;
  received: number;
  rttsMs: number[];
}

export interface TcpConnectResult {
  connected: boolean;
  ms: number;
  error?: string;
}

/** On the host side: a UDP echo server, and a TCP server that accepts and counts what each connection sends. */
export class EchoServers {
  /** Bytes received per TCP connection, with the time of each arrival (ms, performance.now()). */
  readonly arrivals: Array<Array<{ at: number; bytes: number }>> = [];
  readonly #connections = new Set<Socket>();

  private constructor(
    readonly udp: UdpSocket,
    readonly tcp: Server,
  ) {}

  /** Listens on `address`, on `tcpPort` (0: any free port) for TCP and any free port for UDP. */
  static async start(address: string, tcpPort = 0): Promise<EchoServers> {
    const udp = createSocket('udp4');
    udp.on('message', (message, from) => udp.send(message, from.port, from.address));
    udp.bind(0, address);
    await once(udp, 'listening');
    const servers = new EchoServers(udp, createServer());
    servers.tcp.on('connection', (socket) => {
      const arrivals: Array<{ at: number; bytes: number }> = [];
      servers.arrivals.push(arrivals);
      servers.#connections.add(socket);
      socket.once('close', () => servers.#connections.delete(socket));
      socket.on('data', (chunk) => arrivals.push({ at: performance.now(), bytes: chunk.length }));
      // The upload probe ends by resetting its connection: expected, nothing to report.
      socket.on('error', () => socket.destroy());
    });
    servers.tcp.listen(tcpPort, address);
    await once(servers.tcp, 'listening');
    return servers;
  }

  get udpPort(): number {
    return this.udp.address().port;
  }

  get tcpPort(): number {
    const address = this.tcp.address();
    if (address === null || typeof address === 'string') throw new Error('the TCP echo server is not listening');
    return address.port;
  }

  /** Bytes the connection delivered within `windowMs` of its first byte. */
  static bytesWithin(arrivals: Array<{ at: number; bytes: number }>, windowMs: number): number {
    const first = arrivals[0]?.at ?? 0;
    return arrivals.filter((arrival) => arrival.at - first <= windowMs).reduce((sum, arrival) => sum + arrival.bytes, 0);
  }

  async close(): Promise<void> {
    this.udp.close();
    for (const socket of this.#connections) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }
}
