import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImpairedDirection, NO_IMPAIRMENT } from '../support/netlab/impairment.js';
import { labUnavailable, NetLab, type LabHost } from '../support/netlab/lab.js';
import { flapping, PROFILES } from '../support/netlab/profiles.js';
import { EchoServers, runProbe, type TcpConnectResult, type UdpPingResult } from '../support/netlab/probe.js';

/*
 * The network lab every #15 lab test stands on: a namespace host behind an impaired link, measured from
 * inside the namespace against echo servers on the host side. If the link did not do what it is told, a
 * lab test's verdict about Tongke would mean nothing.
 */

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** An IPv4 header with the protocol and (for TCP/UDP) ports: what the filters look at. */
function ipv4(protocol: number, srcPort: number, dstPort: number, length = 60): Uint8Array {
  const packet = new Uint8Array(length);
  packet[0] = 0x45;
  packet[9] = protocol;
  packet.set([srcPort >> 8, srcPort & 0xff, dstPort >> 8, dstPort & 0xff], 20);
  return packet;
}

describe('an impaired direction (the forwarder’s logic, no kernel needed)', () => {
  it('queues behind the rate limit, tail-drops what does not fit, and never reorders under jitter', () => {
    const direction = new ImpairedDirection(() => 0.99);
    direction.set({ rateKbit: 800, queueBytes: 3_000, jitterMs: 10 }); // 100 bytes per ms
    const departures = [0, 1, 2, 3].map(() => direction.admit(ipv4(17, 1, 2, 1_000), 0));
    expect(departures.slice(0, 3).map((d) => ('departAt' in d ? Math.round(d.departAt) : d.dropped))).toEqual([20, 30, 40]);
    expect(departures[3]).toEqual({ dropped: 'queue' });
    expect(direction.counters.dropped.queue).toBe(1);
  });

  it('drops UDP when UDP is blocked, and everything but the allowed TCP ports when only those pass', () => {
    const direction = new ImpairedDirection();
    direction.set({ dropUdp: true });
    expect(direction.admit(ipv4(17, 5000, 3478), 0)).toEqual({ dropped: 'filter' });
    expect(direction.admit(ipv4(6, 5000, 3478), 0)).toEqual({ departAt: 0 });
    direction.set(PROFILES['tcp-443-only'].uplink);
    expect(direction.admit(ipv4(6, 40000, 443), 0)).toEqual({ departAt: 0 });
    expect(direction.admit(ipv4(6, 443, 40000), 0)).toEqual({ departAt: 0 });
    expect(direction.admit(ipv4(6, 40000, 44300), 0)).toEqual({ dropped: 'filter' });
    expect(direction.admit(ipv4(17, 40000, 443), 0)).toEqual({ dropped: 'filter' });
    direction.set(NO_IMPAIRMENT);
    expect(direction.admit(ipv4(17, 40000, 443), 0)).toEqual({ departAt: 0 });
  });
});

const unavailable = await labUnavailable();

describe.skipIf(unavailable !== null)(unavailable ? `the network lab (skipped: ${unavailable})` : 'the network lab', () => {
  let lab: NetLab;
  let site: LabHost;
  let echo: EchoServers;

  beforeAll(async () => {
    lab = await NetLab.open();
    site = await lab.addHost();
    echo = await EchoServers.start(site.hostAddress);
  });
  afterAll(async () => {
    try {
      await echo?.close();
    } finally {
      await lab?.close();
    }
  });

  const ping = (count: number, intervalMs: number) => runProbe<UdpPingResult>(site, 'udp-ping', site.hostAddress, echo.udpPort, count, intervalMs);
  const connect = (port: number, timeoutMs = 1_500) => runProbe<TcpConnectResult>(site, 'tcp-connect', site.hostAddress, port, timeoutMs);

  it('adds the configured delay each way: the round trip measured in the namespace is about twice it', async () => {
    const clean = await ping(10, 20);
    await site.set({ downlink: { delayMs: 60 }, uplink: { delayMs: 60 } });
    const delayed = await ping(10, 50);
    console.log(`netlab round trip: clean median ${median(clean.rttsMs).toFixed(1)} ms, with 60 ms each way ${median(delayed.rttsMs).toFixed(1)} ms`);
    expect(clean.received).toBe(10);
    expect(delayed.received).toBe(10);
    expect(median(delayed.rttsMs)).toBeGreaterThanOrEqual(120);
    expect(median(delayed.rttsMs)).toBeLessThan(120 + 80);
  });

  it('drops about the configured share of packets at random', async () => {
    await site.set({ downlink: { loss: 0.2 }, uplink: {} });
    const before = (await site.counters()).downlink.dropped.loss;
    const result = await ping(400, 4);
    const dropped = (await site.counters()).downlink.dropped.loss - before;
    console.log(`netlab loss: 20 % configured, ${(100 * (1 - result.received / result.sent)).toFixed(1)} % of pings lost (${dropped} dropped by the link)`);
    expect(result.received / result.sent).toBeGreaterThan(0.7);
    expect(result.received / result.sent).toBeLessThan(0.9);
    expect(result.sent - result.received).toBe(dropped);
  });

  it('holds throughput to the rate limit, queueing only as many bytes as configured', async () => {
    await site.set({ downlink: {}, uplink: { rateKbit: 1_000, queueBytes: 30_000 } });
    const connections = echo.arrivals.length;
    const upload = await runProbe<{ written: number }>(site, 'tcp-upload', site.hostAddress, echo.tcpPort, 3);
    const arrivals = echo.arrivals[connections] ?? [];
    const delivered = EchoServers.bytesWithin(arrivals, 2_500);
    const kbit = (delivered * 8) / 2_500;
    console.log(`netlab rate: 1000 kbit/s configured, ${kbit.toFixed(0)} kbit/s delivered over 2.5 s (the sender wrote ${upload.written} bytes)`);
    // 1 Mbit/s for 2.5 s is 312.5 kB; the queue adds at most its own 30 kB.
    expect(delivered).toBeLessThanOrEqual(312_500 + 30_000);
    expect(kbit).toBeGreaterThan(500);
  });

  it('udp-blocked: every UDP packet vanishes while TCP connects', async () => {
    await site.use('udp-blocked');
    const udp = await ping(10, 20);
    const tcp = await connect(echo.tcpPort);
    expect(udp.received).toBe(0);
    expect(tcp.connected).toBe(true);
    expect((await site.counters()).uplink.dropped.filter).toBeGreaterThanOrEqual(10);
  });

  it('tcp-443-only: TCP to port 443 connects; another TCP port and UDP vanish', async () => {
    const https = await EchoServers.start(site.hostAddress, 443);
    try {
      await site.use('tcp-443-only');
      expect((await connect(443)).connected).toBe(true);
      expect(await connect(echo.tcpPort)).toMatchObject({ connected: false, error: 'timeout' });
      expect((await ping(5, 20)).received).toBe(0);
    } finally {
      await https.close();
    }
  });

  it('goes down and comes back at run time, and flaps on a schedule the test sets', async () => {
    await site.use('clean');
    await site.setDown(true);
    expect((await ping(10, 20)).received).toBe(0);
    await site.setDown(false);
    expect((await ping(10, 20)).received).toBe(10);

    const flapsBefore = site.flaps.length;
    const pinging = ping(50, 40); // 2 s of pings: 0.8 s of them into a dead link
    await once(echo.udp, 'message'); // the probe has started (a process start takes a while on a busy machine)
    await site.use(flapping({ everyMs: 60_000, downMs: [800, 800], firstAfterMs: 200 }));
    const during = await pinging;
    await site.use('clean');
    const flaps = site.flaps.slice(flapsBefore);
    console.log(`netlab flapping: ${during.received}/${during.sent} pings answered; down for ${flaps[1] && flaps[0] ? flaps[1].at - flaps[0].at : '?'} ms`);
    expect(flaps.map((flap) => flap.down)).toEqual([true, false]);
    expect(flaps[1]!.at - flaps[0]!.at).toBeGreaterThanOrEqual(700);
    expect(during.received).toBeLessThan(50 - 10);
    expect(during.received).toBeGreaterThan(10);
  });

  it('leaves no namespace, device or forwarder behind when closed, and removes what a killed run left', async () => {
    const extra = await NetLab.open();
    const host = await extra.addHost('village-4g');
    // Its default route reaches the other slot's host-side address too (the e2e server is reached that way).
    expect(await runProbe<TcpConnectResult>(host, 'tcp-connect', site.hostAddress, echo.tcpPort, 3_000)).toMatchObject({ connected: true });
    await extra.close();
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toMatch(new RegExp(`^${host.namespace}\\b`, 'm'));
    expect(existsSync(`/sys/class/net/${host.namespace}h`)).toBe(false);

    // A run killed before it could close: its namespace stays, its owner is a process that no longer exists.
    const dead = spawnSync('true').pid!;
    const stale = 'tk-lab-241';
    expect(spawnSync('ip', ['netns', 'add', stale]).status).toBe(0);
    mkdirSync('/run/tk-lab', { recursive: true });
    writeFileSync('/run/tk-lab/241.owner', String(dead));
    await (await NetLab.open()).close();
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toMatch(/^tk-lab-241\b/m);
    expect(existsSync('/run/tk-lab/241.owner')).toBe(false);
  });
});
