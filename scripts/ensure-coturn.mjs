#!/usr/bin/env node
/**
 * Makes sure the TURN tests can start their own relay: Debian's `coturn` package (its `turnserver` binary).
 * The tests start and stop a private coturn on free loopback ports with a config written at test time; nothing
 * here starts one, and the package's own service stays disabled (Debian ships it off in /etc/default/coturn).
 * As root it installs the package with apt-get when it is missing; otherwise it prints the command to run and
 * exits 1. Node builtins only.
 */
import { existsSync } from 'node:fs';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const CANDIDATES = ['/usr/bin/turnserver', '/usr/sbin/turnserver'];
const log = (message) => console.log(`ensure-coturn: ${message}`);

/** Path of coturn's `turnserver`, or null when coturn is not installed. */
export function turnserverPath() {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

function main() {
  if (turnserverPath() === null) {
    if (!isRoot()) {
      console.error(`ensure-coturn: the TURN tests need Debian's coturn package. As root, run:\n\n  ${installCommand(['coturn'])}\n`);
      return 1;
    }
    log("installing coturn from Debian's archive");
    aptInstall(log, ['coturn']);
    if (turnserverPath() === null) {
      console.error('ensure-coturn: apt-get finished but there is no turnserver binary');
      return 1;
    }
  }
  log(`coturn's turnserver at ${turnserverPath()}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`ensure-coturn: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
