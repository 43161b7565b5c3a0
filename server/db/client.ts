import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';

export type TongkeDb = BetterSQLite3Database<typeof schema>;

/** The open database: drizzle for repositories, the raw handle for pragmas, health and bulk work. */
export interface DatabaseHandle {
  db: TongkeDb;
  sqlite: BetterSqlite3.Database;
  close(): void;
}

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite file with foreign keys, WAL and a busy timeout, and applies the
 * committed migrations. Only repositories should touch `db`.
 */
export function openDatabase(path: string): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  let open = true;
  return {
    db,
    sqlite,
    close() {
      if (!open) return;
      open = false;
      sqlite.close();
    },
  };
}
