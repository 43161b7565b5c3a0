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
 * Node builtins only: it runs before anything else is known to work.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN_NAME = 'mediasoup-worker';
const PREBUILT_TIMEOUT_MS = 12_000;
/** Exit code of a mediasoup worker started without MEDIASOUP_VERSION: proves the binary loads. */
const WORKER_MISSING_VERSION_EXIT_CODE = 41;

/** Debian packages the source build needs (g++ and python3 are usually there already). */
const DEBIAN_PACKAGES = [
  'g++',
  'python3',
  'meson',
  'ninja-build',
  'pkg-config',
  'libuv1-dev',
  'libssl-dev',
  'libsrtp2-dev',
  'libusrsctp-dev',
  'libabsl-dev',
  'nlohmann-json3-dev',
];

class InstallError extends Error {
  /** @param {string} message @param {string} [hint] what the user should do about it */
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

const log = (message) => console.log(`mediasoup-worker: ${message}`);

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

// ---------------------------------------------------------------------------------------------
// Installed / cached binaries. A binary counts only with a stamp whose checksum matches, and only if
// it still starts: a system upgrade that removed one of its shared libraries makes it rebuild.

function stampPath(binary) {
  return `${binary}.tongke.json`;
}

function readStamp(binary) {
  try {
    return readJson(stampPath(binary));
  } catch {
    return undefined;
  }
}

function isInstalledWorker(binary, key) {
  const stamp = readStamp(binary);
  if (stamp?.key !== key || !fs.existsSync(binary)) return false;
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    return false;
  }
  return stamp.sha256 === sha256(binary) && workerStarts(binary);
}

function workerStarts(binary) {
  const result = spawnSync(binary, [], { env: {}, stdio: 'ignore', timeout: 10_000 });
  return result.status === WORKER_MISSING_VERSION_EXIT_CODE;
}

/** Copies (never links) `from` to `to` via a temporary file and a rename, then writes the stamp. */
function installBinary(from, to, stamp) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
  writeFileAtomic(stampPath(to), `${JSON.stringify(stamp, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Prebuilt download: the same URL mediasoup's npm-scripts.mjs uses (its module runs a task on import,
// so it cannot be called as a function).

async function downloadPrebuilt(version, cacheDir) {
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
function extractFromTarGz(archive, name) {
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

// ---------------------------------------------------------------------------------------------
// Source build against Debian's libraries, in the cache directory (never in the clone).

async function buildFromSource(mediasoupDir, cacheDir) {
  ensureDebianPackages();

  fs.mkdirSync(cacheDir, { recursive: true });
  removeStaleBuildDirs(cacheDir);
  const buildDir = path.join(cacheDir, `build-${process.pid}`);
  const workerDir = path.join(buildDir, 'worker');
  const logFile = path.join(buildDir, 'build.log');
  const source = path.join(mediasoupDir, 'worker');
  fs.cpSync(source, workerDir, {
    recursive: true,
    filter: (file) => !['out', 'prebuild'].includes(path.relative(source, file).split(path.sep)[0] ?? ''),
  });
  prepareWorkerSources(workerDir);

  log(`building from source in ${buildDir} (about 5 minutes on 2 cores; log: ${logFile})`);
  const outDir = path.join('out', 'Release');
  log('configuring (meson setup)');
  await run(
    'meson',
    ['setup', '--buildtype', 'release', '-Db_ndebug=true', '--wrap-mode=nodownload', outDir],
    { cwd: workerDir, logFile },
  );
  await run('ninja', ['-C', outDir, BIN_NAME], { cwd: workerDir, logFile, onLine: ninjaProgress() });

  const binary = path.join(workerDir, outDir, BIN_NAME);
  if (!workerStarts(binary)) {
    throw new InstallError(`the built worker does not start (${binary})`, `see ${logFile}`);
  }
  return { binary, origin: 'built from source', cleanup: () => fs.rmSync(buildDir, { recursive: true, force: true }) };
}

/** A failed or interrupted build leaves its directory behind for inspection until the next run. */
function removeStaleBuildDirs(cacheDir) {
  for (const entry of fs.readdirSync(cacheDir)) {
    const pid = /^(?:build|prebuilt)-(\d+)$/.exec(entry)?.[1];
    if (pid && !processAlive(Number(pid))) {
      fs.rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function ensureDebianPackages() {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...DEBIAN_PACKAGES], {
    encoding: 'utf8',
  });
  if (query.error) {
    log(`dpkg-query not found: not Debian, so assuming the build tools and libraries are installed (${DEBIAN_PACKAGES.join(' ')})`);
    return;
  }
  const installed = new Set(
    query.stdout
      .split('\n')
      .filter((line) => line.split(' ')[1]?.startsWith('ii'))
      .map((line) => line.split(' ')[0]),
  );
  const missing = DEBIAN_PACKAGES.filter((name) => !installed.has(name));
  if (missing.length === 0) return;

  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new InstallError(
      `the worker build needs Debian packages that are missing: ${missing.join(' ')}`,
      `run \`sudo ${command}\`, then \`npm run postinstall\``,
    );
  }

  const apt = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const lockWait = ['-o', 'DPkg::Lock::Timeout=600'];
  const unknown = missing.filter((name) => spawnSync('apt-cache', ['show', name], { stdio: 'ignore' }).status !== 0);
  if (unknown.length > 0) {
    log(`apt-get update (no package lists for ${unknown.join(' ')})`);
    spawnSync('apt-get', [...lockWait, 'update'], apt);
  }
  log(command);
  const result = spawnSync('apt-get', [...lockWait, 'install', '-y', ...missing], apt);
  if (result.status !== 0) {
    throw new InstallError(`\`${command}\` failed`, 'fix the apt error above and run this step again');
  }
}

/**
 * Makes mediasoup's meson project build offline: accepts Debian 12's meson 1.0.1 and replaces every
 * download wrap by a subproject that wraps the system library under the names mediasoup reads.
 */
function prepareWorkerSources(workerDir) {
  const mesonBuild = path.join(workerDir, 'meson.build');
  const original = fs.readFileSync(mesonBuild, 'utf8');
  const relaxed = original.replace(/meson_version\s*:\s*'[^']*'/, "meson_version: '>= 1.0.0'");
  if (relaxed === original) throw new InstallError('meson_version not found in mediasoup worker/meson.build');
  fs.writeFileSync(mesonBuild, relaxed);

  const subprojectsDir = path.join(workerDir, 'subprojects');
  for (const entry of fs.readdirSync(subprojectsDir)) {
    fs.rmSync(path.join(subprojectsDir, entry), { recursive: true, force: true });
  }
  for (const [name, { build, options = '' }] of Object.entries(SYSTEM_SUBPROJECTS)) {
    const dir = path.join(subprojectsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'meson.build'), build);
    fs.writeFileSync(path.join(dir, 'meson_options.txt'), options);
    fs.writeFileSync(path.join(dir, 'stub.c'), 'int tongke_system_library_stub(void) { return 0; }\n');
  }
}

/**
 * The `*_lib` / bare-name variables feed only `link_whole` of mediasoup's static library target,
 * which is not built by default, so an empty static library satisfies meson.
 */
const stubLibraries = (...names) => names.map((name) => `${name} = static_library('${name}_stub', 'stub.c')`).join('\n');

const SYSTEM_SUBPROJECTS = {
  openssl: {
    build: `project('openssl', 'c')
openssl_dep = dependency('openssl')
${stubLibraries('libcrypto_lib', 'libssl_lib')}
`,
  },
  nlohmann_json: {
    build: `project('nlohmann_json', 'c')
nlohmann_json_dep = dependency('nlohmann_json')
`,
  },
  libuv: {
    build: `project('libuv', 'c')
libuv_dep = dependency('libuv')
${stubLibraries('libuv')}
`,
    options: `option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
`,
  },
  libsrtp2: {
    // Debian puts the headers in <includedir>/srtp2; mediasoup includes <srtp.h>.
    build: `project('libsrtp2', 'c')
srtp = dependency('libsrtp2')
libsrtp2_dep = declare_dependency(
  dependencies: srtp,
  include_directories: include_directories(srtp.get_variable(pkgconfig: 'includedir') / 'srtp2', is_system: true),
)
${stubLibraries('libsrtp2')}
`,
    options: `option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')
`,
  },
  usrsctp: {
    build: `project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
${stubLibraries('usrsctp')}
`,
    options: `option('sctp_build_programs', type: 'boolean', value: false)
`,
  },
  'abseil-cpp': {
    build: `project('abseil-cpp', 'c')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_btree'),
  dependency('absl_raw_hash_set'),
  dependency('absl_hash'),
])
absl_strings_dep = declare_dependency(dependencies: [dependency('absl_strings'), dependency('absl_str_format')])
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional'),
  dependency('absl_variant'),
  dependency('absl_span'),
])
${stubLibraries('absl_container_lib', 'absl_strings_lib', 'absl_types_lib')}
`,
  },
  catch2: {
    // Only the worker's own test binary uses Catch2, and it is not built here.
    build: `project('catch2', 'c')
catch2_dep = declare_dependency()
`,
  },
};

/** Turns ninja's `[n/N] …` lines into a percentage: one rewritten line on a terminal, else every 10%. */
function ninjaProgress() {
  let lastReported = -1;
  return (line) => {
    const match = /^\[(\d+)\/(\d+)\]/.exec(line);
    if (!match) return;
    const [done, total] = [Number(match[1]), Number(match[2])];
    const percent = Math.floor((done * 100) / total);
    const text = `compiling ${percent}% (${done}/${total})`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\rmediasoup-worker: ${text}${done === total ? '\n' : ''}`);
    } else if (Math.floor(percent / 10) > lastReported || done === total) {
      lastReported = Math.floor(percent / 10);
      log(text);
    }
  };
}

/** Runs a command, appending its output to `logFile`; on failure shows the log's tail. */
function run(command, args, { cwd, logFile, onLine }) {
  return new Promise((resolve, reject) => {
    const logStream = fs.createWriteStream(logFile, { flags: 'a' });
    logStream.write(`$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk) => {
      logStream.write(chunk);
      if (!onLine) return;
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => logStream.write(chunk));
    child.on('error', (error) => {
      logStream.end();
      reject(new InstallError(`cannot run ${command}: ${error.message}`, `install: ${DEBIAN_PACKAGES.join(' ')}`));
    });
    child.on('close', (code) => {
      logStream.end(() => {
        if (code === 0) return resolve();
        const tail = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
        reject(
          new InstallError(
            `\`${command} ${args.join(' ')}\` failed (exit ${code}); last lines of the log:\n${tail}`,
            `full log: ${logFile}. Check the Debian packages (${DEBIAN_PACKAGES.join(' ')}), or set MEDIASOUP_WORKER_BIN to a worker built elsewhere`,
          ),
        );
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeFileAtomic(file, contents) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function relative(file) {
  return path.relative(process.cwd(), file) || file;
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function describeError(error) {
  if (error?.name === 'TimeoutError') return `timed out after ${PREBUILT_TIMEOUT_MS / 1000} s`;
  const cause = error?.cause?.code ?? error?.cause?.message;
  return cause ? `${error.message}: ${cause}` : String(error?.message ?? error);
}

main().catch((error) => {
  console.error(`mediasoup-worker: ERROR ${error.message}`);
  if (error.hint) console.error(`mediasoup-worker: ${error.hint}`);
  if (!(error instanceof InstallError)) console.error(error.stack);
  process.exit(1);
});
