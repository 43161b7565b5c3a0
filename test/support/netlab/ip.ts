/**
 * The lab's use of iproute2: running `ip`, telling whether this machine can host the lab at all, claiming
 * a namespace slot, and removing what a killed run left behind. Every namespace is `tk-lab-<slot>`; its
 * owner's pid is kept in /run/tk-lab/<slot>.owner, so several test processes (several worktrees) can run
 * labs side by side and only a dead owner's namespaces are ever removed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openTun } from './tun.js';

const execFileAsync = promisify(execFile);

export const PREFIX = 'tk-lab-';
const OWNERS_DIR = '/run/tk-lab';
/** Slots 1..240 give subnets 10.231.<slot>.0/24. */
const SLOTS = 240;
/** A namespace with no owner file this old was left between `ip netns add` and the owner file: stale. */
const ORPHAN_AGE_MS = 60_000;

/** Runs `ip …` and resolves with its output; rejects with the command and its stderr. */
export async function ip(...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('ip', args, { timeout: 10_000 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

export const namespaceName = (slot: number) => `${PREFIX}${slot}`;
/** Device names stay under 16 bytes: tk-lab-240h. */
export const deviceNames = (slot: number) => ({ host: `${PREFIX}${slot}h`, namespace: `${PREFIX}${slot}n` });
const ownerFile = (slot: number) => join(OWNERS_DIR, `${slot}.owner`);

let availability: Promise<string | null> | undefined;

/**
 * Null when this machine can run the lab, otherwise why not in words (for vitest's skip): not root, no
 * iproute2, no /dev/net/tun, or the kernel refuses namespaces or TUN devices.
 */
export function labUnavailable(): Promise<string | null> {
  availability ??= probe();
  return availability;
}

async function probe(): Promise<string | null> {
  if (process.platform !== 'linux') return `the network lab needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the network lab needs root (network namespaces and TUN devices)';
  if (spawnSync('ip', ['-V']).error) return 'iproute2 is missing: run `node scripts/ensure-netlab.mjs` as root';
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun on this machine (the kernel has no TUN device)';
  const probeName = `${PREFIX}probe-${process.pid}`;
  try {
    await ip('netns', 'add', probeName);
  } catch (error) {
    return `the kernel refuses network namespaces: ${(error as Error).message}`;
  }
  await ip('netns', 'del', probeName);
  try {
    closeSync(openTun(`${PREFIX}p${process.pid % 10_000}`));
  } catch (error) {
    return `the kernel refuses TUN devices: ${(error as Error).message}`;
  }
  return null;
}

function ownerAlive(slot: number): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile(slot), 'utf8'));
  } catch {
    try {
      return Date.now() - statSync(`/run/netns/${namespaceName(slot)}`).mtimeMs < ORPHAN_AGE_MS;
    } catch {
      return false;
    }
  }
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lab's namespace slots that exist now. */
async function existingSlots(): Promise<number[]> {
  const list = await ip('netns', 'list');
  return [...list.matchAll(new RegExp(`^${PREFIX}(\\d+)\\b`, 'gm'))].map((match) => Number(match[1]));
}

/** Removes the namespaces (and host-side devices) of lab runs whose process is gone. */
export async function removeStale(): Promise<string[]> {
  const removed: string[] = [];
  for (const slot of await existingSlots()) {
    if (ownerAlive(slot)) continue;
    await releaseSlot(slot);
    removed.push(namespaceName(slot));
  }
  return removed;
}

/** Claims a free slot: `ip netns add` fails for a name that exists, so two processes never share one. */
export async function claimSlot(): Promise<number> {
  mkdirSync(OWNERS_DIR, { recursive: true });
  const start = Math.floor(Math.random() * SLOTS);
  for (let i = 0; i < SLOTS; i++) {
    const slot = ((start + i) % SLOTS) + 1;
    try {
      await ip('netns', 'add', namespaceName(slot));
    } catch {
      continue;
    }
    writeFileSync(ownerFile(slot), String(process.pid));
    return slot;
  }
  throw new Error(`no free network lab slot (${SLOTS} namespaces ${PREFIX}* exist)`);
}

/** Removes the slot's namespace, its host-side device (if its forwarder is somehow alive) and owner file. */
export async function releaseSlot(slot: number): Promise<void> {
  const name = namespaceName(slot);
  const pids = await ip('netns', 'pids', name).catch(() => '');
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  await ip('netns', 'del', name).catch((error: Error) => {
    if (!/No such file/.test(error.message)) throw error;
  });
  // Normally gone already: the device vanishes with its forwarder, which exits with its test process.
  if (existsSync(`/sys/class/net/${deviceNames(slot).host}`)) await ip('link', 'del', deviceNames(slot).host);
  rmSync(ownerFile(slot), { force: true });
}

/** The same removal, synchronously, for a process `exit` hook (no event loop left to await in). */
export function releaseSlotSync(slot: number): void {
  spawnSync('ip', ['netns', 'del', namespaceName(slot)]);
  rmSync(ownerFile(slot), { force: true });
}
