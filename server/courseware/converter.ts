import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoursewareFailure, CoursewareSourceKind } from '../../shared/api/courseware.js';

/** Why a conversion produced no PDF, in the contract's words. */
export class ConversionFailed extends Error {
  constructor(
    readonly reason: Extract<CoursewareFailure, 'conversion_failed' | 'conversion_timed_out' | 'converter_missing'>,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'ConversionFailed';
  }
}

/** Turns an office document into PDF bytes (or throws ConversionFailed). */
export type Converter = (source: Uint8Array, kind: Exclude<CoursewareSourceKind, 'pdf'>, signal?: AbortSignal) => Promise<Buffer>;

export interface LibreOfficeOptions {
  /** The LibreOffice binary (default `soffice` on the PATH). */
  command?: string;
  /** How long one conversion may take before it is killed (default 120 s). */
  timeoutMs?: number;
}

export const DEFAULT_CONVERSION_TIMEOUT_MS = 120_000;

/**
 * `soffice --headless --convert-to pdf`, run without a shell in a directory of its own with a private user
 * profile: LibreOffice refuses to start a second instance on a profile in use, and a profile left behind by
 * a killed run must not break the next one. soffice starts `soffice.bin` as a child, so the run gets its own
 * process group and a timeout or abort kills the whole group. LibreOffice exits 0 even when it could not
 * load the file ("source file could not be loaded"): only a PDF in the output directory is success.
 */
export function libreOfficeConverter(options: LibreOfficeOptions = {}): Converter {
  const command = options.command ?? 'soffice';
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONVERSION_TIMEOUT_MS;
  return async (source, kind, signal) => {
    const work = await mkdtemp(join(tmpdir(), 'tongke-convert-'));
    try {
      // Named by its kind, not the teacher's file name: LibreOffice picks its import filter by extension.
      const input = join(work, `source.${kind}`);
      await writeFile(input, source);
      const args = ['--headless', '--norestore', '--nolockcheck', `-env:UserInstallation=file://${join(work, 'profile')}`, '--convert-to', 'pdf', '--outdir', join(work, 'out'), input];
      const output = await run(command, args, work, timeoutMs, signal);
      try {
        return await readFile(join(work, 'out', 'source.pdf'));
      } catch {
        throw new ConversionFailed('conversion_failed', output.trim().split('\n').at(-1) ?? 'no PDF written');
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
}

/** Runs the command to its end; what it printed (for the failure's detail). */
function run(command: string, args: string[], cwd: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: cwd } });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        // Already gone (ESRCH): nothing left to kill.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    };
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(output);
    };
    const timer = setTimeout(() => {
      killGroup();
      finish(new ConversionFailed('conversion_timed_out', `no PDF after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => {
      killGroup();
      finish(signal?.reason instanceof Error ? signal.reason : new Error('conversion aborted'));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? new ConversionFailed('converter_missing', `${command} not found`) : new ConversionFailed('conversion_failed', error.message));
    });
    child.on('close', (code, killedBy) => {
      // The group may still hold children of soffice that outlived it: none may keep running.
      killGroup();
      finish(code === 0 ? null : new ConversionFailed('conversion_failed', `${command} exited with ${code ?? killedBy}: ${output.trim().slice(-300)}`));
    });
  });
}
