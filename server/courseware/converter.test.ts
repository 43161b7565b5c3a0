import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversionFailed, libreOfficeConverter } from './converter.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A stand-in `soffice` (a shell script) that behaves as `body` says; `$dir` is where it may leave traces. */
function fakeSoffice(body: string): { command: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-fake-soffice-'));
  dirs.push(dir);
  const command = join(dir, 'soffice');
  writeFileSync(command, `#!/bin/sh\ndir='${dir}'\n${body}\n`);
  chmodSync(command, 0o755);
  return { command, dir };
}

/** Whether the process still runs (a killed process its parent has not reaped yet is a zombie: not running). */
const alive = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};
/** The pids still running after a moment for the kill signal to land. */
async function stillRunning(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 20 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

describe('libreOfficeConverter', () => {
  it('returns the PDF soffice wrote, and passes it a private profile and the output directory', async () => {
    // Arguments: … -env:UserInstallation=… --convert-to pdf --outdir <out> <input>
    const soffice = fakeSoffice('echo "$@" > "$dir/args"; for last; do :; done; mkdir -p "$8"; printf "%%PDF-fake" > "$8/source.pdf"');
    const pdf = await libreOfficeConverter({ command: soffice.command })(Buffer.from('deck'), 'pptx');
    expect(pdf.toString()).toBe('%PDF-fake');
    const args = readFileSync(join(soffice.dir, 'args'), 'utf8');
    expect(args).toMatch(/--headless .*-env:UserInstallation=file:\/\/\/tmp\/tongke-convert-\w+\/profile --convert-to pdf --outdir \S+ \S+\/source\.pptx/);
  });

  it('fails when soffice exits 0 without writing a PDF (it does so for a file it cannot load)', async () => {
    const soffice = fakeSoffice('echo "Error: source file could not be loaded"');
    await expect(libreOfficeConverter({ command: soffice.command })(Buffer.from('x'), 'docx')).rejects.toMatchObject({ reason: 'conversion_failed' });
  });

  it('says the converter is missing when soffice is not installed', async () => {
    const error = await libreOfficeConverter({ command: '/nonexistent/soffice' })(Buffer.from('x'), 'ppt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConversionFailed);
    expect(error).toMatchObject({ reason: 'converter_missing' });
  });

  it('kills soffice and the process it started when the conversion takes too long', async () => {
    // Like soffice, which starts soffice.bin: the child outlives nothing if the whole group is killed.
    const soffice = fakeSoffice('sleep 30 & echo $! > "$dir/child"; echo $$ > "$dir/parent"; wait');
    const started = Date.now();
    await expect(libreOfficeConverter({ command: soffice.command, timeoutMs: 500 })(Buffer.from('x'), 'pptx')).rejects.toMatchObject({ reason: 'conversion_timed_out' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const pids = ['parent', 'child'].map((name) => Number(readFileSync(join(soffice.dir, name), 'utf8')));
    expect(pids.every((pid) => pid > 0)).toBe(true);
    expect(await stillRunning(pids)).toEqual([]);
  });

  it('kills soffice when the conversion is aborted (the server stopping)', async () => {
    const soffice = fakeSoffice('echo $$ > "$dir/parent"; sleep 30');
    const abort = new AbortController();
    const running = libreOfficeConverter({ command: soffice.command })(Buffer.from('x'), 'pptx', abort.signal);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort(new Error('stopping'));
    await expect(running).rejects.toThrow('stopping');
    expect(await stillRunning([Number(readFileSync(join(soffice.dir, 'parent'), 'utf8'))])).toEqual([]);
  });
});
