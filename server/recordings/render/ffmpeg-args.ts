import { LOW_RENDITION_MAX_BITRATE } from '../../../shared/api/recordings.js';
import type { Placement, ProgrammePlan, TrackSpan } from './layout.js';

/*
 * One FFmpeg run makes both renditions from a programme plan: every track file is decoded once, composed
 * once (filter_complex), and the picture and sound are split into the `high` and `low` encoders. The
 * arguments are a list handed to spawn — no shell, so a path can hold anything.
 *
 * How the plan becomes a graph:
 *  - the frame starts as black (`color`, the programme's length at 25 fps) and silence (`anullsrc`), so
 *    every moment exists even where no track does;
 *  - a video track is shifted to its place (`setpts`), split once per distinct position it takes, each
 *    branch scaled to fit its box with black bars, and overlaid with `enable` set to the times it holds
 *    that position (`eof_action=pass`: a truncated file simply stops showing);
 *  - an audio track is made continuous (`aresample=async`: gaps where the microphone sent nothing become
 *    silence), cut to its span and delayed to its offset; all are mixed without `amix`'s normalisation, so
 *    the teacher alone is as loud as the teacher with a site on the stage.
 * A track whose media starts before the recording (negative offset) is read from the recording's start (`-ss`).
 */

/** The `high` rendition: 720p H.264 High + AAC, plays in Chromium and Safari. */
export const HIGH = { width: 1280, height: 720, crf: 23, maxrate: 2_500_000, bufsize: 5_000_000, audioBitrate: 128_000 } as const;
/**
 * The `low` rendition for village links: 360p at 15 fps, mono AAC. The video is capped with a one-second
 * VBV buffer, so no second of it (and so the whole file) exceeds video + audio ≤ LOW_RENDITION_MAX_BITRATE,
 * with room for the MP4 container's overhead.
 */
export const LOW = { width: 640, height: 360, fps: 15, crf: 30, maxrate: 300_000, bufsize: 300_000, audioBitrate: 48_000 } as const;
const LOW_HEADROOM = LOW_RENDITION_MAX_BITRATE - LOW.maxrate - LOW.audioBitrate;
if (LOW_HEADROOM < 20_000) throw new Error('the low rendition leaves no room for the container under LOW_RENDITION_MAX_BITRATE');

export interface RenderPaths {
  /** The track file of each track id the plan uses. */
  inputs: ReadonlyMap<number, string>;
  high: string;
  low: string;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Where each distinct position of a track is held: the enable expression of one overlay. */
interface Layer {
  placement: Placement;
  spans: Array<[number, number]>;
}

function layersOf(plan: ProgrammePlan): Layer[] {
  const layers: Layer[] = [];
  const order = { main: 0, inset: 1, tile: 2 } as const;
  for (const segment of plan.segments) {
    for (const placement of segment.placements) {
      const same = layers.find((l) => l.placement.trackId === placement.trackId && l.placement.layer === placement.layer && l.placement.x === placement.x && l.placement.y === placement.y && l.placement.w === placement.w && l.placement.h === placement.h);
      if (same) {
        const last = same.spans.at(-1)!;
        if (last[1] === segment.fromMs) last[1] = segment.toMs;
        else same.spans.push([segment.fromMs, segment.toMs]);
      } else {
        layers.push({ placement, spans: [[segment.fromMs, segment.toMs]] });
      }
    }
  }
  // Main pictures under insets under tiles, whatever order they first appeared in.
  return layers.sort((a, b) => order[a.placement.layer] - order[b.placement.layer]);
}

/** The FFmpeg arguments (after the binary) that render the plan to both renditions, reporting progress on stdout. */
export function renderArguments(plan: ProgrammePlan, paths: RenderPaths): string[] {
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-progress', 'pipe:1', '-nostats'];
  const inputIndex = new Map<number, number>();
  for (const span of [...plan.video, ...plan.audio]) {
    const path = paths.inputs.get(span.trackId);
    if (path === undefined) throw new Error(`no file for track ${span.trackId}`);
    if (span.offsetMs < 0) args.push('-ss', seconds(-span.offsetMs));
    args.push('-i', path);
    inputIndex.set(span.trackId, inputIndex.size);
  }

  const graph: string[] = [];
  const total = seconds(plan.durationMs);
  graph.push(`color=c=black:s=${plan.width}x${plan.height}:r=${plan.fps}:d=${total},format=yuv420p[base0]`);

  const layers = layersOf(plan);
  const branches = new Map<number, string[]>();
  for (const layer of layers) {
    const labels = branches.get(layer.placement.trackId) ?? [];
    labels.push(`v${layer.placement.trackId}_${labels.length}`);
    branches.set(layer.placement.trackId, labels);
  }
  const spanOf = new Map<number, TrackSpan>(plan.video.map((s) => [s.trackId, s]));
  for (const [trackId, labels] of branches) {
    const span = spanOf.get(trackId)!;
    const shift = `setpts=PTS-STARTPTS+${seconds(span.fromMs)}/TB`;
    const cut = `trim=duration=${seconds(span.toMs - span.fromMs)}`;
    const split = labels.length > 1 ? `,split=${labels.length}${labels.map((l) => `[${l}]`).join('')}` : `[${labels[0]}]`;
    graph.push(`[${inputIndex.get(trackId)}:v:0]${cut},${shift}${split}`);
  }
  const used = new Map<number, number>();
  let base = 'base0';
  for (const [i, layer] of layers.entries()) {
    const { trackId, x, y, w, h } = layer.placement;
    const n = used.get(trackId) ?? 0;
    used.set(trackId, n + 1);
    const fitted = `f${i}`;
    graph.push(`[v${trackId}_${n}]scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1[${fitted}]`);
    const enable = layer.spans.map(([from, to]) => `gte(t,${seconds(from)})*lt(t,${seconds(to)})`).join('+');
    const next = `base${i + 1}`;
    graph.push(`[${base}][${fitted}]overlay=x=${x}:y=${y}:eof_action=pass:enable='${enable}'[${next}]`);
    base = next;
  }
  graph.push(`[${base}]split=2[vhigh][vlow0]`);
  graph.push(`[vlow0]scale=${LOW.width}:${LOW.height},fps=${LOW.fps}[vlow]`);

  graph.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${total}[silence]`);
  const mixed = ['[silence]'];
  for (const span of plan.audio) {
    const label = `a${span.trackId}`;
    const delayMs = Math.round(span.fromMs);
    graph.push(
      `[${inputIndex.get(span.trackId)}:a:0]asetpts=PTS-STARTPTS,aresample=48000:async=1000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,` +
        `atrim=duration=${seconds(span.toMs - span.fromMs)},adelay=delays=${delayMs}:all=1[${label}]`,
    );
    mixed.push(`[${label}]`);
  }
  graph.push(`${mixed.join('')}amix=inputs=${mixed.length}:duration=first:dropout_transition=0:normalize=0,asplit=2[ahigh][alow]`);

  args.push('-filter_complex', graph.join(';'));
  args.push(
    ...['-map', '[vhigh]', '-map', '[ahigh]'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-crf', String(HIGH.crf)],
    ...['-maxrate', String(HIGH.maxrate), '-bufsize', String(HIGH.bufsize), '-g', String(2 * plan.fps)],
    ...['-c:a', 'aac', '-b:a', String(HIGH.audioBitrate), '-ac', '2', '-movflags', '+faststart', '-t', total, paths.high],
  );
  args.push(
    ...['-map', '[vlow]', '-map', '[alow]'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-crf', String(LOW.crf)],
    ...['-maxrate', String(LOW.maxrate), '-bufsize', String(LOW.bufsize), '-g', String(2 * LOW.fps)],
    ...['-c:a', 'aac', '-b:a', String(LOW.audioBitrate), '-ac', '1', '-movflags', '+faststart', '-t', total, paths.low],
  );
  return args;
}
