import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoLogin } from '../../server/seed/demo-logins.js';
import { login, useBrowser, visible } from './browser.js';
import { courseIdOf, participantIdOf, tilesOf, MEDIA_TIMEOUT_MS } from './lesson-helpers.js';

const TEACHER = 'teacher.wang';
const ROOM = 'room.shiqiao';

/** Track files written since `since` by the suite's server (its recordings sit beside its database in a tongke-e2e-* directory). */
function tracksSince(since: number): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.mkv') && statSync(path).mtimeMs >= since) found.push(path);
    }
  };
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith('tongke-e2e-')) continue;
    try {
      walk(join(tmpdir(), entry, 'recordings'));
    } catch {
      // another run's directory without recordings
    }
  }
  return found;
}

/** The file's one stream kind and its duration (s). */
function probe(path: string): { kind: string; seconds: number } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path], { encoding: 'utf8' })) as {
    streams: Array<{ codec_type: string }>;
    format: { duration?: string };
  };
  return { kind: out.streams.map((s) => s.codec_type).join('+'), seconds: Number(out.format.duration ?? 0) };
}

describe('recording a live lesson', () => {
  const browser = useBrowser();

  it('the teacher records, a classroom sees 「录制中」, and the tracks hold her video and audio', async () => {
    const startedAt = Date.now();
    const teacher = await browser.newUser();
    await login(teacher.page, TEACHER);
    await visible(teacher.page.getByTestId('home-teacher'));
    const courseId = await courseIdOf(teacher.page, 'music', 'lead_teacher');
    await teacher.page.goto(`/lesson/${courseId}`);
    const start = await visible(teacher.page.getByTestId('prejoin-join'));
    await expect.poll(() => start.isEnabled(), { timeout: MEDIA_TIMEOUT_MS }).toBe(true);
    await start.click();
    await participantIdOf(teacher.page);

    const room = await browser.newUser();
    await login(room.page, ROOM);
    await visible(room.page.getByTestId('home-classroom'));
    const join = room.page.getByTestId('join-button');
    await expect.poll(async () => (await join.getAttribute('data-course-id')) === String(courseId) && (await join.isEnabled()), { timeout: 25_000 }).toBe(true);
    await join.click();
    await participantIdOf(room.page);
    await visible(tilesOf(teacher.page, demoLogin(ROOM).displayName));

    await (await visible(teacher.page.getByTestId('recording-toggle'))).click();
    const indicator = room.page.getByTestId('recording-indicator');
    await expect.poll(() => indicator.getAttribute('data-state'), { timeout: 15_000 }).toBe('recording');
    expect(await indicator.textContent()).toContain('录制中');
    const recordingFrom = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 8000));

    await teacher.page.getByTestId('recording-toggle').click();
    const recorded = (Date.now() - recordingFrom) / 1000;
    await expect.poll(() => teacher.page.getByTestId('recording-indicator').getAttribute('data-state'), { timeout: 20_000 }).toBe('off');
    // The classroom has nothing to control: its indicator goes away.
    await expect.poll(() => indicator.count(), { timeout: 5_000 }).toBe(0);

    const tracks = tracksSince(startedAt).map(probe);
    expect(tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    // Each runs from its first packet to the stop: about as long as the teacher recorded.
    for (const track of tracks) expect(Math.abs(track.seconds - recorded), `${track.kind}: ${track.seconds} s of ${recorded} s`).toBeLessThan(3);
  }, 120_000);
});
