import { afterEach, describe, expect, it } from 'vitest';
import { MediaPoolError, MediaWorkerPool, type MediaWorkerPoolOptions } from './index.js';
import { recordingLogger, type LogEntry } from './testing/lesson.js';
import { LOOPBACK } from './testing/rtp.js';

/**
 * Pre-join network probes: a transport on the lesson ports that only UDP, or only ICE-TCP, can reach; its
 * own router, gone when the probe closes; and a TCP probe refused by workers that do not accept ICE over TCP.
 */
describe('NetworkProbe', () => {
  let pool: MediaWorkerPool | null = null;
  const logs: LogEntry[] = [];
  const options = (overrides: Partial<MediaWorkerPoolOptions> = {}): MediaWorkerPoolOptions => ({
    workerCount: 1,
    rtcMinPort: 54600,
    rtcMaxPort: 54699,
    listenIp: LOOPBACK,
    logLevel: 'warn',
    logger: recordingLogger(logs),
    ...overrides,
  });
  afterEach(() => {
    pool?.close();
    pool = null;
  });

  it('offers only the asked protocol, on the worker WebRtcServer port, and closes its router once', async () => {
    pool = await MediaWorkerPool.create(options());
    const port = pool.workers[0]!.webRtcServerPort;
    const udp = await pool.openNetworkProbe('udp');
    const tcp = await pool.openNetworkProbe('tcp');
    const either = await pool.openNetworkProbe('any');
    expect(udp.parameters.iceCandidates.map((c) => [c.protocol, c.port])).toEqual([['udp', port]]);
    expect(tcp.parameters.iceCandidates.map((c) => [c.protocol, c.port])).toEqual([['tcp', port]]);
    expect(either.parameters.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(udp.parameters.sctpParameters.port).toBeGreaterThan(0);
    expect(udp.state).toEqual({ ice: 'new', dtls: 'new', protocol: null });
    expect(pool.workers[0]!.routerCount).toBe(3);

    let closedEvents = 0;
    udp.on('closed', () => closedEvents++);
    udp.close();
    udp.close();
    expect(udp.closed).toBe(true);
    expect(closedEvents).toBe(1);
    tcp.close();
    either.close();
    expect(pool.workers[0]!.routerCount).toBe(0);
  });

  it('refuses a TCP probe when the workers do not accept ICE over TCP, leaving no router behind', async () => {
    pool = await MediaWorkerPool.create(options({ enableTcp: false }));
    const refused = await pool.openNetworkProbe('tcp').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MediaPoolError);
    expect((refused as MediaPoolError).code).toBe('tcp-disabled');
    expect(pool.workers[0]!.routerCount).toBe(0);
    const udp = await pool.openNetworkProbe('any');
    expect(udp.parameters.iceCandidates.map((c) => c.protocol)).toEqual(['udp']);
    udp.close();
  });
});
