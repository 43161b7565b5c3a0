/**
 * FFmpeg as the recording bench drives it: children spawned without a shell, their CPU time read from
 * /proc while they live (a child's time is gone once it is reaped), and ffprobe/ffmpeg runs whose output is
 * parsed. The bench measures with the same binaries Tongke records with (TONGKE_FFMPEG, ffprobe beside it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FFMPEG = process.env.TONGKE_FFMPEG || 'ffmpeg';
export const FFPROBE = FFMPEG.includes('/') ? join(dirname(FFMPEG), 'ffprobe') : 'ffprobe';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every Linux we run on). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a live process so far, or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** A long-running FFmpeg child: stopped with 'q' on stdin so it finalises its file, killed if it does not. */
export class FfmpegChild {
  #stderr = '';
  #exited: Promise<number | null>;
  /** CPU seconds at the last sample: the value kept once the process is gone. */
  #cpu = 0;

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(args: readonly string[]): FfmpegChild {
    return new FfmpegChild(spawn(FFMPEG, ['-hide_banner', '-nostats', '-loglevel', 'warning', ...args], { stdio: ['pipe', 'ignore', 'pipe'] }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** CPU seconds used so far (the last reading once it has exited). */
  cpuSeconds(): number {
    const now = processCpuSeconds(this.pid);
    if (now !== null) this.#cpu = now;
    return this.#cpu;
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  /** Asks FFmpeg to finish (it writes the Matroska cues), SIGKILL after `graceMs`. Returns its CPU seconds. */
  async stop(graceMs = 5000): Promise<number> {
    const cpu = this.cpuSeconds();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin?.end('q');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    return cpu;
  }
}

/** Runs an FFmpeg tool to its end and returns what it printed on stdout and stderr. */
export function runTool(command: string, args: readonly string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A recorded file's video frames: how many, and how many the span between the first and last implies. */
export interface FrameCount {
  frames: number;
  expected: number;
  missingPct: number;
  /** The span counted (after the settling). */
  durationSeconds: number;
  /** The whole file's video span, start-up included. */
  fileSeconds: number;
}

/**
 * Counts a file's video packets (one per frame for VP8) and compares them with what the span of their
 * timestamps at `fps` implies: frames the recorder lost leave gaps, so the count falls short. The first
 * `settleSeconds` are left out: FFmpeg's RTP input times packets from the RTP clock until the first RTCP
 * sender report arrives and then from the report's wall clock, which moves the first frames' timestamps
 * by up to a second (a jump, not lost frames; it happens to any FFmpeg RTP recorder).
 */
export async function countVideoFrames(file: string, fps: number, settleSeconds = 2): Promise<FrameCount> {
  const { stdout } = await runTool(FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  const all = stdout.split('\n').map(Number.parseFloat).filter(Number.isFinite).sort((a, b) => a - b);
  const times = all.filter((t) => t >= all[0]! + settleSeconds);
  const fileSeconds = all.length > 1 ? all.at(-1)! - all[0]! : 0;
  if (times.length < 2) return { frames: times.length, expected: 0, missingPct: 100, durationSeconds: 0, fileSeconds };
  const span = times.at(-1)! - times[0]!;
  const expected = Math.round(span * fps) + 1;
  return { frames: times.length, expected, missingPct: Math.max(0, ((expected - times.length) / expected) * 100), durationSeconds: span, fileSeconds };
}

/** Instants (seconds of the file's time) a white flash starts: mean luma jumps above `threshold`. */
export async function flashOnsets(file: string, threshold = 200): Promise<number[]> {
  const { stderr } = await runTool(FFMPEG, ['-hide_banner', '-nostats', '-i', file, '-map', '0:v:0', '-vf', 'signalstats,metadata=print:key=lavfi.signalstats.YAVG', '-f', 'null', '-']);
  const onsets: number[] = [];
  let time: number | null = null;
  // A file that starts on a flash has not seen it start: only flashes after a dark frame count.
  let bright: boolean | null = null;
  for (const line of stderr.split('\n')) {
    const pts = /pts_time:(-?[\d.]+)/.exec(line);
    if (pts) time = Number(pts[1]);
    const luma = /YAVG=([\d.]+)/.exec(line);
    if (luma && time !== null) {
      const now = Number(luma[1]) > threshold;
      if (now && bright === false) onsets.push(time);
      bright = now;
    }
  }
  return onsets;
}

/** Instants (seconds of the file's time) a beep starts: the end of each silence below `noiseDb`. */
export async function beepOnsets(file: string, noiseDb = -20): Promise<number[]> {
  const { stderr } = await runTool(FFMPEG, ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', `silencedetect=noise=${noiseDb}dB:d=0.05`, '-f', 'null', '-']);
  // A file that starts inside a beep reports no silence end for it: only whole beeps count.
  return [...stderr.matchAll(/silence_end: (-?[\d.]+)/g)].map((m) => Number(m[1]));
}

/**
 * Pairs each flash with the nearest beep (within half the period) and returns audio − video in ms: positive
 * when the sound comes after the picture. Flashes without a beep nearby are left out.
 */
export function pairOffsets(flashes: readonly number[], beeps: readonly number[], periodSeconds: number): number[] {
  const offsets: number[] = [];
  for (const flash of flashes) {
    let best: number | null = null;
    for (const beep of beeps) if (best === null || Math.abs(beep - flash) < Math.abs(best - flash)) best = beep;
    if (best !== null && Math.abs(best - flash) < periodSeconds / 2) offsets.push((best - flash) * 1000);
  }
  return offsets;
}
