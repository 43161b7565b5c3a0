/**
 * Global setup of the unit/integration suite. With `TONGKE_TEST_STORE=postgresql` the suite runs on
 * PostgreSQL: a private server is started for the run, a template database gets the committed migrations,
 * and every test app gets its own copy of it (test/support/store.ts). The environment set here reaches the
 * test processes, so the schema is built for PostgreSQL there. Without it, nothing happens (SQLite files).
 */
import pg from 'pg';
import { migratePostgres } from '../../server/db/pg-migrate.js';
import { startPostgres } from './postgres-server.js';
import { TEMPLATE_DATABASE, withPostgresAdmin } from './store.js';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TONGKE_TEST_STORE !== 'postgresql') return undefined;
  const server = await startPostgres();
  await withPostgresAdmin((admin) => admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`), server.baseUrl);
  const template = new pg.Client({ connectionString: `${server.baseUrl}/${TEMPLATE_DATABASE}` });
  await template.connect();
  await migratePostgres(template);
  await template.end();
  process.env.TONGKE_DATABASE_URL = `${server.baseUrl}/${TEMPLATE_DATABASE}`;
  process.env.TONGKE_TEST_PG_BASE_URL = server.baseUrl;
  return () => server.stop();
}
