#!/usr/bin/env node
/**
 * Makes sure the browser suite can run: Debian's Chromium at /usr/bin/chromium (playwright-core drives it;
 * nothing is downloaded from anywhere but Debian's archive) and the Noto CJK fonts, so Chinese text renders
 * in screenshots instead of boxes. Quick and silent-ish when both are there; as root it installs what is
 * missing with apt-get; otherwise it prints the exact command to run and exits 1.
 * Node builtins only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall, debianPackageInstalled, installCommand, isRoot } from './debian.mjs';

const CHROMIUM = '/usr/bin/chromium';
/** Debian package → how to tell it is installed. */
const REQUIRED = [
  { name: 'chromium', present: () => existsSync(CHROMIUM) },
  { name: 'fonts-noto-cjk', present: () => debianPackageInstalled('fonts-noto-cjk') },
];

const log = (message) => console.log(`ensure-chromium: ${message}`);



function chromiumVersion() {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

function main() {
  const missing = REQUIRED.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (missing.length > 0) {
    if (!isRoot()) {
      console.error(`ensure-chromium: the browser tests need ${missing.join(' and ')} (Debian packages). As root, run:\n\n  ${installCommand(missing)}\n`);
      return 1;
    }
    log(`installing ${missing.join(', ')} from Debian's archive (this takes a minute or two)`);
    aptInstall(log, missing);
    const still = REQUIRED.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
    if (still.length > 0) {
      console.error(`ensure-chromium: apt-get finished but ${still.join(', ')} is still missing`);
      return 1;
    }
  }
  const version = chromiumVersion();
  if (!version) {
    console.error(`ensure-chromium: ${CHROMIUM} is installed but does not start (\`${CHROMIUM} --version\` failed)`);
    return 1;
  }
  log(`${version} and fonts-noto-cjk are ready`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`ensure-chromium: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
