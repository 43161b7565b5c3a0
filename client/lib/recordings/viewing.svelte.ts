import type {
  RecordingRendition,
  ViewingDevice,
  ViewingProgress,
  ViewingProgressResult,
  ViewingStart,
  ViewingStarted,
} from '../../../shared/api/recordings.js';
import type { Role } from '../../../shared/roles.js';
import { ApiError, type ApiClient } from '../api.js';

/*
 * Watching is evidence (点播): the replay page attaches a ViewingTracker to its <video>. It starts a viewing,
 * collects the parts of the recording actually played (media time, not wall time: paused time is not
 * watched, a seek starts a new part) and reports them every ~15 s and when the viewer pauses, reaches the
 * end or leaves the page. The server keeps the union, so re-watching a part counts once.
 */

/** How often what was watched is reported while playing. */
export const VIEWING_REPORT_EVERY_MS = 15_000;

/** A part shorter than this (a click on play then pause) is not worth a report. */
const MIN_PART_SECONDS = 0.05;

/** The server takes at most this many ranges in one report (shared/api/recordings.ts ViewingProgress). */
const MAX_RANGES_PER_REPORT = 50;

/** What the tracker reads of a <video>: a real HTMLVideoElement, or a small fake in tests. */
export interface PlaybackSurface {
  readonly currentTime: number;
  readonly paused: boolean;
  readonly playbackRate: number;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Where a viewing is started and reported; `keepalive` when the page is going away. */
export interface ViewingTransport {
  start(recordingId: number, body: ViewingStart): Promise<ViewingStarted>;
  report(viewingId: number, body: ViewingProgress, keepalive: boolean): Promise<ViewingProgressResult>;
}

/** The page whose `pagehide` ends the viewing (window in the browser). */
export interface PageLifecycle {
  addEventListener(type: 'pagehide', listener: () => void): void;
  removeEventListener(type: 'pagehide', listener: () => void): void;
}

export interface ViewingTrackerDeps {
  transport: ViewingTransport;
  device: ViewingDevice;
  page?: PageLifecycle;
  /** Milliseconds since the epoch (a fake clock in tests). */
  now?: () => number;
  setInterval?: (run: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  reportEveryMs?: number;
}

type Part = [number, number];

/**
 * One person watching one recording. `attach(video)` starts the viewing and returns the detach function
 * (for a Svelte `$effect`), which sends what is left and stops.
 */
export class ViewingTracker {
  #watchedSeconds = $state(0);
  readonly #recordingId: number;
  readonly #rendition: RecordingRendition;
  readonly #deps: Required<Omit<ViewingTrackerDeps, 'page'>> & { page?: PageLifecycle };
  #viewingId: Promise<number | null> | null = null;
  /** Parts closed (by a seek, a pause, the end) and not yet reported. */
  #pending: Part[] = [];
  /** The part being played now: from where playing (re)started to the last position seen. */
  #open: Part | null = null;
  /** When the last position was seen, to tell a seek the browser did not announce from playing on. */
  #lastSeenAt = 0;
  #sending: Promise<void> = Promise.resolve();
  #attached = false;

  constructor(recordingId: number, rendition: RecordingRendition, deps: ViewingTrackerDeps) {
    this.#recordingId = recordingId;
    this.#rendition = rendition;
    this.#deps = {
      now: () => Date.now(),
      setInterval: (run, ms) => globalThis.setInterval(run, ms),
      clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof globalThis.setInterval>),
      reportEveryMs: VIEWING_REPORT_EVERY_MS,
      ...deps,
    };
  }

  /** Seconds of the recording this viewing has watched, as the server last counted them (re-watching once). */
  get watchedSeconds(): number {
    return this.#watchedSeconds;
  }

  /** Starts the viewing and follows `video` until the returned function is called. */
  attach(video: PlaybackSurface): () => void {
    if (this.#attached) throw new Error('ViewingTracker is already attached');
    this.#attached = true;
    this.#viewingId = this.#deps.transport
      .start(this.#recordingId, { device: this.#deps.device, rendition: this.#rendition })
      .then(
        ({ viewingId }) => viewingId,
        (error: unknown) => {
          // Without a viewing nothing can be reported; the replay itself goes on.
          console.error(`viewing of recording ${this.#recordingId} could not start`, error);
          return null;
        },
      );

    const onPlaying = (): void => this.#resume(video);
    const onTimeUpdate = (): void => this.#advance(video);
    const onSeeking = (): void => this.#close();
    const onSeeked = (): void => {
      if (!video.paused) this.#resume(video);
    };
    const onStop = (): void => {
      this.#advance(video);
      this.#close();
      void this.#flush(false);
    };
    const onPageHide = (): void => {
      this.#advance(video);
      this.#close();
      void this.#flush(true);
    };
    const listeners: Array<[string, () => void]> = [
      ['playing', onPlaying],
      ['timeupdate', onTimeUpdate],
      ['seeking', onSeeking],
      ['seeked', onSeeked],
      ['pause', onStop],
      ['ended', onStop],
    ];
    for (const [type, listener] of listeners) video.addEventListener(type, listener);
    this.#deps.page?.addEventListener('pagehide', onPageHide);
    const timer = this.#deps.setInterval(() => {
      this.#advance(video);
      void this.#flush(false);
    }, this.#deps.reportEveryMs);
    if (!video.paused) this.#resume(video);

    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      this.#deps.clearInterval(timer);
      for (const [type, listener] of listeners) video.removeEventListener(type, listener);
      this.#deps.page?.removeEventListener('pagehide', onPageHide);
      this.#advance(video);
      this.#close();
      // The player goes away with the page more often than not: keepalive lets the last report finish.
      void this.#flush(true);
    };
  }

  /** Resolves once every report asked for so far has been answered (tests, and a page that waits). */
  settled(): Promise<void> {
    return this.#sending;
  }

  #resume(video: PlaybackSurface): void {
    this.#close();
    this.#open = [video.currentTime, video.currentTime];
    this.#lastSeenAt = this.#deps.now();
  }

  /** Extends the part being played to the current position, or starts a new part after a jump. */
  #advance(video: PlaybackSurface): void {
    if (this.#open === null) return;
    const position = video.currentTime;
    const now = this.#deps.now();
    const wallSeconds = Math.max(0, now - this.#lastSeenAt) / 1000;
    // Playing on moves forward by about the wall time × speed; anything else is a seek.
    const reachable = this.#open[1] + wallSeconds * Math.max(1, video.playbackRate) * 1.5 + 1;
    if (position >= this.#open[1] && position <= reachable) {
      this.#open[1] = position;
    } else {
      this.#close();
      this.#open = [position, position];
    }
    this.#lastSeenAt = now;
  }

  #close(): void {
    if (this.#open !== null && this.#open[1] - this.#open[0] >= MIN_PART_SECONDS) this.#pending.push(this.#open);
    this.#open = null;
  }

  /** What to report now: the closed parts and what the open part gained, which stays open from its end. */
  #take(): Part[] {
    const parts = this.#pending;
    this.#pending = [];
    if (this.#open !== null && this.#open[1] - this.#open[0] >= MIN_PART_SECONDS) {
      parts.push([this.#open[0], this.#open[1]]);
      this.#open = [this.#open[1], this.#open[1]];
    }
    return union(parts);
  }

  #flush(keepalive: boolean): Promise<void> {
    // Reports go one after another, so the server sees each part once and in order.
    this.#sending = this.#sending.then(() => this.#send(keepalive));
    return this.#sending;
  }

  async #send(keepalive: boolean): Promise<void> {
    const viewingId = await this.#viewingId;
    if (viewingId === null || viewingId === undefined) return;
    const ranges = this.#take();
    if (ranges.length === 0) return;
    // More parts than one report takes (a viewer skipping about): the rest go with the next report.
    const reported = ranges.slice(0, MAX_RANGES_PER_REPORT);
    this.#pending = union([...ranges.slice(MAX_RANGES_PER_REPORT), ...this.#pending]);
    try {
      const result = await this.#deps.transport.report(viewingId, { ranges: reported }, keepalive);
      this.#watchedSeconds = result.watchedSeconds;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        // Refused (not the viewer's, implausible): sending the same parts again would be refused again.
        console.error(`viewing ${viewingId} report refused`, error);
        return;
      }
      // Not reached: keep the parts for the next report.
      console.error(`viewing ${viewingId} report not delivered; kept for the next one`, error);
      this.#pending = union([...reported, ...this.#pending]);
    }
  }
}

/** Sorted, non-overlapping parts covering the same seconds. */
export function union(parts: readonly Part[]): Part[] {
  const sorted = parts.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  const merged: Part[] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** A classroom device watches as `classroom`; anyone else by the browser: phone/tablet or computer. */
export function viewingDevice(roles: readonly Role[], userAgent: string): ViewingDevice {
  if (roles.includes('classroom_device')) return 'classroom';
  return /Mobi|Android|iPhone|iPad|HarmonyOS/i.test(userAgent) ? 'mobile' : 'desktop';
}

/** The two viewing routes over the app's API client (its session cookie and CSRF header). */
export function httpViewingTransport(http: ApiClient): ViewingTransport {
  return {
    start: (recordingId, body) => http.post<ViewingStarted>(`/api/recordings/${recordingId}/viewings`, body),
    report: (viewingId, body, keepalive) => http.post<ViewingProgressResult>(`/api/recording-viewings/${viewingId}`, body, { keepalive }),
  };
}
