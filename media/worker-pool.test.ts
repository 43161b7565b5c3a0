import dgram from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  MediaPoolError,
  MediaWorkerPool,
  type MediaLogger,
  type MediaWorkerPoolEvents,
  type Router,
} from './index.js';

const LOOPBACK = '127.0.0.1';
const OPUS_PAYLOAD_TYPE = 100;
const PRODUCER_SSRC = 0x1234_5678;
const PACKET_COUNT = 50;
/** An Opus TOC byte plus a tiny frame; the worker forwards the payload untouched. */
const OPUS_PAYLOAD = Buffer.from([0xf8, 0xff, 0xfe, 0x01, 0x02, 0x03]);

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function recordingLogger(entries: LogEntry[]): MediaLogger {
  return {
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function nextEvent<K extends keyof MediaWorkerPoolEvents>(
  pool: MediaWorkerPool,
  event: K,
): Promise<MediaWorkerPoolEvents[K]> {
  return once(pool, event) as Promise<MediaWorkerPoolEvents[K]>;
}

function rtpPacket(sequenceNumber: number, timestamp: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80; // version 2, no padding, no extension, no CSRCs
  header[1] = OPUS_PAYLOAD_TYPE;
  header.writeUInt16BE(sequenceNumber, 2);
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(PRODUCER_SSRC, 8);
  return Buffer.concat([header, OPUS_PAYLOAD]);
}

/** The payload after the fixed header, CSRCs and header extensions (the worker adds its own). */
function rtpPayload(packet: Buffer): Buffer {
  const first = packet[0] ?? 0;
  let offset = 12 + 4 * (first & 0x0f);
  if (first & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  return packet.subarray(offset);
}

/** RTCP packet types 192–223 share the RTP port under rtcp-mux (RFC 5761). */
function isRtp(packet: Buffer): boolean {
  const secondByte = packet[1] ?? 0;
  return packet.length >= 12 && (packet[0] ?? 0) >> 6 === 2 && (secondByte < 192 || secondByte > 223);
}

async function udpSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, LOOPBACK);
  await once(socket, 'listening');
  return socket;
}

describe('MediaWorkerPool', () => {
  let pool: MediaWorkerPool;
  let logs: LogEntry[];
  const sockets: dgram.Socket[] = [];

  beforeEach(async () => {
    logs = [];
    pool = await MediaWorkerPool.create({
      workerCount: 2,
      rtcMinPort: 47000,
      rtcMaxPort: 47999,
      logLevel: 'warn',
      logger: recordingLogger(logs),
    });
  });

  afterEach(() => {
    pool.close();
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('starts the requested workers', () => {
    expect(pool.alive).toBe(true);
    expect(pool.workers).toHaveLength(2);
    for (const worker of pool.workers) {
      expect(worker.alive).toBe(true);
      expect(() => process.kill(worker.pid, 0)).not.toThrow();
    }
  });

  it('routes RTP from a producer to a consumer through a pooled router', async () => {
    const router = await pool.createRouter();
    const [source, sink] = [await udpSocket(), await udpSocket()];
    sockets.push(source, sink);

    const ingress = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: true });
    const egress = await router.createPlainTransport({ listenIp: LOOPBACK, rtcpMux: true, comedia: false });
    await egress.connect({ ip: LOOPBACK, port: (sink.address() as AddressInfo).port });

    const producer = await ingress.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: OPUS_PAYLOAD_TYPE }],
        encodings: [{ ssrc: PRODUCER_SSRC }],
      },
    });
    const consumer = await egress.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
      paused: true,
    });
    await consumer.resume();

    const received: Buffer[] = [];
    const enoughReceived = new Promise<void>((resolve) => {
      sink.on('message', (packet) => {
        if (!isRtp(packet)) return;
        received.push(packet);
        if (received.length >= PACKET_COUNT * 0.8) resolve();
      });
    });

    const ingressPort = ingress.tuple.localPort;
    for (let i = 0; i < PACKET_COUNT; i++) {
      source.send(rtpPacket(1000 + i, 960 * i), ingressPort, LOOPBACK);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await withTimeout(enoughReceived, 5000, 'RTP at the consumer sink');

    const consumerSsrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    const consumerPayloadType = consumer.rtpParameters.codecs[0]?.payloadType;
    for (const packet of received) {
      expect(packet.readUInt32BE(8)).toBe(consumerSsrc);
      expect((packet[1] ?? 0) & 0x7f).toBe(consumerPayloadType);
      expect(rtpPayload(packet)).toEqual(OPUS_PAYLOAD);
    }
    expect(pool.workers.map((worker) => worker.routerCount)).toEqual([1, 0]);
  });

  it('puts each new router on the worker with the fewest routers', async () => {
    // Requested together, as when several lessons start at once.
    const routers: Router[] = await Promise.all(Array.from({ length: 4 }, () => pool.createRouter()));
    expect(pool.workers.map((worker) => worker.routerCount)).toEqual([2, 2]);

    routers[0]?.close();
    routers[1]?.close();
    const next = await pool.createRouter();
    expect(pool.workers.map((worker) => worker.routerCount).reduce((a, b) => a + b)).toBe(3);
    expect(Math.max(...pool.workers.map((worker) => worker.routerCount))).toBe(2);
    expect(next.closed).toBe(false);
  });

  it('reports a killed worker and replaces it', async () => {
    const router = await pool.createRouter();
    const victim = pool.workers.find((worker) => worker.routerCount === 1);
    if (!victim) throw new Error('the new router is not counted on any worker');
    const { index, pid } = victim;

    const died = nextEvent(pool, 'worker-died');
    const replaced = nextEvent(pool, 'worker-replaced');
    process.kill(pid, 'SIGKILL');

    const [death] = await withTimeout(died, 5000, "'worker-died'");
    expect(death).toMatchObject({ index, pid });
    expect(router.closed).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('died') }));

    const [replacement] = await withTimeout(replaced, 10_000, "'worker-replaced'");
    expect(replacement).toMatchObject({ index, previousPid: pid });
    expect(pool.alive).toBe(true);
    expect(pool.workers[index]).toMatchObject({ alive: true, routerCount: 0, pid: replacement.pid });
    expect(replacement.pid).not.toBe(pid);

    const newRouter = await pool.createRouter();
    expect(newRouter.closed).toBe(false);
  });

  it('closes once, emits closed, and refuses new routers afterwards', async () => {
    let closedEvents = 0;
    pool.on('closed', () => closedEvents++);

    pool.close();
    pool.close();

    expect(closedEvents).toBe(1);
    expect(pool.alive).toBe(false);
    await expect(pool.createRouter()).rejects.toMatchObject({ code: 'pool-closed' });
    await expect(pool.createRouter()).rejects.toBeInstanceOf(MediaPoolError);
  });
});
