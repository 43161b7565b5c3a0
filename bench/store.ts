/**
 * Which store the benchmarks run on, settled before anything imports the schema (which is built for one
 * dialect when first imported): `--store postgresql` (or TONGKE_BENCH_STORE=postgresql) starts a private
 * PostgreSQL server with the migrated template the test apps copy (test/support/store-setup.ts), as the
 * suite's PostgreSQL run does. Without it, SQLite files. Imported first by bench/runner.ts.
 */
import setupTestStore from '../test/support/store-setup.js';

const flag = process.argv.indexOf('--store');
const wanted = flag >= 0 ? process.argv[flag + 1] : process.env.TONGKE_BENCH_STORE;
if (wanted !== undefined && wanted !== 'sqlite' && wanted !== 'postgresql') throw new Error(`--store takes sqlite or postgresql, not ${wanted}`);

let stop: (() => Promise<void>) | undefined;
if (wanted === 'postgresql' && process.env.TONGKE_TEST_STORE !== 'postgresql') {
  process.env.TONGKE_TEST_STORE = 'postgresql';
  stop = await setupTestStore();
}

/** The store this run's benchmarks use. */
export const BENCH_STORE: 'sqlite' | 'postgresql' = process.env.TONGKE_TEST_STORE === 'postgresql' ? 'postgresql' : 'sqlite';

/** Stops the private PostgreSQL server, when this module started one. */
export async function stopBenchStore(): Promise<void> {
  await stop?.();
  stop = undefined;
}
