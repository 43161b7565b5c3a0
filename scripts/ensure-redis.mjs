#!/usr/bin/env node
/**
 * Makes sure the cluster tests (several nodes sharing one Redis, in the PostgreSQL run of the suite) can start
 * their own Redis: Debian's `redis-server` package (its `redis-server` binary). The tests start and stop a
 * private server on a free loopback port in a temporary directory; nothing here starts one, and the package's
 * own service is not what the tests use. As root it installs the package with apt-get when it is missing;
 * otherwise it prints the command to run and exits 1. Node builtins only.
 */
import { existsSync } from 'node:fs';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/sbin/redis-server'];
const log = (message) => console.log(`ensure-redis: ${message}`);

/** Path of Debian's `redis-server`, or null when it is not installed. */
export function redisServerPath() {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function main() {
  if (redisServerPath() === null) {
    if (!isRoot()) {
      console.error(`ensure-redis: the cluster tests need Debian's redis-server package. As root, run:\n\n  ${installCommand(['redis-server'])}\n`);
      return 1;
    }
    log("installing redis-server from Debian's archive");
    aptInstall(log, ['redis-server']);
    if (redisServerPath() === null) {
      console.error('ensure-redis: apt-get finished but there is no redis-server binary');
      return 1;
    }
  }
  log(`redis-server at ${redisServerPath()}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`ensure-redis: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
