import { RECORDING_RENDITIONS, type RecordingDetail, type RecordingRendition } from '../../../shared/api/recordings.js';
import { ApiError } from '../api.js';
import type { RecordingsApi } from './recordings-api.js';
import type { ConnectionHint, RenditionChooser } from './rendition-choice.js';

/** The speeds a viewer may play at. */
export const PLAYBACK_SPEEDS = [0.75, 1, 1.25, 1.5, 2] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];
/** How often a recording still being made is asked about again. */
export const REPLAY_POLL_MS = 3000;

/** Runs `task` after `ms`; returns a cancel. Tests pass their own. */
export type Schedule = (task: () => void, ms: number) => () => void;
const timeout: Schedule = (task, ms) => {
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
};

/**
 * One recording on the replay page: its detail (polled while it is still being recorded or made), which
 * rendition plays (picked for the link, or as the viewer asks), and at what speed.
 */
export class RecordingReplay {
  #detail = $state<RecordingDetail | null>(null);
  #error = $state<string | null>(null);
  #rendition = $state<RecordingRendition | null>(null);
  /** Whether the low rendition was picked for a slow link (the page says so). */
  #autoLow = $state(false);
  #speed = $state<PlaybackSpeed>(1);
  #cancelPoll: (() => void) | null = null;
  #closed = false;

  constructor(
    private readonly api: Pick<RecordingsApi, 'detail'>,
    private readonly chooser: Pick<RenditionChooser, 'choose'>,
    private readonly hint: () => ConnectionHint | undefined = () => undefined,
    private readonly schedule: Schedule = timeout,
  ) {}

  get detail() {
    return this.#detail;
  }
  get error() {
    return this.#error;
  }
  get rendition() {
    return this.#rendition;
  }
  get autoLow() {
    return this.#autoLow;
  }
  get speed() {
    return this.#speed;
  }
  /** The URL the <video> plays, once there is a playable rendition. */
  get src(): string | null {
    return this.#detail?.recording.renditions.find((r) => r.rendition === this.#rendition)?.url ?? null;
  }
  /** The renditions there are, high first. */
  get renditions(): RecordingRendition[] {
    const present = new Set(this.#detail?.recording.renditions.map((r) => r.rendition) ?? []);
    return RECORDING_RENDITIONS.filter((r) => present.has(r));
  }

  async load(id: number): Promise<void> {
    this.#cancelPoll?.();
    this.#cancelPoll = null;
    try {
      const detail = await this.api.detail(id);
      if (this.#closed) return;
      this.#detail = detail;
      this.#error = null;
      const { status } = detail.recording;
      if (status === 'recording' || status === 'processing') {
        this.#cancelPoll = this.schedule(() => void this.load(id), REPLAY_POLL_MS);
      } else if (status === 'ready' && this.#rendition === null) {
        const picked = await this.chooser.choose(detail.recording.renditions, this.hint());
        if (this.#closed || this.#rendition !== null) return;
        this.#rendition = picked;
        this.#autoLow = picked === 'low';
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.#error = error.message;
      // A lost connection while it is being made: keep asking; a refusal or a missing recording: stop.
      if (error.code === 'network' && !this.#closed) this.#cancelPoll = this.schedule(() => void this.load(id), REPLAY_POLL_MS);
    }
  }

  /** The viewer's own choice (标清 / 高清) wins over the automatic one. */
  choose(rendition: RecordingRendition): void {
    if (!this.renditions.includes(rendition)) return;
    this.#rendition = rendition;
    this.#autoLow = false;
  }

  setSpeed(speed: PlaybackSpeed): void {
    this.#speed = speed;
  }

  close(): void {
    this.#closed = true;
    this.#cancelPoll?.();
    this.#cancelPoll = null;
  }
}
