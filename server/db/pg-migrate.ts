/*
 * Applies the committed PostgreSQL migrations — the one way every caller does it (the store at start, the
 * suite's template database, db:copy's target). Under an advisory lock, so several processes starting at once
 * apply them once. No schema import: it works in any process, whatever its own store's dialect.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations', 'postgresql');
/** An arbitrary constant naming Tongke's migration lock among the server's advisory locks. */
const MIGRATION_LOCK = 0x7467_6b65;

export async function migratePostgres(client: pg.Client | pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
  }
}
