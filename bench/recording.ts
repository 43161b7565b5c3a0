/**
 * Recording (录播): what it costs to record a lesson and how many recordings one core carries. A lead
 * teacher's camera (VP8 720p25 ~1 Mbit/s) and microphone (Opus) flow as real RTP into a real LessonMedia
 * (bench/recording/source.ts); Tongke's recorder (a recording tap + one TrackWriter FFmpeg per track, as
 * server/recordings/capture/ runs them) and the baseline (bare FFmpeg: plain consumers → one FFmpeg
 * `-c copy` into one file, bench/recording/bare.ts) record it in turn, first one at a time, then N at once.
 *
 * Per step: CPU of the recorders' FFmpeg children (/proc/<pid>/stat) and of the mediasoup worker beyond what
 * it spends forwarding the source anyway, over a window after the start-up; the recorded files' video
 * frames (ffprobe) against what their span implies. The source flashes white and beeps every 2 s: the A/V
 * offset of each recording is read back from its file(s) with signalstats and silencedetect.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MediaWorkerPool, type LessonMedia, type MediaLogger } from '../media/index.js';
import { delay } from '../media/testing/rtp.js';
import { RtpPortAllocator } from '../server/recordings/capture/ports.js';
import { DirectoryRecordingStore } from '../server/recordings/storage.js';
import { PortPairs, startBareRecording } from './recording/bare.js';
import type { RecordingRun } from './recording/recording-run.js';
import { beepOnsets, countVideoFrames, flashOnsets, pairOffsets } from './recording/ffmpeg.js';
import { FRAMES_PER_SECOND, SYNC_PERIOD_SECONDS, lessonFile, startLessonSource, type LessonSource } from './recording/source.js';
import { renderCost } from './recording/render.js';
import { startTongkeRecording } from './recording/tongke.js';
import { ratios, round, type BenchOptions, type BenchResult, type Benchmark } from './result.js';

/** Loopback ports of this bench (55000–55999): FFmpeg listens low, the worker's transports use the top. */
const PORTS = { ffmpegFrom: 55000, ffmpegTo: 55699, webRtcServer: 55790, rtcMin: 55800, rtcMax: 55999 };
const MISSING_FRAMES_LIMIT_PCT = 1;
/** A core is "full" a little before 100 %: the machine's other work and the sampling need room. */
const CORE_LIMIT = 0.9;
/** Start-up left out of every measurement: FFmpeg starting, the first key frame, the first sender report. */
const SETTLE_MS = 2500;

type SideName = 'tongke' | 'bare';

interface Bench {
  readonly pool: MediaWorkerPool;
  readonly lesson: LessonMedia;
  readonly source: LessonSource;
  readonly folder: string;
  /** Worker CPU seconds per second spent forwarding the source with no recorder attached. */
  idleWorkerRate: number;
  nextIndex: number;
  start(side: SideName, folder: string): Promise<RecordingRun>;
}

interface Session {
  side: SideName;
  recordings: number;
  seconds: number;
  recorderCpuSeconds: number;
  workerCpuSeconds: number;
  /** Cores the N recordings use together (recorders + their share of the worker). */
  cores: number;
  maxMissingPct: number;
  bytesPerHour: number;
  runs: RecordingRun[];
}

const silent: MediaLogger = { info: () => undefined, warn: () => undefined, error: (obj, msg) => console.error(`recording bench worker: ${msg}`, obj) };

async function workerCpuSeconds(pool: MediaWorkerPool): Promise<number> {
  const usage = await pool.resourceUsage();
  return usage.reduce((sum, w) => sum + w.usage.ru_utime + w.usage.ru_stime, 0) / 1000;
}

/** How long a recorder may take to write its files' headers (FFmpeg started, first key frame in) on a busy machine. */
const FILES_WITHIN_MS = 20_000;

/** Waits until the recorder has begun every file: on a loaded machine FFmpeg can take seconds to start. */
async function filesWritten(run: RecordingRun): Promise<void> {
  const deadline = Date.now() + FILES_WITHIN_MS;
  while (!run.files.every((file) => existsSync(file))) {
    if (Date.now() > deadline) throw new Error(`the recorder wrote no ${run.files.filter((f) => !existsSync(f)).join(', ')} within ${FILES_WITHIN_MS} ms:\n${run.diagnostics()}`);
    await delay(100);
  }
}

/** N recordings of one side at once, measured over `seconds` after the start-up. */
async function session(bench: Bench, side: SideName, recordings: number, seconds: number): Promise<Session> {
  const folder = mkdtempSync(join(bench.folder, `${side}-${recordings}-`));
  const runs: RecordingRun[] = [];
  for (let i = 0; i < recordings; i++) runs.push(await bench.start(side, folder));
  for (const run of runs) await filesWritten(run);
  await delay(SETTLE_MS);
  const worker0 = await workerCpuSeconds(bench.pool);
  const recorder0 = runs.reduce((sum, r) => sum + r.cpuSeconds(), 0);
  const t0 = performance.now();
  await delay(seconds * 1000);
  const worker1 = await workerCpuSeconds(bench.pool);
  const recorder1 = runs.reduce((sum, r) => sum + r.cpuSeconds(), 0);
  const wall = (performance.now() - t0) / 1000;
  for (const run of runs) await run.stop();
  // One ffprobe at a time: the machine is shared, and the count does not hurry.
  const counts = [];
  for (const run of runs) counts.push(await countVideoFrames(run.files[0]!, FRAMES_PER_SECOND));
  const bytes = runs.flatMap((run) => run.files).reduce((sum, file) => sum + statSync(file).size, 0);
  const recordedSeconds = counts.reduce((sum, c) => sum + c.fileSeconds, 0);
  const recorderCpuSeconds = recorder1 - recorder0;
  const workerShare = Math.max(0, worker1 - worker0 - bench.idleWorkerRate * wall);
  return {
    side,
    recordings,
    seconds: round(wall, 1),
    recorderCpuSeconds: round(recorderCpuSeconds, 2),
    workerCpuSeconds: round(workerShare, 2),
    cores: round((recorderCpuSeconds + workerShare) / wall, 3),
    maxMissingPct: round(Math.max(...counts.map((c) => c.missingPct)), 2),
    bytesPerHour: recordedSeconds > 0 ? Math.round((bytes / recordedSeconds) * 3600) : 0,
    runs,
  };
}

/**
 * Bare FFmpeg times each RTP stream by its own clock until that stream's first RTCP sender report, which
 * mediasoup sends every second for video but every 5 s for audio: before then its audio and video are not
 * in sync at all (hundreds of ms). Its steady offset is read after that.
 */
const BARE_SYNCED_AFTER_MS = 6000;

/** audio − video offsets (ms) of one recording, in programme time; flashes before `settleMs` are left out. */
async function avOffsets(run: Pick<RecordingRun, 'files' | 'offsetsMs'>, settleMs = SETTLE_MS): Promise<number[]> {
  const [videoFile, audioFile = videoFile] = run.files;
  if (!videoFile || !audioFile) return [];
  const [videoAt = 0, audioAt = videoAt] = run.offsetsMs();
  if (!Number.isFinite(videoAt) || !Number.isFinite(audioAt)) return [];
  const settled = (t: number) => t >= settleMs / 1000;
  const flashes = (await flashOnsets(videoFile)).filter(settled).map((t) => t + videoAt / 1000);
  const beeps = (await beepOnsets(audioFile)).filter(settled).map((t) => t + audioAt / 1000);
  return pairOffsets(flashes, beeps, SYNC_PERIOD_SECONDS);
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);
const maxAbs = (values: readonly number[]) => (values.length ? Math.max(...values.map(Math.abs)) : Number.NaN);

async function openBench(): Promise<Bench> {
  const pool = await MediaWorkerPool.create({
    workerCount: 1,
    rtcMinPort: PORTS.rtcMin,
    rtcMaxPort: PORTS.rtcMax,
    listenIp: '127.0.0.1',
    announcedIp: '',
    webRtcServerPort: PORTS.webRtcServer,
    logger: silent,
  });
  const lesson = await pool.createLessonMedia({ lessonId: 'recording-bench' });
  const source = await startLessonSource(lesson, await lessonFile());
  const folder = mkdtempSync(join(tmpdir(), 'tongke-bench-recording-run-'));
  const barePorts = new PortPairs(PORTS.ffmpegFrom, PORTS.ffmpegFrom + 349);
  const tongkePorts = new RtpPortAllocator({ min: PORTS.ffmpegFrom + 350, max: PORTS.ffmpegTo });
  const bench: Bench = {
    pool,
    lesson,
    source,
    folder,
    idleWorkerRate: 0,
    nextIndex: 0,
    start: (side, into) => {
      const index = bench.nextIndex++;
      return side === 'bare' ? startBareRecording(lesson, source, into, index, barePorts) : startTongkeRecording(lesson, source, new DirectoryRecordingStore(into), index, tongkePorts);
    },
  };
  return bench;
}

export async function runRecording(options: BenchOptions): Promise<BenchResult> {
  const seconds = options.quick ? 3 : 8;
  const sizes = options.quick ? [1, 2] : [1, 4, 16];
  const bench = await openBench();
  try {
    // The worker forwards the source to nobody: what it spends anyway, taken off every step.
    await delay(SETTLE_MS);
    const idle0 = await workerCpuSeconds(bench.pool);
    const idleStart = performance.now();
    await delay(Math.min(seconds, 5) * 1000);
    bench.idleWorkerRate = (await workerCpuSeconds(bench.pool)) - idle0;
    bench.idleWorkerRate /= (performance.now() - idleStart) / 1000;

    const sessions: Session[] = [];
    const sustained: Record<SideName, Session | null> = { tongke: null, bare: null };
    const stopped: Record<SideName, boolean> = { tongke: false, bare: false };
    for (const n of sizes) {
      // Sides alternate per size, so a slow moment of the shared machine does not fall on one side only.
      for (const side of ['tongke', 'bare'] as const) {
        if (stopped[side]) continue;
        const result = await session(bench, side, n, seconds);
        sessions.push(result);
        const holds = result.maxMissingPct <= MISSING_FRAMES_LIMIT_PCT && result.cores < CORE_LIMIT;
        if (holds) sustained[side] = result;
        else stopped[side] = true;
      }
    }
    const single = (side: SideName) => sessions.find((s) => s.side === side && s.recordings === 1)!;
    const offsets = { tongke: await avOffsets(single('tongke').runs[0]!), bare: await avOffsets(single('bare').runs[0]!, BARE_SYNCED_AFTER_MS) };
    const render = await renderCost(single('tongke').runs[0]!);
    const renditionOffsets = await avOffsets({ files: [render.highPath], offsetsMs: () => [0] });
    const figuresOf = (side: SideName): Record<string, number> => {
      const one = single(side);
      const best = sustained[side];
      // CPU from the largest step that held: N recordings give N times the ticks of one, so a finer figure.
      const measured = best ?? one;
      const perHour = (cpu: number) => round((cpu / measured.recordings / measured.seconds) * 3600, 1);
      return {
        cpuSecondsPerRecordedHour: perHour(measured.recorderCpuSeconds + measured.workerCpuSeconds),
        recorderCpuSecondsPerRecordedHour: perHour(measured.recorderCpuSeconds),
        workerCpuSecondsPerRecordedHour: perHour(measured.workerCpuSeconds),
        diskMbPerRecordedHour: round(one.bytesPerHour / 1e6, 0),
        sustainedRecordings: best?.recordings ?? 0,
        recordingsPerCoreEstimate: best && best.cores > 0 ? Math.floor((CORE_LIMIT * best.recordings) / best.cores) : 0,
        missingFramesPctAtLargestN: sessions.filter((s) => s.side === side).at(-1)!.maxMissingPct,
        avOffsetMeanMs: round(mean(offsets[side]), 1),
        avOffsetMaxAbsMs: round(maxAbs(offsets[side]), 1),
      };
    };
    const perRecordedHour = (value: number) => (value / render.recordingSeconds) * 3600;
    const figures = {
      ...figuresOf('tongke'),
      renderCpuSecondsPerRecordedHour: round(perRecordedHour(render.cpuSeconds), 0),
      highRenditionMbPerRecordedHour: round(perRecordedHour(render.highBytes) / 1e6, 0),
      lowRenditionMbPerRecordedHour: round(perRecordedHour(render.lowBytes) / 1e6, 0),
      avOffsetRenditionMeanMs: round(mean(renditionOffsets), 1),
      avOffsetRenditionMaxAbsMs: round(maxAbs(renditionOffsets), 1),
    };
    const baseline = figuresOf('bare');
    return {
      name: 'recording',
      parameters: {
        source: 'VP8 1280x720 25 fps ~1 Mbit/s + Opus 48 kbit/s, flash+beep every 2 s',
        secondsPerStep: seconds,
        settleSeconds: SETTLE_MS / 1000,
        recordings: sizes,
        missingFramesLimitPct: MISSING_FRAMES_LIMIT_PCT,
        coreLimit: CORE_LIMIT,
      },
      figures,
      baseline,
      ratio: ratios(figures, baseline),
      steps: [
        { side: 'worker idle', workerCpuPerSecond: round(bench.idleWorkerRate, 4) },
        ...sessions.map(({ runs: _runs, ...step }) => ({ ...step })),
        { side: 'tongke', avOffsetsMs: offsets.tongke.map((o) => round(o, 0)).join('/') },
        { side: 'bare', avOffsetsMs: offsets.bare.map((o) => round(o, 0)).join('/') },
        {
          side: 'tongke render',
          recordingSeconds: round(render.recordingSeconds, 1),
          cpuSeconds: round(render.cpuSeconds, 2),
          wallSeconds: round(render.wallSeconds, 1),
          highBytes: render.highBytes,
          lowBytes: render.lowBytes,
          avOffsetsMs: renditionOffsets.map((o) => round(o, 0)).join('/'),
        },
      ],
      notes: [
        'One recording = the teacher camera + microphone. Tongke: a recording tap and one FFmpeg per track (two files); bare: two plain consumers into ONE FFmpeg (one file), so Tongke runs twice the processes.',
        `CPU = FFmpeg children (/proc/<pid>/stat) + the worker beyond its idle forwarding, over ${seconds} s after a ${SETTLE_MS / 1000} s start-up, scaled to an hour.`,
        `sustainedRecordings: the largest N measured (of ${sizes.join(', ')}) with ≤ ${MISSING_FRAMES_LIMIT_PCT} % missing video frames and < ${CORE_LIMIT} core; recordingsPerCoreEstimate scales its per-recording CPU to ${CORE_LIMIT} core.`,
        `A/V offset: audio − video at each flash/beep, in programme time (Tongke: each track placed at its first packet, as the renderer places it; bare: FFmpeg syncs the two streams by their RTCP sender reports, so only flashes after ${BARE_SYNCED_AFTER_MS / 1000} s count — before the audio stream's first report its offset is arbitrary, hundreds of ms).`,
        'Render: renderRecording (server/recordings/render/) on the one-recording step, both renditions in one FFmpeg run at nice 10; CPU of its reaped children (FFmpeg + ffprobe), scaled from the short recording to an hour. A/V offset of the rendition read from its high MP4.',
        'The machine is shared (2 cores, other sessions running): CPU figures are upper bounds and the steps show the spread.',
      ],
    };
  } finally {
    await bench.source.close();
    bench.pool.close();
    rmSync(bench.folder, { recursive: true, force: true });
  }
}

export const recordingBenchmark: Benchmark = {
  name: 'recording',
  description: 'lesson recording: CPU per recorded hour, recordings per core, A/V offset — Tongke recorder vs bare FFmpeg',
  run: runRecording,
};
