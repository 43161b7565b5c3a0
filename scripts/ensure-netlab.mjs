#!/usr/bin/env node
/**
 * Makes sure the network lab (test/support/netlab/) can run: iproute2's `ip` (namespaces, addresses,
 * routes) from Debian's archive, and a TUN device at /dev/net/tun. Quick when both are there; as root it
 * installs what is missing with apt-get; otherwise it prints the exact command to run and exits 1. A
 * kernel without TUN is reported, not fixed: the lab's tests then skip with that reason.
 * Node builtins only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall, installCommand, isRoot } from './debian.mjs';

const log = (message) => console.log(`ensure-netlab: ${message}`);
const hasIp = () => !spawnSync('ip', ['-V']).error;

function main() {
  if (!hasIp()) {
    if (!isRoot()) {
      console.error(`ensure-netlab: the network lab needs iproute2 (Debian package). As root, run:\n\n  ${installCommand(['iproute2'])}\n`);
      return 1;
    }
    log('installing iproute2 from Debian\'s archive');
    aptInstall(log, ['iproute2']);
    if (!hasIp()) {
      console.error('ensure-netlab: apt-get finished but `ip` is still missing');
      return 1;
    }
  }
  const version = spawnSync('ip', ['-V'], { encoding: 'utf8' }).stdout.trim();
  if (!existsSync('/dev/net/tun')) {
    log(`${version} is ready, but this kernel offers no /dev/net/tun: the lab's tests will skip`);
    return 0;
  }
  log(`${version} and /dev/net/tun are ready`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`ensure-netlab: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
