/** Source build against Debian's libraries, in the cache directory (never in the clone). */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { BIN_NAME, InstallError, log } from './common.mjs';
import { workerStarts } from './installed.mjs';
import { prepareWorkerSources } from './meson-subprojects.mjs';

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

export async function buildFromSource(mediasoupDir, cacheDir) {
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
