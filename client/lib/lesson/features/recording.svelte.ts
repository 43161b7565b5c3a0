import type { RecordingStateView } from '../../../../shared/lesson/features/recording.js';
import type { LessonSnapshot } from '../../../../shared/lesson/model.js';
import type { FeatureClientHost, FeatureEvents } from './feature-client.js';

/**
 * The lesson's recording as this site sees it: whether it records, since when (the 「录制中」 indicator's
 * elapsed time), and — for the lead teacher under the course's `teacher_choice` policy — start and stop.
 * A recording the server had to cut short (disk low, media server lost) is told to the room.
 */
export class RecordingManager {
  #view = $state.raw<RecordingStateView>({ state: 'off', since: '', policy: 'teacher_choice' });
  #busy = $state(false);
  readonly #host: FeatureClientHost;
  readonly #isLeadTeacher: () => boolean;

  constructor(host: FeatureClientHost, isLeadTeacher: () => boolean) {
    this.#host = host;
    this.#isLeadTeacher = isLeadTeacher;
  }

  get recording(): boolean {
    return this.#view.state === 'recording';
  }

  get view(): RecordingStateView {
    return this.#view;
  }

  /** A start or stop is on its way (the button waits). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Only the lead teacher, and only when the course leaves it to her. */
  get canControl(): boolean {
    return this.#isLeadTeacher() && this.#view.policy === 'teacher_choice';
  }

  /** Seconds recorded so far at `nowMs` (0 when not recording). */
  elapsedSeconds(nowMs: number): number {
    if (!this.recording || !this.#view.since) return 0;
    return Math.max(0, Math.floor((nowMs - Date.parse(this.#view.since)) / 1000));
  }

  fromSnapshot(snapshot: Pick<LessonSnapshot, 'recording'>): void {
    this.#view = snapshot.recording;
  }

  readonly events: FeatureEvents<'recording:state'> = {
    'recording:state': (view) => {
      this.#view = view;
      if (view.state === 'off' && view.cut === 'disk_low') this.#host.notify('warning', 'lessonRecording.cut.disk_low');
      else if (view.state === 'off' && view.cut === 'worker_died') this.#host.notify('warning', 'lessonRecording.cut.worker_died');
    },
  };

  start = (): Promise<boolean> => this.#send('recording:start');
  stop = (): Promise<boolean> => this.#send('recording:stop');

  async #send(name: 'recording:start' | 'recording:stop'): Promise<boolean> {
    if (this.#busy) return false;
    this.#busy = true;
    try {
      return await this.#host.request(name, {});
    } finally {
      this.#busy = false;
    }
  }
}

/** 75 → "01:15", 3725 → "1:02:05": the indicator's clock. */
export function recordingClock(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}
