/**
 * What making a recording playable costs: helper B's renderRecording (server/recordings/render/) on a
 * recording Tongke's recorder just made, its CPU read from this process's reaped children (the render's
 * FFmpeg and ffprobes), and the A/V offset read back from the high rendition.
 */
import { readFileSync } from 'node:fs';

import { renderRecording } from '../../server/recordings/render/render.js';
import type { RecordingRun } from './recording-run.js';
import { FFMPEG } from './ffmpeg.js';

/** User + system CPU seconds of this process's children that have exited and been reaped. */
function reapedChildrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5), cutime and cstime, in USER_HZ ticks (100 per second).
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export interface RenderCost {
  cpuSeconds: number;
  wallSeconds: number;
  recordingSeconds: number;
  highBytes: number;
  lowBytes: number;
  highPath: string;
  lowPath: string;
}

/**
 * Renders a stopped Tongke recording. No other child of this process may exit meanwhile (the bench's
 * recorders are stopped; the source keeps running and is not reaped), or its time would count here.
 */
export async function renderCost(run: RecordingRun): Promise<RenderCost> {
  if (!run.render) throw new Error('only a Tongke recording has a render job');
  const { store, job } = run.render;
  const before = reapedChildrenCpuSeconds();
  const started = performance.now();
  const made = await renderRecording(job(), { store, ffmpegPath: FFMPEG });
  return {
    cpuSeconds: reapedChildrenCpuSeconds() - before,
    wallSeconds: (performance.now() - started) / 1000,
    recordingSeconds: made.durationMs / 1000,
    highBytes: made.high.bytes,
    lowBytes: made.low.bytes,
    highPath: await store.pathOf(made.high.key),
    lowPath: await store.pathOf(made.low.key),
  };
}
