import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LessonRegistry } from '../../lessons/registry.js';
import type { RunningLesson } from '../../lessons/running-lesson.js';
import type { RecordingStore } from '../storage.js';
import { LessonRecorder } from './lesson-recorder.js';
import { RtpPortAllocator } from './ports.js';
import type { CaptureRepository } from './repository.js';

export interface LessonRecordingsOptions {
  readonly repo: CaptureRepository;
  readonly store: RecordingStore;
  readonly ffmpegPath: string;
  /** config.recordingMinFreeMb, in MiB. */
  readonly minFreeMb: number;
  readonly nodeId: string;
  readonly log: Logger;
  /** A recording became `processing`: the lead wires it to the render jobs (`RecordingJobs.kick()`). */
  readonly onRecordingStopped?: (recordingId: number) => void;
  /** Where FFmpeg's RTP is received (default 39000–39999). */
  readonly ports?: { min: number; max: number };
  readonly diskCheckMs?: number;
  readonly stopTimeoutMs?: number;
}

const SHANGHAI_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The recording's title: the course and the lesson's day (Asia/Shanghai), e.g. 「四年级音乐 2026-11-30」. */
export const recordingTitle = (courseName: string, at: Date): string => `${courseName} ${SHANGHAI_DAY.format(at)}`;

/**
 * Server-side recording of live lessons on this node: a LessonRecorder for every lesson the registry
 * starts, bound to the lesson's `recording` feature (which holds the rules and tells the sites), recording
 * from the start under the course's `always` policy. On start-up, recordings an earlier run of this node
 * left `recording` are finished (`processing`, cut `server_stopped`); on close every recording stops
 * cleanly, cut `server_stopped`.
 */
export class LessonRecordings {
  readonly #options: LessonRecordingsOptions;
  readonly #ports: RtpPortAllocator;
  readonly #recorders = new Map<number, LessonRecorder>();
  readonly #pending = new Set<Promise<unknown>>();
  #ffmpegAvailable = false;
  #closed = false;

  static async create(registry: Pick<LessonRegistry, 'on' | 'beforeEnd'>, options: LessonRecordingsOptions): Promise<LessonRecordings> {
    const recordings = new LessonRecordings(options);
    recordings.#ffmpegAvailable = await ffmpegRuns(options.ffmpegPath);
    if (!recordings.#ffmpegAvailable) options.log.error({ ffmpeg: options.ffmpegPath }, 'FFmpeg cannot be run: lessons cannot be recorded');
    await recordings.#recoverAbandoned();
    registry.on('lesson-started', (running) => recordings.#track(recordings.#lessonStarted(running)));
    // A lesson's recording stops before its media closes: FFmpeg finishes each file at once while packets flow.
    registry.beforeEnd((lessonSessionId) => recordings.#lessonEnded(lessonSessionId));
    return recordings;
  }

  private constructor(options: LessonRecordingsOptions) {
    this.#options = options;
    this.#ports = new RtpPortAllocator(options.ports);
  }

  /** The recorder of a live lesson (for tests and diagnostics). */
  recorderOf(lessonSessionId: number): LessonRecorder | undefined {
    return this.#recorders.get(lessonSessionId);
  }

  /** Stops every recording (cut `server_stopped`), before the lessons' media closes. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#recorders.values()].map((recorder) => recorder.close('server_stopped')));
    this.#recorders.clear();
    await Promise.all(this.#pending);
  }

  async #lessonStarted(running: RunningLesson): Promise<void> {
    if (this.#closed) return;
    const { lesson } = running;
    // A teaching-research meeting (协同教研) is teachers talking, not a lesson: it is never recorded.
    if (lesson.research) return;
    const course = await this.#options.repo.courseRecording(lesson.courseId);
    const log = this.#options.log.child({ lessonSessionId: lesson.lessonSessionId });
    const recorder = new LessonRecorder(running, {
      repo: this.#options.repo,
      store: this.#options.store,
      ports: this.#ports,
      ffmpegPath: this.#options.ffmpegPath,
      stopTimeoutMs: this.#options.stopTimeoutMs,
      nodeId: this.#options.nodeId,
      log,
      title: recordingTitle(course.name, lesson.options.startedAt),
      minFreeBytes: this.#options.minFreeMb * 1024 * 1024,
      ffmpegAvailable: () => this.#ffmpegAvailable,
      onRecordingStopped: (recordingId) => this.#stopped(recordingId),
      diskCheckMs: this.#options.diskCheckMs,
    });
    if (lesson.ended) return;
    this.#recorders.set(lesson.lessonSessionId, recorder);
    lesson.features.recording.bind(recorder, course.policy);
    if (course.policy !== 'always') return;
    try {
      await recorder.start(null);
    } catch (error) {
      // The sites see that nothing records; the teacher can read why in the logs' words on the admin side.
      log.error({ err: error }, 'the course records always, but the recording could not start');
    }
  }

  async #lessonEnded(lessonSessionId: number): Promise<void> {
    const recorder = this.#recorders.get(lessonSessionId);
    this.#recorders.delete(lessonSessionId);
    await recorder?.close(null);
  }

  /** Recordings this node left `recording` (a crash): their open tracks end at their file's last write. */
  async #recoverAbandoned(): Promise<void> {
    const { repo, store, nodeId, log } = this.#options;
    for (const abandoned of await repo.abandoned(nodeId)) {
      let endedAt = abandoned.startedAt;
      for (const track of abandoned.openTracks) {
        const size = await store.sizeOf(track.fileKey);
        const lastWrite = size === null ? track.startedAt : (await stat(await store.pathOf(track.fileKey))).mtime;
        await repo.endTrack(track.id, lastWrite, size);
        if (lastWrite > endedAt) endedAt = lastWrite;
      }
      if (await repo.finishRecording(abandoned.id, endedAt, 'server_stopped')) this.#stopped(abandoned.id);
      log.warn({ recordingId: abandoned.id, tracks: abandoned.openTracks.length }, 'finished a recording left open by an earlier run');
    }
  }

  #stopped(recordingId: number): void {
    try {
      this.#options.onRecordingStopped?.(recordingId);
    } catch (error) {
      this.#options.log.error({ err: error, recordingId }, 'onRecordingStopped failed');
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#options.log.error({ err: error }, 'lesson recording bookkeeping failed'));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}

/** Whether FFmpeg runs (`-version`) within a few seconds. */
function ffmpegRuns(ffmpegPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(ffmpegPath, ['-version'], { timeout: 5000 }, (error) => resolve(!error));
  });
}
