import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type NginxServer } from '../support/nginx-server.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { ServerProcess } from '../support/server-process.js';
import { withPostgresAdmin } from '../support/store.js';
import { useBrowser } from './browser.js';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { decodedVideo, joinFromHome, participantIdOf, startLessonAsLead, until, waitForPicture, MEDIA_TIMEOUT_MS } from './lesson-helpers.js';

/** 王老师's grade-3 music reaches 石桥 (server/seed/demo-data.ts). */
const TEACHER = 'teacher.wang';
const ROOM = 'room.shiqiao';
const NODES = ['node-a', 'node-b'] as const;

/** How many attendance intervals of live lessons are open in the store. */
async function openAttendance(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from attendance_intervals a join lesson_sessions s on s.id = a.lesson_session_id where s.ended_at is null and a.left_at is null',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/**
 * Waits until the page decodes someone's camera again after `since`: more frames at the end of a 2 s window
 * that began after it (the old stream died with its node). Returns the ms from `since` to that window's end.
 */
async function pictureMovingAgain(page: Page, participantId: string, since: number): Promise<number> {
  const deadline = since + MEDIA_TIMEOUT_MS;
  let last: string = 'nothing';
  while (Date.now() < deadline) {
    const before = await decodedVideo(page, participantId);
    await page.waitForTimeout(2_000);
    const after = await decodedVideo(page, participantId);
    if (before && after && after.width > 0 && after.frames > before.frames + 5) return Date.now() - since;
    last = JSON.stringify({ before, after });
  }
  throw new Error(`the camera of ${participantId} did not move again within ${MEDIA_TIMEOUT_MS} ms (last: ${last})`);
}

/*
 * Several nodes as a classroom meets them: the demo county on one PostgreSQL, two Tongke nodes sharing it and
 * a Redis, one nginx in front (the README's site). The teacher and the classroom open the proxy's address in
 * Chromium; the lesson runs on node A; node A is killed with SIGKILL; both pages carry on by themselves — the
 * classroom decodes the teacher's camera again, as the same participant, from node B.
 */
describe('a live lesson across several nodes', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let proxy: NginxServer;
  const nodes = new Map<string, ServerProcess>();
  const browser = useBrowser({ baseUrl: () => proxy.baseUrl });

  beforeAll(async () => {
    postgres = await startPostgres();
    await withPostgresAdmin((admin) => admin.query('CREATE DATABASE tongke_nodes'), postgres.baseUrl);
    redis = await startRedis();
    const shared = {
      TONGKE_REDIS_URL: redis.url,
      TONGKE_SESSION_SECRET: 'several-nodes-one-secret-of-forty-chars!',
      TONGKE_TRUST_PROXY: 'true',
      // The test reads where the lesson started.
      TONGKE_LOG_LEVEL: 'info',
      // Every browser context signs in from 127.0.0.1 through the proxy.
      TONGKE_LOGIN_RATE_LIMIT: '500',
      TONGKE_LOGIN_ACCOUNT_LIMIT: '500',
    };
    const store = `${postgres.baseUrl}/tongke_nodes`;
    // The first node seeds the demo county into the empty store; the second finds it there.
    for (const nodeId of NODES) {
      nodes.set(nodeId, await ServerProcess.start(store, { ...shared, TONGKE_NODE_ID: nodeId }, nodeId === 'node-a' ? { args: ['--demo'] } : {}));
    }
    proxy = await startNginx(NODES.map((nodeId) => ({ nodeId, address: new URL(nodes.get(nodeId)!.baseUrl).host })));
  }, 180_000);

  afterAll(async () => {
    for (const node of nodes.values()) await node.stop();
    await proxy?.stop();
    await redis?.stop();
    await postgres?.stop();
  });

  it('keeps the classroom in the lesson when the node running it is killed', async () => {
    const teacher = await browser.newUser();
    const { courseId, participantId: teacherId } = await startLessonAsLead(teacher, TEACHER);
    const room = await browser.newUser();
    const roomId = await joinFromHome(room, ROOM, courseId);
    await waitForPicture(room.page, teacherId);
    // Both idle at the start: the lesson went to the least loaded node with the lowest id.
    await nodes.get('node-a')!.line((line) => line.includes('"lesson started"'));

    // Node A has written both sites' attendance (its evidence is flushed every second): a site that joined
    // less than a second before its node died would come back as a new participant, its first interval unwritten.
    await until(async () => (await openAttendance(`${postgres.baseUrl}/tongke_nodes`)) === 2, 10_000, "node A never wrote both sites' attendance");

    const killedAt = Date.now();
    await nodes.get('node-a')!.kill9();
    nodes.delete('node-a');

    // Nobody clicks anything: the pages reconnect through the proxy, node B takes the lesson over, the
    // teacher's camera is published again and reaches the classroom.
    const back = await pictureMovingAgain(room.page, teacherId, killedAt);
    await nodes.get('node-b')!.line((line) => line.includes('lesson re-placed here'));
    expect(await participantIdOf(room.page)).toBe(roomId);
    expect(await participantIdOf(teacher.page)).toBe(teacherId);
    expect(await room.page.getByTestId('lesson-view').getAttribute('data-connection')).toBe('connected');
    console.log(`several nodes: the classroom decoded the teacher again ${back} ms after node A was killed`);
  }, 180_000);
});
