import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { recordings, recordingTracks } from '../db/schema/index.js';
import { createRenderWorld, makeTrackFile, type RenderWorld } from '../../test/support/render-rows.js';
import { RenderRepository } from './render/repository.js';
import { RecordingRetention } from './retention.js';
import { renditionKey } from './storage.js';

const silent = pino({ level: 'silent' });
const DAY = 24 * 60 * 60 * 1000;
const worlds: RenderWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe('RecordingRetention', () => {
  it('removes the files of recordings older than the retention and marks them deleted, keeping their rows; newer or busy ones keep theirs', async () => {
    const w = await createRenderWorld();
    worlds.push(w);
    const now = new Date('2026-06-01T02:00:00Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
    const recordingWithFiles = async (status: 'ready' | 'failed' | 'processing', startedAt: Date) => {
      const id = await w.addRecording({ status, startedAt, durationMs: 1_000 });
      const track = await w.addTrack(id, { participantId: 'teacher', role: 'teacher', source: 'mic', startedAt, endedAt: startedAt });
      makeTrackFile(await w.store.pathOf(track), 'audio', 1);
      if (status === 'ready') {
        const high = renditionKey(w.lessonId, id, 'high');
        makeTrackFile(await w.store.pathOf(high), 'audio', 1);
        await w.db.update(recordings).set({ highKey: high, highBytes: await w.store.sizeOf(high) }).where(eq(recordings.id, id));
      }
      return { id, track };
    };
    const old = await recordingWithFiles('ready', daysAgo(31));
    const oldFailed = await recordingWithFiles('failed', daysAgo(40));
    const oldRendering = await recordingWithFiles('processing', daysAgo(45));
    const recent = await recordingWithFiles('ready', daysAgo(29));

    const retention = new RecordingRetention(new RenderRepository(w.db), { days: 30, store: w.store, log: silent, now: () => now });
    expect(await retention.sweep()).toBe(2);

    const rowOf = async (id: number) => (await w.db.select().from(recordings).where(eq(recordings.id, id)))[0]!;
    for (const gone of [old, oldFailed]) {
      expect(await rowOf(gone.id)).toMatchObject({ status: 'deleted', deletedAt: now, highKey: null });
      expect(await w.store.sizeOf(gone.track)).toBeNull();
      // The row's tracks stay too (what was recorded, for the record), only the files are gone.
      expect(await w.db.select().from(recordingTracks).where(eq(recordingTracks.recordingId, gone.id))).toHaveLength(1);
    }
    expect((await rowOf(old.id)).highBytes).toBeGreaterThan(0);
    for (const kept of [oldRendering, recent]) {
      expect((await rowOf(kept.id)).deletedAt).toBeNull();
      expect(await w.store.sizeOf(kept.track)).toBeGreaterThan(0);
    }
    expect(await w.store.sizeOf(renditionKey(w.lessonId, recent.id, 'high'))).toBeGreaterThan(0);

    // A day later the recent one has passed retention too; a second sweep of the same day finds nothing.
    expect(await retention.sweep()).toBe(0);
    const later = new RecordingRetention(new RenderRepository(w.db), { days: 30, store: w.store, log: silent, now: () => new Date(now.getTime() + 2 * DAY) });
    expect(await later.sweep()).toBe(1);
    expect((await rowOf(recent.id)).status).toBe('deleted');
  });

  it('keeps everything forever when the retention is 0 days', async () => {
    const w = await createRenderWorld();
    worlds.push(w);
    const id = await w.addRecording({ status: 'ready', startedAt: new Date('2020-01-01T00:00:00Z'), durationMs: 1_000 });
    const retention = new RecordingRetention(new RenderRepository(w.db), { days: 0, store: w.store, log: silent });
    retention.start();
    expect(await retention.sweep()).toBe(0);
    await retention.close();
    expect((await w.db.select().from(recordings).where(eq(recordings.id, id)))[0]!.status).toBe('ready');
  });
});
