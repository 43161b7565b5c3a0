#!/usr/bin/env node
/**
 * Makes sure the PostgreSQL run of the suite can start its own server: Debian's `postgresql` package (its
 * initdb and postgres binaries under /usr/lib/postgresql/<version>/bin). The tests start and stop a private
 * server in a temporary directory; nothing here starts one. As root it installs the package with apt-get when
 * it is missing; otherwise it prints the command to run and exits 1. Node builtins only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const ROOT = '/usr/lib/postgresql';
const log = (message) => console.log(`ensure-postgres: ${message}`);

/** The newest installed server's bin directory, or null. */
export function postgresBinDir() {
  if (!existsSync(ROOT)) return null;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'initdb')) && existsSync(join(ROOT, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(ROOT, versions[0], 'bin') : null;
}


function main() {
  if (postgresBinDir() === null) {
    if (!isRoot()) {
      console.error(`ensure-postgres: the PostgreSQL run of the suite needs Debian's postgresql package. As root, run:\n\n  ${installCommand(['postgresql'])}\n`);
      return 1;
    }
    log("installing postgresql from Debian's archive (a minute or so)");
    aptInstall(log, ['postgresql']);
    if (postgresBinDir() === null) {
      console.error('ensure-postgres: apt-get finished but no PostgreSQL server binaries are under /usr/lib/postgresql');
      return 1;
    }
  }
  log(`PostgreSQL server binaries in ${postgresBinDir()}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
