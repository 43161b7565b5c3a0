/**
 * Global setup of the unit/integration suite. With `TONGKE_TEST_STORE=postgresql` the suite runs on
 * PostgreSQL: a private server is started for the run, a template database gets the committed migrations,
 * and every test app gets its own copy of it (test/support/store.ts). The environment set here reaches the
 * test processes, so the schema is built for PostgreSQL there. Without it, nothing happens (SQLite files).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { startPostgres } from './postgres-server.js';

export const TEMPLATE_DATABASE = 'tongke_template';
const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'db', 'migrations', 'postgresql');

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TONGKE_TEST_STORE !== 'postgresql') return undefined;
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: `${server.baseUrl}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = new pg.Client({ connectionString: `${server.baseUrl}/${TEMPLATE_DATABASE}` });
  await template.connect();
  await migrate(drizzle(template), { migrationsFolder: MIGRATIONS });
  await template.end();
  process.env.TONGKE_DATABASE_URL = `${server.baseUrl}/${TEMPLATE_DATABASE}`;
  process.env.TONGKE_TEST_PG_BASE_URL = server.baseUrl;
  return () => server.stop();
}
