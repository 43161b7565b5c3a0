import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ProducerInfo } from '../../../media/index.js';
import type { RecordingCut } from '../../../shared/api/recordings.js';
import { ApiError } from '../../core/errors.js';
import type { LiveLesson } from '../../lessons/live-lesson.js';
import type { LessonMediaPort } from '../../lessons/media-port.js';
import type { RecordingControl } from '../../lessons/features/recording/recording.js';
import { RecordedTrack, type TrackDeps } from './recorded-track.js';

/** What the recorder needs of a running lesson (RunningLesson has it). */
export interface RecordableLesson {
  readonly lesson: LiveLesson;
  watchMedia(watcher: (media: LessonMediaPort) => void): void;
}

export interface LessonRecorderDeps extends TrackDeps {
  readonly nodeId: string;
  readonly log: Logger;
  /** The recording's title (the course and the day). */
  readonly title: string;
  /** No recording starts, and a running one stops, below this much free space (bytes). */
  readonly minFreeBytes: number;
  /** Whether FFmpeg can be run here (checked once by the service). */
  readonly ffmpegAvailable: () => boolean;
  /** A recording became `processing` (the lead wires this to the render jobs). */
  readonly onRecordingStopped: (recordingId: number) => void;
  /** How often a running recording checks the free space (default 5 s). */
  readonly diskCheckMs?: number;
}

interface ActiveRecording {
  readonly id: number;
  readonly startedBy: number | null;
  readonly tracks: Map<string, RecordedTrack>;
  /** Producers whose track is being started (not in `tracks` yet). */
  readonly starting: Set<string>;
  n: number;
  readonly diskTimer: NodeJS.Timeout;
}

/**
 * Decides what a live lesson's recording holds and keeps it so: the lead teacher's camera, microphone and
 * screen share, and the camera and microphone of sites on the stage. Tracks start and stop as sites go on
 * and off stage and producers come and go (each span its own track). A track whose FFmpeg dies is started
 * again as a new track. The worker dying stops the recording (`worker_died`, files kept) and a new one
 * starts once the media is rebuilt. Start and stop run one at a time.
 */
export class LessonRecorder implements RecordingControl {
  readonly #running: RecordableLesson;
  readonly #deps: LessonRecorderDeps;
  readonly #log: Logger;
  #media: LessonMediaPort | null = null;
  #active: ActiveRecording | null = null;
  /** Recording when the worker died: who started it, so the next one continues for them. */
  #resumeFor: { startedBy: number | null } | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(running: RecordableLesson, deps: LessonRecorderDeps) {
    this.#running = running;
    this.#deps = deps;
    this.#log = deps.log.child({ lessonSessionId: running.lesson.lessonSessionId });
    running.watchMedia((media) => this.#attach(media));
    const reconcile = () => void this.#reconcile();
    running.lesson.on('stage-changed', reconcile);
    running.lesson.on('participant-left', reconcile);
  }

  get recordingId(): number | null {
    return this.#active?.id ?? null;
  }

  /** The tracks being written now (for tests and diagnostics). */
  get tracks(): RecordedTrack[] {
    return [...(this.#active?.tracks.values() ?? [])];
  }

  /** @throws {ApiError} `recording_unavailable` (no FFmpeg, no media), `recording_disk_low`. */
  start(startedBy: number | null): Promise<void> {
    return this.#serially(() => this.#start(startedBy));
  }

  stop(cut: RecordingCut | null = null): Promise<void> {
    return this.#serially(() => this.#stop(cut));
  }

  /** The lesson ended or the server closes: stop (cut `server_stopped` for a server close) and start no more. */
  async close(cut: RecordingCut | null): Promise<void> {
    this.#closed = true;
    this.#resumeFor = null;
    await this.stop(cut);
  }

  async #start(startedBy: number | null): Promise<void> {
    if (this.#active || this.#closed) return;
    if (!this.#deps.ffmpegAvailable() || !this.#media) throw new ApiError('recording_unavailable');
    if ((await this.#deps.store.freeBytes()) < this.#deps.minFreeBytes) throw new ApiError('recording_disk_low');
    const { lesson } = this.#running;
    const startedAt = new Date();
    const id = await this.#deps.repo.createRecording({
      lessonSessionId: lesson.lessonSessionId,
      courseId: lesson.courseId,
      title: this.#deps.title,
      nodeId: this.#deps.nodeId,
      startedBy,
      startedAt,
    });
    const diskTimer = setInterval(() => void this.#checkDisk(), this.#deps.diskCheckMs ?? 5000);
    diskTimer.unref();
    this.#active = { id, startedBy, tracks: new Map(), starting: new Set(), n: 0, diskTimer };
    this.#log.info({ recordingId: id, startedBy }, 'recording started');
    lesson.features.recording.show({ state: 'recording', recordingId: id }, startedAt);
    await this.#reconcile();
  }

  async #stop(cut: RecordingCut | null): Promise<void> {
    const active = this.#active;
    if (!active) return;
    this.#active = null;
    clearInterval(active.diskTimer);
    const endedAt = new Date();
    // Tracks being started finish starting first, so none is left behind.
    while (active.starting.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([...active.tracks.values()].map((track) => track.stop(endedAt)));
    try {
      if (await this.#deps.repo.finishRecording(active.id, endedAt, cut)) this.#deps.onRecordingStopped(active.id);
    } catch (error) {
      this.#log.error({ err: error, recordingId: active.id }, 'could not record the end of a recording');
    }
    this.#log.info({ recordingId: active.id, cut }, 'recording stopped');
    const { lesson } = this.#running;
    if (!lesson.ended) lesson.features.recording.show({ state: 'off', recordingId: active.id, ...(cut ? { cut } : {}) }, endedAt);
  }

  #attach(media: LessonMediaPort): void {
    this.#media = media;
    media.on('producer-created', () => void this.#reconcile());
    media.on('producer-paused', ({ paused }) => {
      if (!paused) void this.#reconcile();
    });
    media.on('recording-flowing', ({ consumerId, at }) => this.#track(consumerId)?.flowing(at));
    media.on('recording-closed', ({ consumerId }) => this.#track(consumerId)?.tapClosed());
    media.on('closed', ({ reason }) => {
      if (reason !== 'worker-died' || !this.#active) return;
      this.#resumeFor = { startedBy: this.#active.startedBy };
      this.#log.error({ recordingId: this.#active.id }, 'media worker died while recording: the recording stops, its files are kept');
      void this.stop('worker_died');
    });
    // Rebuilt on a live worker after a death while recording: a new recording continues.
    const resume = this.#resumeFor;
    if (resume && !this.#closed && !this.#running.lesson.ended) {
      this.#resumeFor = null;
      this.start(resume.startedBy).catch((error: unknown) => this.#log.error({ err: error }, 'could not resume recording after the media was rebuilt'));
    }
  }

  #track(consumerId: string): RecordedTrack | undefined {
    return [...(this.#active?.tracks.values() ?? [])].find((track) => track.consumerId === consumerId);
  }

  /** Whose producers the recording holds: the lead teacher's (all three), and camera + mic of the stage. */
  #wanted(producer: ProducerInfo): 'teacher' | 'stage' | null {
    const owner = this.#running.lesson.find(producer.participantId);
    if (!owner) return null;
    if (owner.isLeadTeacher) return 'teacher';
    return owner.onStage && producer.source !== 'screen' ? 'stage' : null;
  }

  /** Starts the tracks that should run and stops those that should not. */
  async #reconcile(): Promise<void> {
    const active = this.#active;
    const media = this.#media;
    if (!active || !media || this.#active !== active) return;
    const producers = media.producers;
    for (const [producerId, track] of active.tracks) {
      const producer = producers.find((p) => p.producerId === producerId);
      if (producer && this.#wanted(producer)) continue;
      active.tracks.delete(producerId);
      void track.stop();
    }
    // A paused producer sends nothing: its track starts when it resumes.
    const toStart = producers.filter((p) => !p.paused && !active.tracks.has(p.producerId) && !active.starting.has(p.producerId) && this.#wanted(p));
    await Promise.all(toStart.map((producer) => this.#startTrack(active, media, producer)));
  }

  async #startTrack(active: ActiveRecording, media: LessonMediaPort, producer: ProducerInfo): Promise<void> {
    const role = this.#wanted(producer);
    const owner = this.#running.lesson.find(producer.participantId);
    if (!role || !owner) return;
    active.starting.add(producer.producerId);
    try {
      const plan = { lessonId: this.#running.lesson.lessonSessionId, recordingId: active.id, n: ++active.n, producer, role, siteName: owner.identity.displayName };
      const track = await RecordedTrack.start(media, plan, this.#deps, this.#log);
      active.tracks.set(producer.producerId, track);
      void track.done.then((exit) => this.#trackEnded(active, track, exit.expected));
    } catch (error) {
      this.#log.error({ err: error, producerId: producer.producerId }, 'could not start recording a producer');
    } finally {
      active.starting.delete(producer.producerId);
    }
  }

  /** A track ended: if nobody asked (FFmpeg crashed, or gave up on a paused producer), a new track takes over. */
  #trackEnded(active: ActiveRecording, track: RecordedTrack, expected: boolean): void {
    if (active.tracks.get(track.producerId) !== track) return;
    active.tracks.delete(track.producerId);
    if (expected || this.#active !== active) return;
    this.#log.warn({ recordingId: active.id, producerId: track.producerId }, 'recorded track ended by itself; recording it again as a new track');
    void this.#reconcile();
  }

  async #checkDisk(): Promise<void> {
    try {
      if ((await this.#deps.store.freeBytes()) >= this.#deps.minFreeBytes) return;
      this.#log.error({ recordingId: this.#active?.id }, 'recordings disk is low: the recording stops');
      await this.stop('disk_low');
    } catch (error) {
      this.#log.error({ err: error }, 'could not check the recordings disk');
    }
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
