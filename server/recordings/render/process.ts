import { spawn } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import type { RecordingFailure } from '../../../shared/api/recordings.js';

/** Why a recording could not be made playable, in the contract's words, with what FFmpeg said. */
export class RenderFailed extends Error {
  constructor(
    readonly reason: Extract<RecordingFailure, 'no_media' | 'render_failed' | 'ffmpeg_missing' | 'files_missing'>,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'RenderFailed';
  }
}

/** ffprobe beside the configured FFmpeg (`/opt/ff/bin/ffmpeg` → `/opt/ff/bin/ffprobe`), or on the PATH. */
export function ffprobeBeside(ffmpegPath: string): string {
  const name = basename(ffmpegPath).replace(/ffmpeg/, 'ffprobe');
  const probe = name === basename(ffmpegPath) ? 'ffprobe' : name;
  return ffmpegPath.includes('/') ? join(dirname(ffmpegPath), probe) : probe;
}

export interface ToolRun {
  /** Exit code (null when killed). */
  code: number | null;
  /** The last lines the tool wrote to stderr (for the log when it fails). */
  stderrTail: string;
}

export interface ToolOptions {
  /** Each line of stdout as it arrives (ffprobe's packets, FFmpeg's `-progress` report). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * Run at this nice value (`nice -n`), so that live lessons keep the CPU while a recording renders. The
   * tool is started through `nice`, so its threads inherit the priority from their first instruction;
   * `nice` exits 127 when the tool is not there, which is reported as missing like ENOENT.
   */
  niceness?: number;
}

const TAIL = 2_000;

/**
 * Runs an FFmpeg tool without a shell, in its own process group, to its end. Aborting kills the group
 * (SIGKILL: FFmpeg need not finish a file the next run writes again) and rejects with the signal's reason.
 * A tool that is not installed rejects with RenderFailed('ffmpeg_missing').
 */
export function runTool(command: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolRun> {
  const { onLine, signal, niceness } = options;
  const [file, argv] = niceness === undefined ? [command, [...args]] : ['nice', ['-n', String(niceness), command, ...args]];
  return new Promise((resolve, reject) => {
    let settled = false;
    let stderr = '';
    let pending = '';
    const child = spawn(file, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        // Already gone (ESRCH): nothing left to kill.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    };
    const finish = (error: Error | null, run?: ToolRun) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(run!);
    };
    const onAbort = () => {
      killGroup();
      finish(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!onLine) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.trim());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-TAIL);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? new RenderFailed('ffmpeg_missing', `${file} not found`) : error);
    });
    child.on('close', (code) => {
      if (pending && onLine) onLine(pending.trim());
      if (niceness !== undefined && code === 127) {
        finish(new RenderFailed('ffmpeg_missing', `${command} not found`));
        return;
      }
      finish(null, { code, stderrTail: stderr.trim() });
    });
  });
}
