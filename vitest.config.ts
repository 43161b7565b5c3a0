import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests (Node). The browser suite has its own config in test/e2e/. `npm test` runs this
 * suite twice: on SQLite files, then with TONGKE_TEST_STORE=postgresql on a private PostgreSQL server — the
 * second run leaves out the tests that never touch the store (media, shared, client).
 */
const onPostgres = process.env.TONGKE_TEST_STORE === 'postgresql';
const STORE_TESTS = ['server/**/*.test.ts', 'test/integration/**/*.test.ts', 'bench/**/*.test.ts'];

export default defineConfig({
  // Compiles runes in client state classes (*.svelte.ts), so their tests can make and drive them.
  plugins: [svelte()],
  test: {
    include: onPostgres ? STORE_TESTS : [...STORE_TESTS, 'media/**/*.test.ts', 'shared/**/*.test.ts', 'client/lib/**/*.test.ts', 'client/pages/**/*.test.ts'],
    globalSetup: ['test/support/store-setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
