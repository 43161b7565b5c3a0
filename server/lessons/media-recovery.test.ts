import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import type { LessonMediaFactory } from './media-port.js';
import { rebuildLessonMedia } from './media-recovery.js';

const log = pino({ level: 'silent' });

describe('rebuilding a lesson’s media after its worker died', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { media: true });
  });
  afterAll(async () => {
    await t.close();
  });

  /** The real worker pool, refusing the first `refusals` requests as a pool whose one worker is still restarting does. */
  function restartingPool(refusals: number): LessonMediaFactory & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      createLessonMedia: async (options) => {
        asked.push(options.lessonId);
        if (asked.length <= refusals) throw new Error('no live media worker');
        return t.media!.createLessonMedia(options);
      },
    };
  }

  it('asks again with backoff until a worker takes the lesson, and does not give up while there is time', async () => {
    const pool = restartingPool(2);
    let failed = false;
    const media = await rebuildLessonMedia(pool, 41, { rebuildWithinMs: 10_000, onMediaFailed: () => (failed = true) }, () => false, log);
    expect(media?.rtpCapabilities.codecs?.length).toBeGreaterThan(0);
    expect(pool.asked).toEqual(['41', '41', '41']);
    expect(failed).toBe(false);
    media?.close();
  });

  it('gives up when no worker takes it in time: the lesson is told its media failed, and there is none', async () => {
    const pool = restartingPool(Number.POSITIVE_INFINITY);
    let failed = 0;
    const media = await rebuildLessonMedia(pool, 42, { rebuildWithinMs: 600, onMediaFailed: () => failed++ }, () => false, log);
    expect(media).toBeNull();
    expect(failed).toBe(1);
    // It asked again after the first refusal (and, by answering at all, stopped at the deadline).
    expect(pool.asked.length).toBeGreaterThanOrEqual(2);
  });

  it('stops asking once the lesson has ended meanwhile, without calling it a media failure', async () => {
    const pool = restartingPool(Number.POSITIVE_INFINITY);
    let ended = false;
    let failed = false;
    const rebuilt = rebuildLessonMedia(pool, 43, { rebuildWithinMs: 10_000, onMediaFailed: () => (failed = true) }, () => ended, log);
    await new Promise((resolve) => setTimeout(resolve, 100));
    ended = true;
    expect(await rebuilt).toBeNull();
    expect(pool.asked).toEqual(['43']);
    expect(failed).toBe(false);
  });
});
