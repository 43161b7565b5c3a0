import type { RecordingRendition } from '../../../shared/api/recordings.js';
import { renditionKey, type RecordingStore } from '../storage.js';
import { renderArguments, HIGH, LOW } from './ffmpeg-args.js';
import { planProgramme, type ProgrammeTrack } from './layout.js';
import { ffprobeBeside, RenderFailed, runTool } from './process.js';
import { probeRendition, trackMediaMs } from './probe.js';
import type { RenderJob, RenditionMade } from './repository.js';

/** A rendition may differ from the recording's length by this much and still count as the whole lesson. */
export const DURATION_TOLERANCE_MS = 3_000;
/** The render runs at this nice value: live lessons on the same cores come first. */
export const RENDER_NICENESS = 10;

export interface RenderOptions {
  store: RecordingStore;
  ffmpegPath: string;
  /** 0–99 as FFmpeg gets through the programme (100 is the job's, once the files are checked). */
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
}

export interface RenderResult {
  durationMs: number;
  high: RenditionMade;
  low: RenditionMade;
  /** FFmpeg's warnings (a truncated track's "ended prematurely"), for the log. */
  warnings: string;
}

/**
 * Makes a recording playable: reads how much media each track file really holds, plans the programme,
 * renders both renditions in one FFmpeg run and checks them with ffprobe (one video and one audio stream,
 * the recording's length within ±3 s) before saying they are made. The track files are left as they were:
 * they are the original, and a later, better render (or a different layout) can be made from them.
 * Throws RenderFailed with the reason a teacher is told.
 */
export async function renderRecording(job: RenderJob, options: RenderOptions): Promise<RenderResult> {
  const { store, ffmpegPath, signal } = options;
  const ffprobe = ffprobeBeside(ffmpegPath);
  if (job.tracks.length === 0) throw new RenderFailed('no_media', 'the recording has no tracks');

  const inputs = new Map<number, string>();
  const tracks: ProgrammeTrack[] = [];
  let present = 0;
  for (const track of job.tracks) {
    const size = await store.sizeOf(track.fileKey);
    if (size === null) continue;
    present++;
    const path = await store.pathOf(track.fileKey);
    const mediaMs = size === 0 ? null : await trackMediaMs(ffprobe, path, signal);
    if (mediaMs === null || mediaMs <= 0) continue;
    inputs.set(track.id, path);
    tracks.push({ ...track, mediaMs });
  }
  if (present === 0) throw new RenderFailed('files_missing', `none of the ${job.tracks.length} track files is in the store`);

  const plan = planProgramme(job, tracks);
  if (plan.durationMs <= 0 || (plan.video.length === 0 && plan.audio.length === 0)) throw new RenderFailed('no_media', 'no track holds media inside the recording');

  const keys = { high: renditionKey(job.lessonId, job.id, 'high'), low: renditionKey(job.lessonId, job.id, 'low') };
  const paths = { inputs, high: await store.pathOf(keys.high), low: await store.pathOf(keys.low) };
  let reported = -1;
  const run = await runTool(ffmpegPath, renderArguments(plan, paths), {
    signal,
    niceness: RENDER_NICENESS,
    onLine: (line) => {
      // `-progress` reports out_time_us (out_time_ms is microseconds too, for historical reasons).
      const match = /^out_time_us=(\d+)$/.exec(line);
      if (!match) return;
      const progress = Math.min(99, Math.floor((Number(match[1]) / 1000 / plan.durationMs) * 100));
      if (progress > reported) {
        reported = progress;
        options.onProgress?.(progress);
      }
    },
  });
  if (run.code !== 0) throw new RenderFailed('render_failed', `ffmpeg exited with ${run.code}: ${run.stderrTail}`);

  const made = async (rendition: RecordingRendition): Promise<RenditionMade> => {
    const key = keys[rendition];
    const probe = await probeRendition(ffprobe, paths[rendition], signal);
    const expected = rendition === 'high' ? HIGH : LOW;
    if (probe.videoStreams !== 1 || probe.audioStreams !== 1) throw new RenderFailed('render_failed', `${rendition}: ${probe.videoStreams} video and ${probe.audioStreams} audio streams`);
    if (probe.width !== expected.width || probe.height !== expected.height) throw new RenderFailed('render_failed', `${rendition}: ${probe.width}×${probe.height}`);
    if (Math.abs(probe.durationMs - plan.durationMs) > DURATION_TOLERANCE_MS) throw new RenderFailed('render_failed', `${rendition}: ${probe.durationMs} ms long, the recording ${plan.durationMs} ms`);
    const bytes = await store.sizeOf(key);
    if (bytes === null) throw new RenderFailed('render_failed', `${rendition}: no file written`);
    return { key, bytes, bitrate: probe.bitrate };
  };
  return { durationMs: plan.durationMs, high: await made('high'), low: await made('low'), warnings: run.stderrTail };
}
