/**
 * `npm run bench [-- name… ] [--quick] [--list] [--store sqlite|postgresql]`: runs the named benchmarks (all
 * when none is named) one after another, prints a table and merges the results by name into
 * bench/results/latest.json. A quick run only prints: its numbers are too small to keep. `--store postgresql`
 * runs them on a private PostgreSQL server started for the run (as the suite's PostgreSQL run does) and keeps
 * the results as `<name>:postgresql`; `--store sqlite` on SQLite files only. Without `--store`, a full run
 * measures on SQLite and then runs the benchmarks that measure the store again on PostgreSQL, in a child
 * process (the schema is built for one store per process).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { formatResult, type Benchmark, type BenchResult } from './result.js';

const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

/** One stored result: what ran, on what machine, when. */
export interface StoredBenchResult extends BenchResult {
  date: string;
  machine: { cores: number; cpuModel: string; memoryBytes: number; platform: string; node: string };
}

export function machine(): StoredBenchResult['machine'] {
  return { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.release()}`, node: process.version };
}

export function selectBenchmarks(BENCHMARKS: readonly Benchmark[], names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...BENCHMARKS];
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

/** Merges new results into the stored ones by benchmark name. */
export function mergeResults(previous: readonly StoredBenchResult[], fresh: readonly StoredBenchResult[]): StoredBenchResult[] {
  const byName = new Map(previous.map((r) => [r.name, r]));
  for (const r of fresh) byName.set(r.name, r);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function readStored(): StoredBenchResult[] {
  if (!existsSync(RESULTS_FILE)) return [];
  const parsed: unknown = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
  return Array.isArray(parsed) ? (parsed as StoredBenchResult[]) : [];
}

async function main(argv: readonly string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const storeAt = argv.indexOf('--store');
  const store = storeAt >= 0 ? argv[storeAt + 1] : 'sqlite';
  if (store !== 'sqlite' && store !== 'postgresql') throw new Error(`--store is sqlite or postgresql, not ${store}`);
  let stopStore: (() => Promise<void>) | undefined;
  if (store === 'postgresql') {
    // The schema is built for the store named in the environment when first imported: set it up before the benchmarks load.
    process.env.TONGKE_TEST_STORE = 'postgresql';
    stopStore = await (await import('../test/support/store-setup.js')).default();
  }
  const { BENCHMARKS } = await import('./registry.js');
  if (argv.includes('--list')) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(16)} ${b.description}`);
    return;
  }
  const names = argv.filter((a, i) => !a.startsWith('--') && !(storeAt >= 0 && i === storeAt + 1));
  const selected = selectBenchmarks(BENCHMARKS, names);
  const fresh: StoredBenchResult[] = [];
  for (const benchmark of selected) {
    console.log(`running ${benchmark.name}${quick ? ' (quick)' : ''} on ${store}…`);
    const result = await benchmark.run({ quick });
    if (store === 'postgresql') result.name = `${result.name}:postgresql`;
    result.parameters = { ...result.parameters, store };
    const stored = { ...result, date: new Date().toISOString(), machine: machine() };
    fresh.push(stored);
    console.log(formatResult(result));
  }
  await stopStore?.();
  if (quick) return;
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(mergeResults(readStored(), fresh), null, 2)}\n`);
  console.log(`wrote ${RESULTS_FILE}`);
  const onPostgres = storeAt < 0 ? selected.filter((b) => b.measuresStore).map((b) => b.name) : [];
  if (onPostgres.length > 0) {
    console.log(`now on PostgreSQL: ${onPostgres.join(', ')}`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...onPostgres, '--store', 'postgresql'], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`the PostgreSQL run of ${onPostgres.join(', ')} failed (exit ${child.status ?? child.signal})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    // mediasoup workers and sockets are closed by each benchmark; exit in case a library keeps a handle.
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
