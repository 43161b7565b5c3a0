import { describe, expect, it } from 'vitest';
import type { ViewingProgress, ViewingStart } from '../../../shared/api/recordings.js';
import { ApiError } from '../api.js';
import { ViewingTracker, union, viewingDevice, type PlaybackSurface, type ViewingTransport } from './viewing.svelte.js';

/** A <video> the test plays by hand: media time moves only when told, as the clock does. */
class FakeVideo implements PlaybackSurface {
  currentTime = 0;
  paused = true;
  playbackRate = 1;
  readonly #listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)?.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.#listeners.get(type)?.delete(listener);
  }
  emit(type: string): void {
    for (const listener of this.#listeners.get(type) ?? []) listener();
  }
  get listenerCount(): number {
    return [...this.#listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

class Harness {
  now = 1_700_000_000_000;
  readonly video = new FakeVideo();
  readonly started: ViewingStart[] = [];
  readonly reports: Array<{ viewingId: number; body: ViewingProgress; keepalive: boolean }> = [];
  pageHide: (() => void) | null = null;
  #timer: (() => void) | null = null;
  failNext: Error | null = null;

  readonly transport: ViewingTransport = {
    start: async (_recordingId, body) => {
      this.started.push(body);
      return { viewingId: 41 };
    },
    report: async (viewingId, body, keepalive) => {
      if (this.failNext) {
        const error = this.failNext;
        this.failNext = null;
        throw error;
      }
      this.reports.push({ viewingId, body, keepalive });
      return { watchedSeconds: 99 };
    },
  };

  readonly tracker = new ViewingTracker(7, 'low', {
    transport: this.transport,
    device: 'desktop',
    now: () => this.now,
    setInterval: (run) => {
      this.#timer = run;
      return 1;
    },
    clearInterval: () => {
      this.#timer = null;
    },
    page: {
      addEventListener: (_type, listener) => {
        this.pageHide = listener;
      },
      removeEventListener: () => {
        this.pageHide = null;
      },
    },
  });

  play(): void {
    this.video.paused = false;
    this.video.emit('playing');
  }
  /** Plays on for `seconds` of wall and media time, with timeupdates every quarter second. */
  advance(seconds: number, rate = 1): void {
    for (let i = 0; i < seconds * 4; i++) {
      this.now += 250;
      this.video.currentTime += 0.25 * rate;
      this.video.emit('timeupdate');
    }
  }
  wait(seconds: number): void {
    this.now += seconds * 1000;
  }
  pause(): void {
    this.video.paused = true;
    this.video.emit('pause');
  }
  seek(to: number): void {
    this.video.emit('seeking');
    this.video.currentTime = to;
    this.video.emit('seeked');
  }
  tick(): void {
    this.#timer?.();
  }
  get timerRunning(): boolean {
    return this.#timer !== null;
  }
  ranges(): Array<[number, number]> {
    return this.reports.flatMap((r) => r.body.ranges);
  }
}

describe('ViewingTracker', () => {
  it('starts a viewing with its device and rendition, and reports the played part on pause', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(10);
    h.pause();
    await h.tracker.settled();
    expect(h.started).toEqual([{ device: 'desktop', rendition: 'low' }]);
    expect(h.reports).toEqual([{ viewingId: 41, body: { ranges: [[0, 10]] }, keepalive: false }]);
    expect(h.tracker.watchedSeconds).toBe(99);
  });

  it('does not count paused time, and a seek starts a new part', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(5);
    h.pause();
    await h.tracker.settled();
    h.wait(60);
    h.play();
    h.advance(5);
    h.seek(100);
    h.advance(3);
    h.pause();
    await h.tracker.settled();
    expect(h.ranges()).toEqual([
      [0, 5],
      [5, 10],
      [100, 103],
    ]);
  });

  it('reports every interval while playing, each time only what is new', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(15);
    h.tick();
    await h.tracker.settled();
    h.advance(15);
    h.tick();
    await h.tracker.settled();
    h.tick();
    await h.tracker.settled();
    expect(h.reports.map((r) => r.body.ranges)).toEqual([[[0, 15]], [[15, 30]]]);
  });

  it('treats a jump the browser did not announce as a new part, not as watched', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(2);
    h.now += 250;
    h.video.currentTime = 500;
    h.video.emit('timeupdate');
    h.advance(2);
    h.pause();
    await h.tracker.settled();
    expect(h.ranges()).toEqual([
      [0, 2],
      [500, 502],
    ]);
  });

  it('follows double speed: 10 s of wall time at 2× is 20 s of the recording', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.video.playbackRate = 2;
    h.play();
    h.advance(10, 2);
    h.pause();
    await h.tracker.settled();
    expect(h.ranges()).toEqual([[0, 20]]);
  });

  it('sends the last part with keepalive when the page goes away', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(4);
    h.pageHide?.();
    await h.tracker.settled();
    expect(h.reports).toEqual([{ viewingId: 41, body: { ranges: [[0, 4]] }, keepalive: true }]);
  });

  it('stops on detach: the rest is reported, listeners and the timer are gone', async () => {
    const h = new Harness();
    const detach = h.tracker.attach(h.video);
    h.play();
    h.advance(3);
    detach();
    detach();
    await h.tracker.settled();
    expect(h.reports.map((r) => [r.body.ranges, r.keepalive])).toEqual([[[[0, 3]], true]]);
    expect(h.video.listenerCount).toBe(0);
    expect(h.timerRunning).toBe(false);
    expect(h.pageHide).toBeNull();
  });

  it('keeps parts that did not reach the server for the next report, and drops parts the server refused', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    h.advance(5);
    h.failNext = new ApiError(0, 'network', 'offline');
    h.tick();
    await h.tracker.settled();
    h.advance(5);
    h.tick();
    await h.tracker.settled();
    expect(h.ranges()).toEqual([[0, 10]]);

    h.advance(5);
    h.failNext = new ApiError(422, 'viewing_implausible', 'too much');
    h.tick();
    await h.tracker.settled();
    h.advance(5);
    h.pause();
    await h.tracker.settled();
    expect(h.ranges()).toEqual([
      [0, 10],
      [15, 20],
    ]);
  });

  it('sends at most 50 parts in one report and the rest with the next', async () => {
    const h = new Harness();
    h.tracker.attach(h.video);
    h.play();
    for (let part = 0; part < 60; part++) {
      h.seek(part * 10);
      h.advance(1);
    }
    h.tick();
    await h.tracker.settled();
    h.tick();
    await h.tracker.settled();
    expect(h.reports.map((r) => r.body.ranges.length)).toEqual([50, 10]);
    expect(h.ranges()).toHaveLength(60);
  });
});

describe('union', () => {
  it('merges overlapping and touching parts', () => {
    expect(
      union([
        [10, 20],
        [0, 5],
        [5, 8],
        [15, 30],
        [40, 40],
      ]),
    ).toEqual([
      [0, 8],
      [10, 30],
    ]);
  });
});

describe('viewingDevice', () => {
  it('is classroom for a classroom device account, else told by the browser', () => {
    expect(viewingDevice(['classroom_device'], 'Mozilla/5.0 (X11; Linux x86_64)')).toBe('classroom');
    expect(viewingDevice(['student'], 'Mozilla/5.0 (Linux; Android 12) Mobile Safari')).toBe('mobile');
    expect(viewingDevice(['teacher'], 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toBe('desktop');
  });
});
