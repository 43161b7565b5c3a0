#!/usr/bin/env node
/**
 * Makes sure the several-nodes test can put its nodes behind one address as the README does: Debian's `nginx`
 * package (its `nginx` binary). The test starts and stops a private nginx on a free loopback port with the
 * config server/cluster/nginx-config.ts writes; nothing here starts one. As root it installs the package with
 * apt-get when it is missing; otherwise it prints the command to run and exits 1. Node builtins only.
 */
import { existsSync } from 'node:fs';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/bin/nginx'];
const log = (message) => console.log(`ensure-nginx: ${message}`);

/** Path of the `nginx` binary, or null when nginx is not installed. */
export function nginxPath() {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function main() {
  if (nginxPath() === null) {
    if (!isRoot()) {
      console.error(`ensure-nginx: the several-nodes test needs Debian's nginx package. As root, run:\n\n  ${installCommand(['nginx'])}\n`);
      return 1;
    }
    log("installing nginx from Debian's archive");
    aptInstall(log, ['nginx']);
    if (nginxPath() === null) {
      console.error('ensure-nginx: apt-get finished but there is no nginx binary');
      return 1;
    }
  }
  log(`nginx at ${nginxPath()}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`ensure-nginx: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
