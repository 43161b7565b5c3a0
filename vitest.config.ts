import { defineConfig } from 'vitest/config';

/** Unit and integration tests (Node). The browser suite has its own config in test/e2e/. */
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'media/**/*.test.ts', 'shared/**/*.test.ts', 'test/integration/**/*.test.ts', 'bench/**/*.test.ts', 'client/lib/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
