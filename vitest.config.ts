import { availableParallelism } from 'node:os';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { CLUSTER_TEST_GLOBS, RUN_ALONE_TESTS, STORE_FREE_TEST_GLOBS, STORE_FREE_TESTS, STORE_TEST_GLOBS } from './test/support/suite-files.js';

/**
 * Unit and integration tests (Node). The browser suite has its own config in test/e2e/. `npm test` runs this
 * suite twice: on SQLite files, then with TONGKE_TEST_STORE=postgresql on a private PostgreSQL server — the
 * second run leaves out the tests that never touch the store, and only it runs the cluster tests (several nodes
 * sharing one Redis need PostgreSQL) — test/support/suite-files.ts says which.
 *
 * Files run two at a time (vitest would run one at a time on two cores: its default is one worker less than the
 * cores, and a test file mostly waits on a child process, a socket or the database). The timing-sensitive ones
 * (RUN_ALONE_TESTS) run after the rest, one at a time.
 */
const onPostgres = process.env.TONGKE_TEST_STORE === 'postgresql';
const include = onPostgres ? STORE_TEST_GLOBS : [...STORE_TEST_GLOBS, ...STORE_FREE_TEST_GLOBS];
const leftOut = onPostgres ? [...STORE_FREE_TEST_GLOBS, ...STORE_FREE_TESTS] : CLUSTER_TEST_GLOBS;

const common: TestProjectInlineConfiguration = {
  // Compiles runes in client state classes (*.svelte.ts), so their tests can make and drive them.
  plugins: [svelte()],
  test: { environment: 'node', testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' },
};

export default defineConfig({
  test: {
    // Once for the run, not per project: one PostgreSQL server and template for both.
    globalSetup: ['test/support/store-setup.ts'],
    projects: [
      {
        ...common,
        test: {
          ...common.test,
          name: 'together',
          include,
          exclude: [...configDefaults.exclude, ...RUN_ALONE_TESTS, ...leftOut],
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        ...common,
        test: {
          ...common.test,
          name: 'alone',
          include: RUN_ALONE_TESTS,
          exclude: [...configDefaults.exclude, ...leftOut],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
