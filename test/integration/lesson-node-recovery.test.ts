import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { openDatabase, storeLocation } from '../../server/db/store.js';
import { attendanceIntervals, lessonSessions } from '../../server/db/schema/index.js';
import { LessonsRepository } from '../../server/lessons/repository.js';
import { MediaWorkerPool, type MediaLogger } from '../../media/index.js';
import { freeRtcRange } from '../support/app.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket, lessonDriver } from '../support/lesson-socket.js';

const silent: MediaLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * One more Tongke process on the fixture's store, as node `nodeId` (its own media worker, not listening):
 * what starting a second node — or restarting one — does to the store.
 */
async function startNode(f: OrganisationFixture, nodeId: string): Promise<{ close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-node-'));
  const rtc = await freeRtcRange(1);
  const config = { ...f.t.config, ...rtc, nodeId };
  const database = await openDatabase(storeLocation(config));
  const media = await MediaWorkerPool.create({ workerCount: 1, ...rtc, listenIp: '127.0.0.1', logger: silent });
  const app = await buildApp({ config, database, media, logger: false, clientDir: join(dir, 'no-client') });
  await app.ready();
  return {
    async close() {
      await app.close();
      media.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/*
 * Several processes on one store: each records its node on the lesson sessions it runs, and its start-up
 * recovery closes only its own sessions left open (and legacy ones without a node) — never the live
 * lessons of another node.
 */
describe('start-up recovery closes only what this node ran', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true }, { nodeId: 'node-a' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await f.close();
  });

  const { connect, join: joinLesson } = lessonDriver(() => f, sockets);
  const session = async (id: number) => (await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, id)))[0]!;
  const openAttendance = async (id: number) =>
    (await f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, id))).filter((a) => a.leftAt === null).length;

  it('a second node starting leaves the first one’s live lesson open; the first node restarting closes it', async () => {
    // Left open by a release that did not record nodes: whoever starts next may close it.
    const legacy = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date(Date.now() - 3_600_000));

    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await joinLesson(teacher);
    const room = await connect('classroom_device');
    await joinLesson(room);
    expect((await session(lessonSessionId)).nodeId).toBe('node-a');
    await expect.poll(() => openAttendance(lessonSessionId), { timeout: 10_000 }).toBe(2);

    const nodeB = await startNode(f, 'node-b');
    try {
      expect(await session(lessonSessionId)).toMatchObject({ endedAt: null, endReason: null });
      expect(await openAttendance(lessonSessionId)).toBe(2);
      expect(await session(legacy)).toMatchObject({ endReason: 'server_restart' });
      // The lesson goes on, on node A.
      await room.request('chat:send', { text: '还在上课' });
      expect((await (await f.as('teacher')).get('/api/lessons/live')).json()).toMatchObject({ lessons: [{ lessonSessionId }] });
    } finally {
      await nodeB.close();
    }
    // Node B's graceful shutdown ended only its own (no) lessons.
    expect(await session(lessonSessionId)).toMatchObject({ endedAt: null });

    // Node A comes back (as after a crash: its old process never recorded the end — here it still runs, and
    // its heartbeats go on until the new one has started, so the end is its last sign before that).
    const nodeAAgain = await startNode(f, 'node-a');
    const restartedAt = Date.now();
    try {
      const closed = await session(lessonSessionId);
      expect(closed.endReason).toBe('server_restart');
      expect(closed.endedAt!.getTime()).toBeGreaterThanOrEqual(closed.startedAt.getTime());
      expect(closed.endedAt!.getTime()).toBeLessThanOrEqual(restartedAt);
      expect(await openAttendance(lessonSessionId)).toBe(0);
    } finally {
      await nodeAAgain.close();
    }
  }, 60_000);
});
