/**
 * Prebuilt download: the same URL mediasoup's npm-scripts.mjs uses (its module runs a task on import,
 * so it cannot be called as a function), and a reader for the one file it needs out of the .tgz.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { BIN_NAME, log } from './common.mjs';
import { workerStarts } from './installed.mjs';

const PREBUILT_TIMEOUT_MS = 12_000;

export async function downloadPrebuilt(version, cacheDir) {
  if (process.env.MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD) {
    log('prebuilt download skipped (MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD)');
    return undefined;
  }
  const base =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    'https://github.com/versatica/mediasoup/releases/download';
  const url = `${base}/${version}/${BIN_NAME}-${version}-${os.platform()}-${os.arch()}.tgz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PREBUILT_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const binary = extractFromTarGz(Buffer.from(await response.arrayBuffer()), BIN_NAME);

    fs.mkdirSync(cacheDir, { recursive: true });
    const file = path.join(cacheDir, `prebuilt-${process.pid}`);
    fs.writeFileSync(file, binary, { mode: 0o755 });
    if (!workerStarts(file)) {
      fs.rmSync(file, { force: true });
      throw new Error('the downloaded binary does not run on this machine');
    }
    log(`downloaded prebuilt worker from ${url}`);
    return { binary: file, origin: 'prebuilt', cleanup: () => fs.rmSync(file, { force: true }) };
  } catch (error) {
    log(`no prebuilt worker (${describeError(error)}); building from source`);
    return undefined;
  }
}

/** Reads one regular file out of a .tgz (POSIX ustar: 512-byte headers, octal sizes). */
export function extractFromTarGz(archive, name) {
  const tar = gunzipSync(archive);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const entryName = cString(header.subarray(0, 100));
    if (!entryName) break;
    const size = Number.parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + 512;
    if (path.posix.basename(entryName) === name && (type === '0' || type === '\0')) {
      return tar.subarray(dataStart, dataStart + size);
    }
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} not found in the archive`);
}

function cString(bytes) {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function describeError(error) {
  if (error?.name === 'TimeoutError') return `timed out after ${PREBUILT_TIMEOUT_MS / 1000} s`;
  const cause = error?.cause?.code ?? error?.cause?.message;
  return cause ? `${error.message}: ${cause}` : String(error?.message ?? error);
}
