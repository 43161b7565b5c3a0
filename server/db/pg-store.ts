/*
 * PostgreSQL, for installations that outgrow one process: a node-postgres pool behind drizzle. Counts and sums
 * come back as numbers (as on SQLite) — bigint and numeric are parsed, which is safe for every figure Tongke
 * keeps. Migrations run under an advisory lock, so several processes starting at once apply them once.
 */
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import * as schema from './schema/index.js';
import { migratePostgres } from './pg-migrate.js';
import { ambientDb, setRawRunner, type BulkColumn, type DatabaseHandle, type TongkeDb } from './store.js';

pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

type PgDb = { execute(query: SQL): Promise<{ rows: unknown[]; rowCount: number | null }> };

setRawRunner({
  rows: async <T>(db: TongkeDb, query: SQL) => (await (db as unknown as PgDb).execute(query)).rows as T[],
  execute: async (db: TongkeDb, query: SQL) => ({ changes: (await (db as unknown as PgDb).execute(query)).rowCount ?? 0 }),
  // One statement whatever the number of rows: they travel as one JSON parameter, read back in order.
  insertRows: async (db: TongkeDb, table: string, columns: readonly BulkColumn[], values: ReadonlyArray<readonly unknown[]>) => {
    const names = columns.map((c) => c.name).join(', ');
    const read = columns.map((c, i) => `(j.value ->> ${i})::${c.sqlType}`).join(', ');
    await (db as unknown as PgDb).execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(names)}) select ${sql.raw(read)} from json_array_elements(${JSON.stringify(values, instantsAsMilliseconds)}::json) with ordinality as j(value, position) order by j.position`,
    );
  },
});

/** A JSON.stringify replacer: a Date as its epoch milliseconds (the replacer sees it already turned into a string). */
function instantsAsMilliseconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? original.getTime() : value;
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql';
  }
}

export async function openPgStore(url: string, options: { poolSize?: number } = {}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  try {
    await migratePostgres(client);
  } finally {
    client.release();
  }
  const root = drizzle(pool, { schema }) as unknown as TongkeDb;
  const ambient = ambientDb(root, (_context, work) => work());
  let open = true;
  return {
    dialect: 'postgresql',
    db: ambient.db,
    location: redactedUrl(url),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (!open) return;
      open = false;
      await pool.end();
    },
  };
}
