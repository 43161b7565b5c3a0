#!/usr/bin/env node
/**
 * Installs the mediasoup worker binary where mediasoup looks for it
 * (node_modules/mediasoup/worker/out/Release/mediasoup-worker).
 *
 * mediasoup's own postinstall is denied in package.json because it needs GitHub (prebuilt download,
 * meson wraps, pip). This step instead, in order:
 *   1. honours MEDIASOUP_WORKER_BIN;
 *   2. keeps a worker this step already installed;
 *   3. restores a worker from the per-machine cache (keyed by mediasoup version, OS and arch), so a
 *      fresh clone does not rebuild;
 *   4. tries mediasoup's prebuilt download (short timeout);
 *   5. builds from source against Debian's system libraries (see /work/shared/MEDIASOUP-WORKER.md).
 *
 * Environment: MEDIASOUP_WORKER_BIN, TONGKE_CACHE_DIR, XDG_CACHE_HOME,
 * MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD, MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL.
 * Node builtins only: it runs before anything else is known to work. The parts live in
 * scripts/mediasoup-worker/: installed.mjs (stamps, cache), prebuilt.mjs (download, .tgz reader),
 * source-build.mjs (Debian packages, meson + ninja) and meson-subprojects.mjs (the system-library wraps).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BIN_NAME, InstallError, formatDuration, log, readJson, relative, sha256 } from './mediasoup-worker/common.mjs';
import { installBinary, isInstalledWorker, readStamp } from './mediasoup-worker/installed.mjs';
import { downloadPrebuilt } from './mediasoup-worker/prebuilt.mjs';
import { buildFromSource } from './mediasoup-worker/source-build.mjs';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  if (process.env.MEDIASOUP_WORKER_BIN) {
    useWorkerFromEnv(process.env.MEDIASOUP_WORKER_BIN);
    return;
  }

  const mediasoupDir = findMediasoupDir();
  const version = readJson(path.join(mediasoupDir, 'package.json')).version;
  const key = `${version}-${os.platform()}-${os.arch()}`;
  const target = path.join(mediasoupDir, 'worker', 'out', 'Release', BIN_NAME);
  const cacheDir = path.join(cacheRoot(), 'tongke', 'mediasoup-worker', key);
  const cached = path.join(cacheDir, BIN_NAME);

  if (isInstalledWorker(target, key)) {
    log(`mediasoup ${version} worker already installed (${relative(target)})`);
    return;
  }

  if (isInstalledWorker(cached, key)) {
    const started = Date.now();
    installBinary(cached, target, readStamp(cached));
    log(`restored mediasoup ${version} worker from cache ${cached} in ${Date.now() - started} ms`);
    return;
  }

  const started = Date.now();
  const source = (await downloadPrebuilt(version, cacheDir)) ?? (await buildFromSource(mediasoupDir, cacheDir));
  const stamp = { key, sha256: sha256(source.binary), origin: source.origin, createdAt: new Date().toISOString() };

  installBinary(source.binary, cached, stamp);
  installBinary(cached, target, stamp);
  source.cleanup();
  log(`installed mediasoup ${version} worker (${source.origin}, ${formatDuration(Date.now() - started)}); cached in ${cacheDir}`);
}

function useWorkerFromEnv(bin) {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new InstallError(
      `MEDIASOUP_WORKER_BIN=${bin} is not an executable file`,
      'point it at a built mediasoup-worker, or unset it to let this step install one',
    );
  }
  log(`using MEDIASOUP_WORKER_BIN=${bin}; nothing to install`);
}

function findMediasoupDir() {
  try {
    const require = createRequire(path.join(PROJECT_ROOT, 'package.json'));
    return path.dirname(require.resolve('mediasoup/package.json'));
  } catch {
    throw new InstallError('the mediasoup package is not installed', 'run `npm install` first');
  }
}

function cacheRoot() {
  return process.env.TONGKE_CACHE_DIR || process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
}

main().catch((error) => {
  console.error(`mediasoup-worker: ERROR ${error.message}`);
  if (error.hint) console.error(`mediasoup-worker: ${error.hint}`);
  if (!(error instanceof InstallError)) console.error(error.stack);
  process.exit(1);
});
