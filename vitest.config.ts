import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';
import { STORE_FREE_TEST_GLOBS, STORE_FREE_TESTS, STORE_TEST_GLOBS } from './test/support/suite-files.js';

/**
 * Unit and integration tests (Node). The browser suite has its own config in test/e2e/. `npm test` runs this
 * suite twice: on SQLite files, then with TONGKE_TEST_STORE=postgresql on a private PostgreSQL server — the
 * second run leaves out the tests that never touch the store (test/support/suite-files.ts says which).
 */
const onPostgres = process.env.TONGKE_TEST_STORE === 'postgresql';

export default defineConfig({
  // Compiles runes in client state classes (*.svelte.ts), so their tests can make and drive them.
  plugins: [svelte()],
  test: {
    include: onPostgres ? STORE_TEST_GLOBS : [...STORE_TEST_GLOBS, ...STORE_FREE_TEST_GLOBS],
    exclude: onPostgres ? [...configDefaults.exclude, ...STORE_FREE_TESTS] : configDefaults.exclude,
    globalSetup: ['test/support/store-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
