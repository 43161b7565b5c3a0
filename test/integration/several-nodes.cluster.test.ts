import { and, asc, eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, lessonSessions } from '../../server/db/schema/index.js';
import type { Ack, LessonRequestData, LessonRequestName, LessonRequestPayload } from '../../shared/lesson/protocol.js';
import { NODE_HINT } from '../../shared/lesson/protocol.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';
import { recordedEnd } from '../support/lesson-socket.js';
import { startNginx, type NginxServer } from '../support/nginx-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { ServerProcess, signInAt } from '../support/server-process.js';

/** The page's Socket.IO reconnection delays (client/lib/lesson/connection.ts). */
const RECONNECT_MS = 500;
const RECONNECT_MAX_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A site as the lesson page is (client/lib/lesson/connection.ts): its socket goes through the proxy; a
 * `lesson_elsewhere` sends it to the node named (the node hint nginx routes by); a connection that fails
 * drops the hint, so that any live node answers next. After a drop, the page joins again.
 */
class Site {
  node: string | null;
  /** Every node a `lesson_elsewhere` sent this site to, in order. */
  readonly sentTo: string[] = [];
  #socket: Socket | null = null;

  constructor(
    readonly proxyUrl: string,
    readonly cookie: string,
    node: string | null = null,
  ) {
    this.node = node;
  }

  get connected(): boolean {
    return this.#socket?.connected ?? false;
  }

  /**
   * Sends a request as the page does, following the lesson to its node, until `deadline` (epoch ms). It waits
   * before each new connection as the page's Socket.IO client does (500 ms, doubling up to 3 s while they
   * fail): the per-account request quotas are sized for that pace, not for a tight loop.
   */
  async request<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>, deadline = Date.now() + 15_000): Promise<LessonRequestData<K>> {
    for (let failed = 0; ; ) {
      if (Date.now() > deadline) throw new Error(`${name}: no node answered it in time (last hint ${this.node})`);
      const socket = await this.#connect();
      if (!socket) {
        await sleep(Math.min(RECONNECT_MS * 2 ** failed++, RECONNECT_MAX_MS));
        continue;
      }
      const ack = await ask(socket, name, payload);
      if (ack === null) {
        await sleep(RECONNECT_MS); // the link dropped on the way
        continue;
      }
      if (ack.ok) return ack.data;
      if (ack.error.code !== 'lesson_elsewhere') throw new Error(`${name} refused: ${ack.error.code} ${ack.error.message}`);
      this.node = ack.error.node ?? null;
      this.sentTo.push(this.node ?? '(none)');
      this.close();
      await sleep(RECONNECT_MS);
    }
  }

  async join(courseId: number, deadline?: number): Promise<LessonRequestData<'lesson:join'>> {
    const { routerRtpCapabilities } = await this.request('lesson:capabilities', { courseId }, deadline);
    return this.request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } }, deadline);
  }

  close(): void {
    this.#socket?.close();
    this.#socket = null;
  }

  async #connect(): Promise<Socket | null> {
    if (this.#socket?.connected) return this.#socket;
    this.close();
    const socket = io(`${this.proxyUrl}/lesson`, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: this.cookie },
      query: this.node ? { [NODE_HINT]: this.node } : {},
      reconnection: false,
      forceNew: true,
    });
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (!connected) {
      socket.close();
      this.node = null;
      return null;
    }
    this.#socket = socket;
    return socket;
  }
}

/** The ack, or null when the link dropped (or stayed silent 5 s) before it came. */
function ask<K extends LessonRequestName>(socket: Socket, name: K, payload: LessonRequestPayload<K>): Promise<Ack<LessonRequestData<K>> | null> {
  return new Promise((resolve) => {
    const done = (ack: Ack<LessonRequestData<K>> | null) => {
      clearTimeout(timer);
      socket.off('disconnect', dropped);
      resolve(ack);
    };
    const dropped = () => done(null);
    const timer = setTimeout(dropped, 5_000);
    socket.once('disconnect', dropped);
    socket.emit(name, payload, done);
  });
}

/*
 * Two real nodes (their own processes, media workers and HTTP) share one PostgreSQL and one Redis behind one
 * nginx configured as the README says. A lesson is placed on node A, a classroom reaches it through node B,
 * node A is killed with SIGKILL, and the lesson goes on on node B: same lesson session, same participants,
 * one attendance interval per site.
 */
describe('several nodes behind one address', () => {
  let f: OrganisationFixture;
  let redis: RedisServer;
  let proxy: NginxServer;
  const nodes = new Map<string, ServerProcess>();
  const sites: Site[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture();
    // A pupil of the region, none of the course's: a viewer of its broadcast (直播).
    await f.addUser('pupil-home', 'student', { schoolId: f.ids.independentSchoolId });
    redis = await startRedis();
    const shared = {
      TONGKE_DATABASE_URL: f.t.config.databaseUrl,
      TONGKE_REDIS_URL: redis.url,
      TONGKE_SESSION_SECRET: 'several-nodes-one-secret-of-forty-chars!',
      TONGKE_TRUST_PROXY: 'true',
      TONGKE_LOG_LEVEL: 'info',
    };
    for (const nodeId of ['node-a', 'node-b']) nodes.set(nodeId, await ServerProcess.start(f.t.config.dbPath, { ...shared, TONGKE_NODE_ID: nodeId }));
    proxy = await startNginx([...nodes].map(([nodeId, node]) => ({ nodeId, address: new URL(node.baseUrl).host })));
  }, 120_000);

  afterAll(async () => {
    for (const site of sites) site.close();
    for (const node of nodes.values()) await node.stop();
    await proxy?.stop();
    await redis?.stop();
    await f?.close();
  });

  const site = async (username: string, node: string | null = null) => {
    const s = new Site(proxy.baseUrl, await signInAt(proxy.baseUrl, username, FIXTURE_PASSWORD), node);
    sites.push(s);
    return s;
  };
  const attendance = (lessonSessionId: number) =>
    f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(attendanceIntervals.id));
  const until = async <T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('places a lesson on one node, sends sites there, and re-places it on a live node when that node is killed', async () => {
    const courseId = f.ids.courseId;
    // Both nodes idle: the lesson goes to the least loaded with the lowest id, whichever node the teacher reached.
    const teacher = await site('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId, broadcast: true });
    const [placed] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    expect(placed?.nodeId).toBe('node-a');
    const teacherJoin = await teacher.join(courseId);

    // The classroom's socket reaches node B, which sends it to node A.
    const classroom = await site('assistant', 'node-b');
    const classroomJoin = await classroom.join(courseId);
    expect(classroom.sentTo).toEqual(['node-a']);
    expect(classroomJoin.snapshot.participants.map((p) => p.id).sort()).toEqual([teacherJoin.participantId, classroomJoin.participantId].sort());
    const viewer = await site('pupil-home');
    const viewerJoin = await viewer.join(courseId);
    // Every node lists it among the live lessons, not only the node that runs it.
    const listed = await fetch(`${nodes.get('node-b')!.baseUrl}/api/lessons/live`, { headers: { cookie: teacher.cookie } });
    expect(((await listed.json()) as { lessons: Array<{ lessonSessionId: number }> }).lessons.map((l) => l.lessonSessionId)).toEqual([lessonSessionId]);
    // Both sites' attendance is open in the store (the evidence is written within about a second).
    const before = await until('the three intervals open', () => attendance(lessonSessionId), (rows) => rows.length === 3);
    expect(before.every((row) => row.leftAt === null)).toBe(true);

    const killedAt = Date.now();
    await nodes.get('node-a')!.kill9();
    nodes.delete('node-a');

    // The page notices the drop and joins again, through the proxy, for as long as it takes.
    const [teacherBack, classroomBack, viewerBack] = await Promise.all([teacher, classroom, viewer].map((s) => s.join(courseId, killedAt + 20_000)));
    const backAt = Date.now();
    // The bound is on the re-placing: node B took the lesson over within 10 s of the kill (its lease
    // runs out 6 s after its last renewal, and the others look every second). The pages then reconnect at
    // their own pace (Socket.IO's back-off), which this test does not time.
    const replaced = JSON.parse(await nodes.get('node-b')!.line((line) => line.includes('lesson re-placed here'))) as { time: number };
    expect(replaced.time - killedAt).toBeLessThan(10_000);
    expect(teacherBack!.participantId).toBe(teacherJoin.participantId);
    expect(classroomBack!.participantId).toBe(classroomJoin.participantId);
    // Still a broadcast on node B: the viewer is let in again, as herself.
    expect(viewerBack!.participantId).toBe(viewerJoin.participantId);
    const [moved] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    expect(moved).toMatchObject({ nodeId: 'node-b', endedAt: null });
    // No ghosts: each site is in the lesson once, as itself.
    const roster = classroomBack!.snapshot.participants.map((p) => p.id);
    expect(new Set(roster).size).toBe(roster.length);
    expect(roster).toContain(classroomJoin.participantId);

    // The teacher ends it on node B: one interval per site, from before the kill to the end.
    await teacher.request('lesson:end', {});
    const ended = await recordedEnd(f.db, lessonSessionId, 10_000);
    const after = await until('both intervals closed', () => attendance(lessonSessionId), (rows) => rows.every((row) => row.leftAt !== null));
    expect(after.map((row) => row.participantId).sort()).toEqual([teacherJoin.participantId, classroomJoin.participantId, viewerJoin.participantId].sort());
    for (const row of after) {
      expect(row.joinedAt.getTime()).toBeLessThan(killedAt);
      expect(row.leftAt!.getTime()).toBeGreaterThan(backAt - 1_000);
      expect(row.leftAt!.getTime()).toBeLessThanOrEqual(ended.endedAt!.getTime());
    }
    const [open] = await f.db
      .select()
      .from(attendanceIntervals)
      .where(and(eq(attendanceIntervals.lessonSessionId, lessonSessionId), eq(attendanceIntervals.participantId, classroomJoin.participantId)));
    expect(open?.leaveReason).not.toBe('server_restart');
  }, 90_000);

  it('hands its lessons over when a node stops gracefully, and lets go of a lesson another node has taken', async () => {
    const courseId = f.ids.courseId;
    const shared = { TONGKE_DATABASE_URL: f.t.config.databaseUrl, TONGKE_REDIS_URL: redis.url, TONGKE_SESSION_SECRET: 'several-nodes-one-secret-of-forty-chars!', TONGKE_TRUST_PROXY: 'true', TONGKE_LOG_LEVEL: 'info' };
    nodes.set('node-c', await ServerProcess.start(f.t.config.dbPath, { ...shared, TONGKE_NODE_ID: 'node-c' }));
    const proxied = [...nodes].map(([nodeId, node]) => ({ nodeId, address: new URL(node.baseUrl).host }));
    for (const earlier of sites.splice(0)) earlier.close();
    await proxy.stop();
    proxy = await startNginx(proxied);

    const teacher = await site('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId });
    const [placed] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    const owner = placed!.nodeId!;
    const teacherJoin = await teacher.join(courseId);
    const classroom = await site('assistant');
    const classroomJoin = await classroom.join(courseId);
    await until('both intervals open', () => attendance(lessonSessionId), (rows) => rows.length === 2);

    // A graceful stop (a rolling upgrade): its node lets the lesson go instead of ending it, and another takes it.
    const stopping = nodes.get(owner)!.stop();
    nodes.delete(owner);
    const [teacherBack, classroomBack] = await Promise.all([teacher.join(courseId), classroom.join(courseId)]);
    await stopping;
    expect([teacherBack.participantId, classroomBack.participantId]).toEqual([teacherJoin.participantId, classroomJoin.participantId]);
    const [moved] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    expect(moved).toMatchObject({ endedAt: null, endReason: null });
    const taker = nodes.get(moved!.nodeId!)!;
    expect(taker).toBeDefined();
    const open = await until('the intervals go on', () => attendance(lessonSessionId), (rows) => rows.length === 2);
    expect(open.every((row) => row.leftAt === null)).toBe(true);

    // Another node takes the lesson over in the store (as when this node was cut off from Redis long enough to be
    // counted dead): it sees so at its next heartbeat and lets the lesson go, rather than running it twice.
    await f.db.update(lessonSessions).set({ nodeId: 'node-x' }).where(eq(lessonSessions.id, lessonSessionId));
    await taker.line((line) => line.includes('another node took this lesson over'), 10_000);
    // node-x holds no lease: it is a dead node's lesson, which a live node takes back within seconds.
    await until('the lesson re-placed from node-x', async () => (await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)))[0]?.nodeId, (node) => node !== 'node-x');
    const again = await classroom.join(courseId);
    expect(again.participantId).toBe(classroomJoin.participantId);
    await teacher.join(courseId);
    await teacher.request('lesson:end', {});
    await recordedEnd(f.db, lessonSessionId, 10_000);
    const closed = await until('both intervals closed', () => attendance(lessonSessionId), (rows) => rows.every((row) => row.leftAt !== null));
    expect(closed).toHaveLength(2);
  }, 90_000);
});
