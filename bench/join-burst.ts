/**
 * Join burst: K Socket.IO clients, each signed in as its own enrolled student, join one live lesson at
 * once and do what the page does up to receiving every producer: lesson:capabilities → lesson:join with
 * `receive` (recv transport and paused consumers in the ack) → consumers:resume. The server runs in this
 * process (createTestApp with real media and a listening port), so its event-loop delay can be sampled; the
 * clients run in a child process (join-burst-clients.ts), as classrooms are other machines. The baseline is
 * the bare mediasoup calls those joins need — createWebRtcTransport + consume per producer + resume — made
 * directly on a router of the same pool, K at once.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { courseStudents } from '../server/db/schema/index.js';
import type { TongkeApp } from '../server/core/app-types.js';
import type { Router } from '../media/index.js';
import { FIXTURE_PASSWORD, createOrganisationFixture, type OrganisationFixture } from '../test/support/fixtures.js';
import { freeRtcRange } from '../test/support/app.js';
import { LessonSocket } from '../test/support/lesson-socket.js';
import type { BurstOrder, FromClients, ToClients } from './join-burst-clients.js';
import { HelperProcess } from './helper-process.js';
import { ratios, round, type BenchResult, type Benchmark } from './result.js';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }, { ssrc: 22222223 }] };
/** Sign-ins run a few at a time: argon2 is slow on purpose and this is set-up, not the measurement. */
export const SIGN_IN_CONCURRENCY = 4;

export interface BurstFigures {
  clients: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Event-loop delay of this process (the server's) during the burst. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** CPU time this process (the server's, or the baseline's calls) spent during the burst, per join: steadier than latency on a busy machine. */
  cpuMsPerJoin: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function phaseP95s(phases: Record<string, number[]>): Record<string, number> {
  return Object.fromEntries(Object.entries(phases).map(([name, times]) => [`${name}P95Ms`, round(percentile([...times].sort((a, b) => a - b), 95), 1)]));
}

/** The event-loop delay of this process while `during` runs, with the latencies it returns. */
export async function burstFigures(clients: number, during: () => Promise<number[]>): Promise<BurstFigures> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const latencies = await during();
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    clients,
    p50Ms: round(percentile(sorted, 50), 1),
    p95Ms: round(percentile(sorted, 95), 1),
    p99Ms: round(percentile(sorted, 99), 1),
    maxMs: round(sorted.at(-1) ?? 0, 1),
    loopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
    loopDelayMaxMs: round(loop.max / 1e6, 1),
    cpuMsPerJoin: round((cpu.user + cpu.system) / 1000 / clients, 2),
  };
}

/** Runs `join` for every index at once, in this process (the bare mediasoup baseline); resolves with each latency. */
function allAtOnce(clients: number, join: (index: number) => Promise<void>): Promise<number[]> {
  return Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      const startedAt = performance.now();
      await join(index);
      return performance.now() - startedAt;
    }),
  );
}

/**
 * Signs in through the real login route. Each client comes from its own loopback address, as K classrooms
 * would, so the per-address sign-in rate limit applies to each as in production.
 */
export async function signIn(app: TongkeApp, username: string, remoteAddress: string): Promise<string> {
  const cookies = new Map<string, string>();
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (set: ReadonlyArray<{ name: string; value: string }>) => {
    for (const c of set) cookies.set(c.name, c.value);
  };
  const csrf = await app.inject({ method: 'GET', url: '/api/auth/csrf', remoteAddress });
  keep(csrf.cookies);
  const token = (csrf.json() as { token: string }).token;
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress,
    headers: { cookie: header(), 'x-csrf-token': token },
    payload: { username, password: FIXTURE_PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${login.statusCode} ${login.body}`);
  keep(login.cookies);
  return header();
}

/** K student accounts enrolled in the fixture's course, signed in; returns their session cookies. */
async function enrolledStudents(f: OrganisationFixture, count: number): Promise<string[]> {
  const cookies: string[] = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const username = `bench-student-${i}`;
      const userId = await f.addUser(username, 'student', { schoolId: f.ids.teachingPointId });
      await f.db.insert(courseStudents).values({ courseId: f.ids.courseId, studentId: userId });
      cookies[i] = await signIn(f.t.app, username, `127.0.${1 + (i >> 8)}.${1 + (i & 0xff)}`);
    }
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, worker));
  return cookies;
}

async function tongkeBurst(order: BurstOrder): Promise<BurstFigures & Record<string, number>> {
  const clients = HelperProcess.start<ToClients, FromClients>(new URL('./join-burst-clients.ts', import.meta.url), 'the join-burst clients');
  try {
    await clients.ask({ type: 'burst', order });
    let phases: Record<string, number[]> = {};
    const figures = await burstFigures(order.cookies.length, async () => {
      const answer = await clients.ask({ type: 'go' });
      if (answer.type !== 'done') throw new Error(`unexpected answer from the bench clients: ${answer.type}`);
      phases = answer.phases;
      return answer.latencies;
    });
    // The clients leave the lesson before they go: the next burst starts from an empty lesson.
    await clients.ask({ type: 'leave' });
    return { ...figures, ...phaseP95s(phases) };
  } finally {
    await clients.close();
  }
}

export async function rawBurst(router: Router, producerIds: readonly string[], clients: number): Promise<BurstFigures> {
  const transports: Array<{ close(): void }> = [];
  try {
    return await burstFigures(clients, () => allAtOnce(clients, async () => {
      const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true, enableTcp: true, preferUdp: true });
      transports.push(transport);
      await Promise.all(
        producerIds.map(async (producerId) => {
          const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
          await consumer.resume();
        }),
      );
    }));
  } finally {
    for (const t of transports) t.close();
  }
}

/** `sizes` overrides the K's run (for profiling one size); the registered bench runs 50 and 200 (5 when quick). */
export async function runJoinBurst(options: { quick: boolean; sizes?: number[] }): Promise<BenchResult> {
  const sizes = options.sizes ?? (options.quick ? [5] : [50, 200]);
  // The baseline's transports take a port each (UDP and TCP): K = 200 needs more than a test's 100-port block.
  const f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 1 }, await freeRtcRange(1, 1000));
  const tongke: BurstFigures[] = [];
  const raw: BurstFigures[] = [];
  const teacherSockets: LessonSocket[] = [];
  try {
    const baseUrl = f.t.baseUrl!;
    const courseId = f.ids.courseId;
    const teacher = new LessonSocket(baseUrl, (await f.as('teacher')).cookieHeader());
    teacherSockets.push(teacher);
    await teacher.connected();
    await teacher.request('lesson:start', { courseId });
    const { routerRtpCapabilities } = await teacher.request('lesson:capabilities', { courseId });
    await teacher.request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } });
    // A send WebRtcTransport accepts producers before DTLS completes, as the gateway test relies on.
    const send = await teacher.request('transport:create', { direction: 'send' });
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });
    await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    const cookies = await enrolledStudents(f, Math.max(...sizes));

    const router = await f.t.media!.createRouter();
    try {
      const rawSend = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }] });
      const producers = [await rawSend.produce({ kind: 'audio', rtpParameters: OPUS }), await rawSend.produce({ kind: 'video', rtpParameters: VP8 })];
      for (const clients of sizes) {
        tongke.push(await tongkeBurst({ baseUrl, courseId, cookies: cookies.slice(0, clients) }));
        raw.push(await rawBurst(router, producers.map((p) => p.id), clients));
      }
    } finally {
      router.close();
    }
    await teacher.request('lesson:end', {});
  } finally {
    for (const s of teacherSockets) s.close();
    await f.close();
  }
  const largest = (list: BurstFigures[]) => list.at(-1)!;
  const pick = (b: BurstFigures) => ({ p50Ms: b.p50Ms, p95Ms: b.p95Ms, p99Ms: b.p99Ms, loopDelayP99Ms: b.loopDelayP99Ms, cpuMsPerJoin: b.cpuMsPerJoin });
  const figures = pick(largest(tongke));
  const baseline = pick(largest(raw));
  return {
    name: 'join-burst',
    parameters: { clients: sizes, producers: 2, workers: 1 },
    figures,
    baseline,
    ratio: ratios(figures, baseline),
    steps: [...tongke.map((s) => ({ side: 'tongke', ...s })), ...raw.map((s) => ({ side: 'raw', ...s }))],
    notes: [
      'Figures are for the largest K; steps hold every K.',
      'No DTLS: Node has no WebRTC stack, so transports are created but never connected; the join ends at consumers:resume.',
      'The Socket.IO clients run in a child process (since 2026-11-29): the loop delay is the server process\'s own; the baseline runs in the server process.',
      'A join is 3 requests (capabilities, join with the recv transport and paused consumers in its ack, one batched resume); it was 4 + 2 per producer.',
      'A student is shown the teacher, herself and the stage (since 2026-11-30): her snapshot and the changes she hears stay that size; before, every join listed and was sent to every site (K² bytes).',
      'The baseline uses per-transport ports (listenIps); Tongke uses the worker WebRtcServer.',
      'Clients are connected (Socket.IO handshake) before the burst; sign-in (argon2) is set-up, not measured.',
    ],
  };
}

export const joinBurstBenchmark: Benchmark = {
  name: 'join-burst',
  description: 'K clients join a live lesson at once, up to consuming every producer: p50/p95/p99; vs bare mediasoup',
  run: runJoinBurst,
};
