import type { RecordingCut, RecordingPolicy } from '../../../../shared/api/recordings.js';
import type { RecordingStateView } from '../../../../shared/lesson/features/recording.js';
import type { LessonSnapshot } from '../../../../shared/lesson/model.js';
import { ApiError } from '../../../core/errors.js';
import type { LessonParticipant } from '../../participant.js';
import type { FeatureHost, LessonFeature } from '../feature.js';

/**
 * What records the lesson (server/recordings/capture/ binds its LessonRecorder when the lesson starts). A
 * refusal is an ApiError with its code (`recording_disk_low`, `recording_unavailable`).
 */
export interface RecordingControl {
  start(startedBy: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The lesson's recording as the sites see it, and who may start and stop it: the lead teacher, only under
 * the course's `teacher_choice` policy (`always` records from the start and cannot be stopped; `never`
 * refuses). The recorder itself is elsewhere (it needs the media and FFmpeg): it binds here and tells the
 * feature each state it reaches, which every site is sent.
 */
export class LessonRecording implements LessonFeature {
  readonly name = 'recording';
  readonly #host: FeatureHost;
  #control: RecordingControl | null = null;
  #view: RecordingStateView;

  constructor(host: FeatureHost) {
    this.#host = host;
    this.#view = { state: 'off', since: host.lesson.options.startedAt.toISOString(), policy: 'teacher_choice' };
  }

  get view(): RecordingStateView {
    return this.#view;
  }

  /** The recorder of this lesson, and the course's policy it read. */
  bind(control: RecordingControl, policy: RecordingPolicy): void {
    this.#control = control;
    this.#view = { ...this.#view, policy };
  }

  snapshotFor(): Pick<LessonSnapshot, 'recording'> {
    return { recording: this.#view };
  }

  /** Lead teacher: start recording. Already recording: nothing changes. */
  async start(by: LessonParticipant): Promise<RecordingStateView> {
    if (!by.isLeadTeacher) throw new ApiError('forbidden');
    if (this.#view.policy === 'never') throw new ApiError('recording_not_allowed');
    if (this.#view.state === 'recording') return this.#view;
    if (!this.#control) throw new ApiError('recording_unavailable');
    await this.#control.start(by.identity.userId);
    return this.#view;
  }

  /** Lead teacher: stop recording. Not recording: nothing changes. */
  async stop(by: LessonParticipant): Promise<RecordingStateView> {
    if (!by.isLeadTeacher) throw new ApiError('forbidden');
    if (this.#view.policy === 'always') throw new ApiError('recording_required');
    if (this.#view.state === 'off' || !this.#control) return this.#view;
    await this.#control.stop();
    return this.#view;
  }

  /** The recorder reached a state: every site is told (and a site joining later finds it in its snapshot). */
  show(state: { state: 'off' | 'recording'; recordingId?: number; cut?: RecordingCut }, at: Date = new Date()): void {
    const { policy } = this.#view;
    this.#view = { ...state, since: at.toISOString(), policy };
    this.#host.broadcast('recording:state', this.#view);
  }
}
