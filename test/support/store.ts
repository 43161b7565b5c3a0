/**
 * A fresh store for one test: a SQLite file in the test's directory, or — in the PostgreSQL run — a new
 * database copied from the migrated template (test/support/store-setup.ts), dropped again by `drop()`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { STORE_DIALECT } from '../../server/db/dialect.js';

export interface TestStoreLocation {
  /** What `openDatabase` takes (and TONGKE_DATABASE_URL for a child process, when PostgreSQL). */
  location: string;
  /** The URL for PostgreSQL, '' for SQLite (the config's `databaseUrl`). */
  databaseUrl: string;
  drop(): Promise<void>;
}

/** The database every test database of the PostgreSQL run is copied from (migrated by the global setup). */
export const TEMPLATE_DATABASE = 'tongke_template';

/** Runs `work` on the maintenance database of the suite's PostgreSQL server (by default, the run's). */
export async function withPostgresAdmin<T>(work: (client: pg.Client) => Promise<T>, base = process.env.TONGKE_TEST_PG_BASE_URL): Promise<T> {
  if (!base) throw new Error('the PostgreSQL run needs its global setup (test/support/store-setup.ts)');
  const client = new pg.Client({ connectionString: `${base}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function newTestStore(dir: string): Promise<TestStoreLocation> {
  if (STORE_DIALECT === 'sqlite') {
    const location = join(dir, 'tongke.db');
    return { location, databaseUrl: '', drop: async () => undefined };
  }
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      // FILE_COPY copies the template's files as they are; PostgreSQL 15's default (WAL_LOG) writes every page
      // of the copy to the WAL, which costs more for a template this small (measured: 0.2–0.3 s against 0.3–0.5 s a copy).
      await withPostgresAdmin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE} STRATEGY FILE_COPY`));
      break;
    } catch (error) {
      // Two copies of the template at the same moment can collide ("source database is being accessed").
      if (attempt >= 20 || !/being accessed/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
  const location = `${process.env.TONGKE_TEST_PG_BASE_URL}/${name}`;
  return {
    location,
    databaseUrl: location,
    drop: () => withPostgresAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
