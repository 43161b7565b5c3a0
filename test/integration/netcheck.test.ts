import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OPEN_PROBES_PER_ACCOUNT, MAX_SAMPLE_BYTES, type NetcheckPlan, type ProbeOpened, type ProbeState } from '../../shared/api/netcheck.js';
import { stunBindingRequest } from '../../media/testing/rtp.js';
import { NetworkCheckService } from '../../server/netcheck/service.js';
import type { TestClient } from '../support/app.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The pre-join network check's routes against a real media worker: probes are real WebRtcTransports on the
 * lesson ports (UDP-only or TCP-only, reached here by a STUN binding as a browser's ICE agent sends it),
 * belong to the account that opened them, are bounded and close; samples are bounded, uncached and rate limited.
 */

interface Candidate {
  protocol: 'udp' | 'tcp';
  ip: string;
  port: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pre-join network check routes', () => {
  let f: OrganisationFixture;
  let classroom: TestClient;
  const routers = () => f.t.media!.workers.reduce((sum, worker) => sum + worker.routerCount, 0);

  const open = async (client: TestClient, kind: string) => client.post('/api/netcheck/probes', { kind });
  const stateOf = async (client: TestClient, probeId: string) => (await client.get(`/api/netcheck/probes/${probeId}`)).json() as ProbeState;
  /** Waits (bounded) until the media server has selected an ICE pair for the probe. */
  const selected = async (client: TestClient, probeId: string): Promise<ProbeState> => {
    for (let i = 0; i < 50; i++) {
      const state = await stateOf(client, probeId);
      if (state.protocol !== null) return state;
      await sleep(40);
    }
    return stateOf(client, probeId);
  };

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true });
    classroom = await f.as('classroom_device');
  });
  afterAll(() => f.close());

  it('answers only signed-in callers', async () => {
    const anonymous = await f.as('anonymous');
    for (const url of ['/api/netcheck/plan', '/api/netcheck/ping', '/api/netcheck/download?bytes=10']) expect((await anonymous.get(url)).statusCode).toBe(401);
    expect((await open(anonymous, 'udp')).statusCode).toBe(401);
    expect(routers()).toBe(0);
  });

  it('tells the media ports a school firewall must allow, and that TURN is not configured here', async () => {
    const plan = (await classroom.get('/api/netcheck/plan')).json() as NetcheckPlan;
    const port = f.t.media!.workers[0]!.webRtcServerPort;
    expect(port).not.toBeNull();
    expect(plan).toEqual({ turnConfigured: false, mediaPorts: { udp: [port], tcp: [port] }, turnUrls: [], mediaAvailable: true });
    expect((await open(classroom, 'turn')).statusCode).toBe(409);
  });

  it('opens a UDP-only probe on the lesson port that a STUN binding over UDP connects, then closes it', async () => {
    const before = routers();
    const response = await open(classroom, 'udp');
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toContain('no-store');
    const probe = response.json() as ProbeOpened;
    const candidates = probe.iceCandidates as Candidate[];
    expect(candidates.map((c) => c.protocol)).toEqual(['udp']);
    expect(candidates[0]!.port).toBe(f.t.media!.workers[0]!.webRtcServerPort);
    expect(probe.iceTransportPolicy).toBe('all');
    expect(routers()).toBe(before + 1);

    const ice = probe.iceParameters as { usernameFragment: string; password: string };
    const socket = createSocket('udp4');
    try {
      socket.send(stunBindingRequest(ice.usernameFragment, ice.password), candidates[0]!.port, candidates[0]!.ip);
      expect(await selected(classroom, probe.probeId)).toMatchObject({ protocol: 'udp' });
    } finally {
      socket.close();
    }
    // Another account cannot see, connect or close it.
    const teacher = await f.as('teacher');
    expect((await teacher.get(`/api/netcheck/probes/${probe.probeId}`)).statusCode).toBe(404);
    expect((await teacher.delete(`/api/netcheck/probes/${probe.probeId}`)).statusCode).toBe(404);

    expect((await classroom.delete(`/api/netcheck/probes/${probe.probeId}`)).statusCode).toBe(204);
    expect(routers()).toBe(before);
    expect((await classroom.get(`/api/netcheck/probes/${probe.probeId}`)).statusCode).toBe(404);
  });

  it('opens a TCP-only probe that ICE over TCP reaches', async () => {
    const probe = (await open(classroom, 'tcp')).json() as ProbeOpened;
    const candidates = probe.iceCandidates as Candidate[];
    expect(candidates.map((c) => c.protocol)).toEqual(['tcp']);
    const ice = probe.iceParameters as { usernameFragment: string; password: string };
    const socket = connect(candidates[0]!.port, candidates[0]!.ip);
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      // ICE-TCP frames every STUN message with its length (RFC 4571).
      const stun = stunBindingRequest(ice.usernameFragment, ice.password);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(stun.length, 0);
      socket.write(Buffer.concat([length, stun]));
      expect(await selected(classroom, probe.probeId)).toMatchObject({ protocol: 'tcp' });
    } finally {
      socket.destroy();
      await classroom.delete(`/api/netcheck/probes/${probe.probeId}`);
    }
  });

  it(`keeps at most ${MAX_OPEN_PROBES_PER_ACCOUNT} probes open per account`, async () => {
    const before = routers();
    const opened: string[] = [];
    for (let i = 0; i < MAX_OPEN_PROBES_PER_ACCOUNT; i++) opened.push(((await open(classroom, 'udp')).json() as ProbeOpened).probeId);
    expect((await open(classroom, 'udp')).statusCode).toBe(429);
    // Another account is not held back by hers.
    const student = await f.as('student');
    const theirs = (await open(student, 'tcp')).json() as ProbeOpened;
    await student.delete(`/api/netcheck/probes/${theirs.probeId}`);

    await classroom.delete(`/api/netcheck/probes/${opened.pop()!}`);
    opened.push(((await open(classroom, 'udp')).json() as ProbeOpened).probeId);
    for (const id of opened) expect((await classroom.delete(`/api/netcheck/probes/${id}`)).statusCode).toBe(204);
    expect(routers()).toBe(before);
  });

  it('refuses malformed requests and changes nothing', async () => {
    const before = routers();
    expect((await open(classroom, 'sctp')).statusCode).toBe(400);
    expect((await classroom.post('/api/netcheck/probes', { kind: 'udp', extra: 1 })).statusCode).toBe(400);
    expect((await classroom.get('/api/netcheck/probes/not-a-probe')).statusCode).toBe(404);
    expect((await classroom.get(`/api/netcheck/probes/${'x'.repeat(65)}`)).statusCode).toBe(400);
    expect((await classroom.post(`/api/netcheck/probes/${'0'.repeat(36)}/connect`, { dtlsParameters: 'sha-256' })).statusCode).toBe(400);
    const probe = (await open(classroom, 'udp')).json() as ProbeOpened;
    expect((await classroom.post(`/api/netcheck/probes/${probe.probeId}/connect`, { dtlsParameters: { fingerprints: [] } })).statusCode).toBe(400);
    const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }] };
    expect((await classroom.post(`/api/netcheck/probes/${probe.probeId}/connect`, { dtlsParameters })).statusCode).toBe(200);
    expect((await classroom.post(`/api/netcheck/probes/${probe.probeId}/connect`, { dtlsParameters })).statusCode).toBe(409);
    await classroom.delete(`/api/netcheck/probes/${probe.probeId}`);
    expect(routers()).toBe(before);
    expect((await classroom.get('/api/netcheck/download?bytes=0')).statusCode).toBe(400);
    expect((await classroom.get(`/api/netcheck/download?bytes=${MAX_SAMPLE_BYTES + 1}`)).statusCode).toBe(400);
  });

  it('sends and accepts bounded, uncached samples for the throughput estimate', async () => {
    const teacher = await f.as('teacher');
    const download = await teacher.get('/api/netcheck/download?bytes=65536');
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.length).toBe(65536);
    expect(download.headers['cache-control']).toContain('no-store');
    const upload = await teacher.request('POST', '/api/netcheck/upload', Buffer.alloc(100_000, 1), { 'content-type': 'application/octet-stream' });
    expect(upload.json()).toEqual({ bytes: 100_000 });
    const tooBig = await teacher.request('POST', '/api/netcheck/upload', Buffer.alloc(MAX_SAMPLE_BYTES + 1, 1), { 'content-type': 'application/octet-stream' });
    expect(tooBig.statusCode).toBe(413);
  });

  it('rate limits round-trip samples per account', async () => {
    const admin = await f.as('school_admin');
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await admin.get('/api/netcheck/ping')).statusCode);
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
  });

  it('closes a probe the browser abandons after its lifetime, and offers TURN with a relay-only policy when configured', async () => {
    const config = { ...f.t.config, turnUrls: 'turn:turn.example.edu.cn:3478?transport=udp', turnUsername: 'tongke', turnCredential: 'secret' };
    const service = new NetworkCheckService(f.t.media, config, 150);
    const before = routers();
    const turn = await service.open(7, 'turn');
    expect(turn.iceTransportPolicy).toBe('relay');
    expect(turn.iceServers).toEqual([{ urls: ['turn:turn.example.edu.cn:3478?transport=udp'], username: 'tongke', credential: 'secret' }]);
    expect((turn.iceCandidates as Candidate[]).map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(service.plan()).toMatchObject({ turnConfigured: true, turnUrls: ['turn:turn.example.edu.cn:3478?transport=udp'] });
    expect(routers()).toBe(before + 1);
    for (let i = 0; i < 40 && service.openProbeCount > 0; i++) await sleep(25);
    expect(service.openProbeCount).toBe(0);
    expect(routers()).toBe(before);
  });
});
