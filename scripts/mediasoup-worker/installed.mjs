/**
 * Installed / cached binaries. A binary counts only with a stamp whose checksum matches, and only if it
 * still starts: a system upgrade that removed one of its shared libraries makes it rebuild.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { readJson, sha256, writeFileAtomic } from './common.mjs';

/** Exit code of a mediasoup worker started without MEDIASOUP_VERSION: proves the binary loads. */
const WORKER_MISSING_VERSION_EXIT_CODE = 41;

function stampPath(binary) {
  return `${binary}.tongke.json`;
}

export function readStamp(binary) {
  try {
    return readJson(stampPath(binary));
  } catch {
    return undefined;
  }
}

export function isInstalledWorker(binary, key) {
  const stamp = readStamp(binary);
  if (stamp?.key !== key || !fs.existsSync(binary)) return false;
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    return false;
  }
  return stamp.sha256 === sha256(binary) && workerStarts(binary);
}

export function workerStarts(binary) {
  const result = spawnSync(binary, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return result.status === WORKER_MISSING_VERSION_EXIT_CODE;
}

/** Copies (never links) `from` to `to` via a temporary file and a rename, then writes the stamp. */
export function installBinary(from, to, stamp) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
  writeFileAtomic(stampPath(to), `${JSON.stringify(stamp, null, 2)}\n`);
}
