/**
 * Several nodes in one test process: each a whole app (buildApp) with its own database connections, on one
 * store and one Redis — what TONGKE_REDIS_URL makes of several Tongke processes, without the processes.
 */
import { join } from 'node:path';
import { buildApp } from '../../server/app.js';
import type { TongkeConfig } from '../../server/config.js';
import type { TongkeApp } from '../../server/core/app-types.js';
import { openDatabase, storeLocation } from '../../server/db/store.js';
import type { TestApp } from './app.js';

/** A logger that keeps what it is told, as `level: message` lines (what a node logs about Redis). */
export function recordingLog(): Pick<TongkeApp['log'], 'info' | 'warn' | 'error'> & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (_context: unknown, message?: string) => void lines.push(`${level}: ${message}`);
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}

/** The settings that make a test app a node of a cluster on `redisUrl` (createTestApp's overrides). */
export function clusterSettings(redisUrl: string, nodeId: string): Partial<TongkeConfig> {
  return { redisUrl, nodeId, sessionSecret: 'one-secret-every-node-of-the-test-shares' };
}

export interface OtherNode {
  app: TongkeApp;
  close(): Promise<void>;
}

/** Another node beside `first` (made by createTestApp with clusterSettings): same store, same Redis, its own id. */
export async function anotherNode(first: TestApp, nodeId: string): Promise<OtherNode> {
  const config: TongkeConfig = { ...first.config, nodeId };
  const database = await openDatabase(storeLocation(config));
  const app = await buildApp({ config, database, logger: false, clientDir: join(config.dbPath, '..', 'no-client') });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
