/**
 * Tongke's recorder as the bench drives it: for each recorded producer a recording tap of the lesson
 * (media/recording-tap.ts) feeds one TrackWriter (server/recordings/capture/track-writer.ts: one FFmpeg,
 * codec copied into its own Matroska file at the store's track key), with key frames asked for until
 * FFmpeg has a picture, and the tap's first packet as the track's time 0 — what the live recorder does per
 * track, without the rows and the live feature around it.
 */
import { pino } from 'pino';

import type { LessonMedia, RecordingTapInfo } from '../../media/index.js';
import { RtpPortAllocator } from '../../server/recordings/capture/ports.js';
import { TrackWriter } from '../../server/recordings/capture/track-writer.js';
import type { RenderJob } from '../../server/recordings/render/repository.js';
import { DirectoryRecordingStore, trackKey } from '../../server/recordings/storage.js';
import { FFMPEG, processCpuSeconds } from './ffmpeg.js';
import type { RecordingRun } from './recording-run.js';
import type { LessonSource } from './source.js';
import { TEACHER } from './source.js';

const KEY_FRAME_EVERY_MS = 1000;
/** The store keys a recording's files by its lesson session: one made-up session for the bench. */
const LESSON_ID = 1;

/** The wall instant each tap's first packet left the worker (the lesson emits it once per tap). */
function firstPacketAt(lesson: LessonMedia, consumerId: string): Promise<number> {
  return new Promise((resolve) => {
    const listener = (event: { consumerId: string; at: Date }) => {
      if (event.consumerId !== consumerId) return;
      lesson.off('recording-flowing', listener);
      resolve(event.at.getTime());
    };
    lesson.on('recording-flowing', listener);
  });
}

interface RecordedTrack {
  readonly source: 'camera' | 'mic';
  readonly key: string;
  readonly tap: RecordingTapInfo;
  readonly writer: TrackWriter;
  readonly path: string;
  readonly startedAt: Promise<number>;
  cpu: number;
}

/** Starts Tongke's recording of the teacher's camera and microphone (two tracks) under `store`. */
export async function startTongkeRecording(lesson: LessonMedia, source: LessonSource, store: DirectoryRecordingStore, index: number, ports: RtpPortAllocator): Promise<RecordingRun> {
  // The track writers' warnings (an FFmpeg that had to be killed) still reach the console.
  const log = pino({ level: 'warn' });
  const tracks: RecordedTrack[] = [];
  const producers = [
    { producerId: source.cameraProducerId, what: 'camera' as const },
    { producerId: source.micProducerId, what: 'mic' as const },
  ];
  const startedAt = Date.now();
  for (const [n, { producerId, what }] of producers.entries()) {
    const pair = ports.take();
    const tap = await lesson.recordProducer(producerId, { ip: '127.0.0.1', ...pair });
    const key = trackKey(LESSON_ID, index + 1, n + 1, TEACHER, what);
    const path = await store.pathOf(key);
    const writer = TrackWriter.start({ ffmpegPath: FFMPEG, codec: tap.codec, ports: pair, outputPath: path, log });
    writer.once('exited', () => ports.release(pair));
    await writer.listening();
    const firstPacket = firstPacketAt(lesson, tap.consumerId);
    await lesson.resumeRecording(tap.consumerId);
    tracks.push({ source: what, key, tap, writer, path, startedAt: firstPacket, cpu: 0 });
  }
  // As the live recorder does: ask for key frames until FFmpeg has its first picture.
  const keyFrames = setInterval(() => {
    for (const track of tracks) {
      if (track.tap.kind === 'video' && !track.writer.hasPicture) {
        lesson.requestKeyFrame(track.tap.consumerId).catch((error: unknown) => console.warn('recording bench: key frame request failed', error));
      }
    }
  }, KEY_FRAME_EVERY_MS);
  for (const track of tracks) if (track.tap.kind === 'video') await lesson.requestKeyFrame(track.tap.consumerId);
  const sample = () => {
    for (const track of tracks) {
      // Once FFmpeg has exited its /proc entry is gone: the last reading stands.
      const now = track.writer.pid === undefined ? null : processCpuSeconds(track.writer.pid);
      if (now !== null) track.cpu = now;
    }
    return tracks.reduce((sum, t) => sum + t.cpu, 0);
  };
  const starts: number[] = [];
  let endedAt = 0;
  const renderJob = (): RenderJob => ({
    id: index + 1,
    lessonId: LESSON_ID,
    startedAt: new Date(startedAt),
    endedAt: new Date(endedAt),
    durationMs: endedAt - startedAt,
    // The rows the live recorder would have written for these tracks.
    tracks: tracks.map((track, i) => ({
      id: i + 1,
      recordingId: index + 1,
      participantId: TEACHER,
      siteName: 'lead teacher',
      role: 'teacher' as const,
      source: track.source,
      kind: track.tap.kind,
      fileKey: track.key,
      startedAt: new Date(starts[i]!),
      endedAt: new Date(endedAt),
      sizeBytes: null,
    })),
  });
  return {
    files: tracks.map((t) => t.path),
    offsetsMs: () => starts.map((at) => at - starts[0]!),
    cpuSeconds: sample,
    diagnostics: () => tracks.map((t) => `${t.source}: ${t.writer.stderrTail}`).join('\n'),
    async stop() {
      clearInterval(keyFrames);
      const cpu = sample();
      // A tap that never sent a packet has no time 0 (NaN): its offset is unknown, not zero.
      for (const track of tracks) starts.push(await Promise.race([track.startedAt, Promise.resolve(Number.NaN)]));
      endedAt = Date.now();
      await Promise.all(tracks.map((t) => t.writer.stop()));
      for (const track of tracks) lesson.stopRecording(track.tap.consumerId);
      return cpu;
    },
    render: { store, job: renderJob },
  };
}
