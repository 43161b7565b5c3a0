import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ServerProcess } from '../support/server-process.js';
import { seedDemoChecklist } from '../../server/seed/demo-checklist.js';
import { seedDemoCourseware } from '../../server/seed/demo-courseware.js';
import { seedDemoLinkHealth } from '../../server/seed/demo-link-health.js';
import { loadConfig } from '../../server/config.js';
import { seedDemoStore } from '../support/demo-store.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the e2e server listens, e.g. http://127.0.0.1:41234 (no trailing slash). */
    baseUrl: string;
    /** The e2e server's SQLite file, for tests that make rows their browser then finds (recordings). */
    dbPath: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_INDEX = join(ROOT, 'dist/client/index.html');
const RESULTS_DIR = join(ROOT, 'test-results');
const SERVER_LOG = join(RESULTS_DIR, 'e2e-server.log');

/**
 * Seeds the demo county into a fresh SQLite file, starts the real server (`node --import tsx
 * server/main.ts`, serving the built client) on a free loopback port, waits for /healthz and provides
 * `baseUrl` to the tests. The returned teardown stops the server and removes the temporary directory.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(`The e2e suite drives the built web app, but ${CLIENT_INDEX} is missing: run \`npm run build\` (or \`npx vite build\`) first.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tongke-e2e-'));
  const dbPath = join(dir, 'tongke.db');
  await seedDemoStore(dbPath, async (db) => {
    // The evaluation checklist's demo keeps its attachment beside the database, where the server looks for it.
    await seedDemoChecklist(db, loadConfig({ TONGKE_DB_PATH: dbPath }));
    await seedDemoCourseware(db, loadConfig({ TONGKE_DB_PATH: dbPath }));
    // Link health over the term (issue #15): the demo has no lesson history here, so the timetable stands for it.
    await seedDemoLinkHealth(db);
  });

  mkdirSync(RESULTS_DIR, { recursive: true });
  let server: ServerProcess;
  try {
    server = await ServerProcess.start(
      dbPath,
      {
        // Every browser context signs in from 127.0.0.1: the per-address limit would trip across the suite.
        TONGKE_LOGIN_RATE_LIMIT: '500',
        // The suite signs in as the same demo accounts many times a minute.
        TONGKE_LOGIN_ACCOUNT_LIMIT: '500',
      },
      { logFile: SERVER_LOG },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.provide('baseUrl', server.baseUrl);
  project.provide('dbPath', dbPath);

  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
