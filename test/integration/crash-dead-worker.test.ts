import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaWorker, type MediaWorkerSettings } from '../../media/media-worker.js';
import type { MediaLogger } from '../../media/index.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket, lessonDriver, recordedEnd } from '../support/lesson-socket.js';

/*
 * The only media worker of a live lesson dies (SIGKILL, the real worker) and no replacement can start (the
 * pool's starter fails from then on). The lesson must not stay live without media: within the configured
 * rebuild time (2 s here) it ends for everyone with the reason `media_failed`, recorded as such.
 */
describe('a dead media worker that cannot be replaced', () => {
  let f: OrganisationFixture;
  let workersMayStart = true;
  const sockets: LessonSocket[] = [];
  const startWorker = (settings: MediaWorkerSettings, logger: MediaLogger) =>
    workersMayStart ? MediaWorker.start(settings, logger) : Promise.reject(new Error('no media worker can start (test)'));

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, startMediaWorker: startWorker }, { mediaRebuildSeconds: 2 });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await f.close();
  });

  const { connect, join } = lessonDriver(() => f, sockets);

  it('ends its lessons with a clear reason instead of leaving them live with no media', async () => {
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const room = await connect('classroom_device');
    await join(room);

    workersMayStart = false;
    process.kill(f.t.media!.workers[0]!.pid, 'SIGKILL');

    const ended = await room.nextEvent('lesson:ended', (e) => e.lessonSessionId === lessonSessionId, 20_000);
    expect(ended.reason).toBe('media_failed');
    expect((await teacher.nextEvent('lesson:ended')).reason).toBe('media_failed');
    expect(await recordedEnd(f.db, lessonSessionId)).toMatchObject({ endReason: 'media_failed' });
    expect((await (await f.as('teacher')).get('/api/lessons/live')).json()).toEqual({ lessons: [], broadcasts: [] });
    workersMayStart = true;
  }, 40_000);
});
