import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ProducerInfo, RecordingTapInfo } from '../../../media/index.js';
import type { RecordingTrackRole } from '../../../shared/api/recordings.js';
import type { LessonMediaPort } from '../../lessons/media-port.js';
import { trackKey, type RecordingStore } from '../storage.js';
import type { RtpPortAllocator, RtpPortPair } from './ports.js';
import type { CaptureRepository } from './repository.js';
import { TrackWriter, type TrackWriterExit } from './track-writer.js';

/** What every track of the recorder shares. */
export interface TrackDeps {
  readonly repo: CaptureRepository;
  readonly store: RecordingStore;
  readonly ports: RtpPortAllocator;
  readonly ffmpegPath: string;
  /** Key frames are asked for this often until FFmpeg has a picture (default 2 s). */
  readonly keyFrameEveryMs?: number;
  readonly stopTimeoutMs?: number;
}

export interface TrackPlan {
  readonly lessonId: number;
  readonly recordingId: number;
  /** Its number in the recording (the order tracks started). */
  readonly n: number;
  readonly producer: ProducerInfo;
  readonly role: RecordingTrackRole;
  readonly siteName: string;
}

/**
 * One recorded producer span: a tap from the SFU, an FFmpeg writing its file, and its `recording_tracks`
 * row — written when the first packet arrives (its startedAt is that instant), ended when the track stops.
 * `done` settles when FFmpeg has exited and the row is ended, whatever ended it.
 */
export class RecordedTrack {
  readonly plan: TrackPlan;
  readonly key: string;
  readonly #deps: TrackDeps;
  readonly #media: LessonMediaPort;
  readonly #log: Logger;
  readonly #ports: RtpPortPair;
  readonly #tap: RecordingTapInfo;
  readonly #writer: TrackWriter;
  #trackId: Promise<number> | null = null;
  #endedAt: Date | null = null;
  #keyFrames: NodeJS.Timeout | null = null;
  readonly done: Promise<TrackWriterExit>;

  /** Opens the tap, starts FFmpeg, waits until it listens, then lets media flow. */
  static async start(media: LessonMediaPort, plan: TrackPlan, deps: TrackDeps, log: Logger): Promise<RecordedTrack> {
    const ports = deps.ports.take();
    let tap: RecordingTapInfo | null = null;
    let writer: TrackWriter | null = null;
    try {
      tap = await media.recordProducer(plan.producer.producerId, { ip: '127.0.0.1', ...ports });
      const key = trackKey(plan.lessonId, plan.recordingId, plan.n, plan.producer.participantId, plan.producer.source);
      writer = TrackWriter.start({ ffmpegPath: deps.ffmpegPath, codec: tap.codec, ports, outputPath: await deps.store.pathOf(key), log, stopTimeoutMs: deps.stopTimeoutMs });
      await writer.listening();
      const track = new RecordedTrack(media, plan, deps, log, { ports, tap, writer, key });
      await media.resumeRecording(tap.consumerId);
      track.#askKeyFrames();
      return track;
    } catch (error) {
      if (tap) media.stopRecording(tap.consumerId);
      if (writer) await writer.stop();
      deps.ports.release(ports);
      throw error;
    }
  }

  private constructor(media: LessonMediaPort, plan: TrackPlan, deps: TrackDeps, log: Logger, parts: { ports: RtpPortPair; tap: RecordingTapInfo; writer: TrackWriter; key: string }) {
    this.plan = plan;
    this.key = parts.key;
    this.#deps = deps;
    this.#media = media;
    this.#log = log.child({ recordingId: plan.recordingId, track: parts.key });
    this.#ports = parts.ports;
    this.#tap = parts.tap;
    this.#writer = parts.writer;
    this.#writer.once('picture', () => this.#stopKeyFrames());
    this.done = new Promise((resolve) => {
      this.#writer.once('exited', (exit) => void this.#finish(exit).then(() => resolve(exit)));
    });
  }

  get consumerId(): string {
    return this.#tap.consumerId;
  }

  get producerId(): string {
    return this.plan.producer.producerId;
  }

  /** The tap's first packet left the SFU: the track's time 0, and its row. */
  flowing(at: Date): void {
    this.#trackId ??= this.#deps.repo.addTrack({
      recordingId: this.plan.recordingId,
      participantId: this.plan.producer.participantId,
      siteName: this.plan.siteName,
      role: this.plan.role,
      source: this.plan.producer.source,
      kind: this.plan.producer.kind,
      fileKey: this.key,
      startedAt: at,
    });
  }

  /** The recorded layer or source changed (FFmpeg needs a key frame to go on with a picture). */
  keyFrame(): void {
    if (this.plan.producer.kind !== 'video') return;
    this.#media.requestKeyFrame(this.#tap.consumerId).catch((error: unknown) => this.#log.warn({ err: error }, 'key frame request failed'));
  }

  /**
   * Stops the track: FFmpeg is signalled while the tap still sends (it reads the signal between packets),
   * then the tap closes. Resolves when the file is finished and the row ended.
   */
  stop(endedAt: Date = new Date()): Promise<TrackWriterExit> {
    this.#endedAt ??= endedAt;
    this.#stopKeyFrames();
    // Nothing ever arrived (a producer that never sent): no file to finish, so no waiting for FFmpeg.
    const exited = this.#trackId ? this.#writer.stop() : this.#writer.kill();
    // Once FFmpeg is done, or a moment later at most (it may be waiting for packets that will not come).
    const closeTap = setTimeout(() => this.#media.stopRecording(this.#tap.consumerId), 1000);
    void exited.then(() => {
      clearTimeout(closeTap);
      this.#media.stopRecording(this.#tap.consumerId);
    });
    return this.done;
  }

  /** The tap ended under the track (its producer closed, the worker died): the track ends now. */
  tapClosed(): void {
    void this.stop();
  }

  #askKeyFrames(): void {
    if (this.plan.producer.kind !== 'video') return;
    this.keyFrame();
    this.#keyFrames = setInterval(() => this.keyFrame(), this.#deps.keyFrameEveryMs ?? 2000);
    this.#keyFrames.unref();
  }

  #stopKeyFrames(): void {
    if (this.#keyFrames) clearInterval(this.#keyFrames);
    this.#keyFrames = null;
  }

  async #finish(exit: TrackWriterExit): Promise<void> {
    this.#stopKeyFrames();
    this.#deps.ports.release(this.#ports);
    this.#media.stopRecording(this.#tap.consumerId);
    const endedAt = this.#endedAt ?? new Date();
    const summary = { code: exit.code, signal: exit.signal, stderr: exit.stderrTail || undefined };
    if (exit.expected) this.#log.info(summary, 'track finished');
    else this.#log.warn(summary, 'FFmpeg of a recorded track ended by itself');
    try {
      const trackId = await this.#trackId;
      if (trackId === undefined || trackId === null) return; // nothing ever arrived: no track
      await this.#deps.repo.endTrack(trackId, endedAt, await this.#deps.store.sizeOf(this.key));
    } catch (error) {
      this.#log.error({ err: error }, 'could not record the end of a track');
    }
  }
}
