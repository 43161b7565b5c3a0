import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryRecordingStore, renditionKey, trackKey } from './storage.js';

describe('DirectoryRecordingStore', () => {
  let root: string;
  let store: DirectoryRecordingStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tongke-recordings-'));
    store = new DirectoryRecordingStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lays files out by lesson and recording, and removes a recording with its empty lesson folder', async () => {
    const track = trackKey(7, 3, 1, 'site:abc/..', 'camera');
    expect(track).toBe('lessons/7/3/tracks/001-site_abc___-camera.mkv');
    await writeFile(await store.pathOf(track), 'x');
    await writeFile(await store.pathOf(renditionKey(7, 3, 'high')), 'xyz');
    expect(await store.sizeOf(renditionKey(7, 3, 'high'))).toBe(3);
    expect(await store.sizeOf(renditionKey(7, 3, 'low'))).toBeNull();
    await writeFile(await store.pathOf(renditionKey(7, 4, 'high')), 'other');
    await store.removeRecording(7, 3);
    expect(await store.sizeOf(track)).toBeNull();
    expect(await readdir(join(root, 'lessons', '7'))).toEqual(['4']);
    await store.removeRecording(7, 4);
    expect(await readdir(join(root, 'lessons'))).toEqual([]);
  });

  it('refuses keys that leave the root', async () => {
    await expect(store.pathOf('../etc/passwd')).rejects.toThrow(/not a recording key/);
    await expect(store.pathOf('lessons/../../x')).rejects.toThrow(/not a recording key/);
    await expect(store.sizeOf('/abs')).rejects.toThrow(/not a recording key/);
  });

  it('reports the free space of its disk', async () => {
    expect(await store.freeBytes()).toBeGreaterThan(0);
  });
});
