/*
 * Moves an installation from its SQLite file into PostgreSQL (`npm run db:copy`). Both sides are read as
 * plain tables — the schema module is built for one dialect per process, and a copy needs two — so this walks
 * SQLite's catalogue: tables in foreign-key order, rows in batches, each value converted to the PostgreSQL
 * column's type (0/1 → boolean, JSON text → jsonb). A reference cycle (a group's lead school ↔ a school's
 * group) is broken by inserting those columns empty and setting them once both rows exist. The target must
 * be empty; it gets the committed PostgreSQL migrations first; identity sequences continue after the copied
 * ids; at the end every table is counted on both sides.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { migratePostgres } from './pg-migrate.js';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Rows per INSERT, kept under PostgreSQL's 65 535 parameters for the widest table. */
const MAX_PARAMETERS = 30_000;

export interface CopyProgress {
  start(totalRows: number): void;
  advance(rows: number, table: string): void;
  stop(): void;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export class CopyError extends Error {}

interface ForeignKey {
  from: string;
  table: string;
}

interface TablePlan {
  name: string;
  columns: string[];
  /** The primary key's columns, in key order (what a deferred column's later UPDATE finds its row by). */
  key: string[];
  /** Columns inserted as null and set afterwards: they point at a table that is not copied yet. */
  deferred: string[];
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function sqliteTables(source: BetterSqlite3.Database): string[] {
  return (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
}

/** Tables in an order where every table comes after the tables it references, cycles broken by deferred columns. */
export function plan(source: BetterSqlite3.Database): TablePlan[] {
  const tables = sqliteTables(source);
  const keys = new Map(tables.map((t) => [t, source.prepare(`PRAGMA foreign_key_list(${quote(t)})`).all() as ForeignKey[]]));
  const info = new Map(tables.map((t) => [t, source.prepare(`PRAGMA table_info(${quote(t)})`).all() as Array<{ name: string; notnull: number; pk: number }>]));
  const nullable = (t: string, column: string) => info.get(t)!.find((c) => c.name === column)?.notnull === 0;
  const done = new Set<string>();
  const order: TablePlan[] = [];
  while (done.size < tables.length) {
    const pendingOf = (t: string) => keys.get(t)!.filter((k) => k.table === t || !done.has(k.table));
    const ready = tables.filter((t) => !done.has(t) && keys.get(t)!.every((k) => k.table === t || done.has(k.table)));
    // No table is free of pending references: a cycle. Take the table with the fewest pending references that
    // can all be left empty for now, and set them after the copy.
    const breakable = tables
      .filter((t) => !done.has(t) && pendingOf(t).every((k) => nullable(t, k.from)))
      .sort((a, b) => pendingOf(a).length - pendingOf(b).length);
    if (ready.length === 0 && breakable.length === 0) throw new CopyError('the tables reference each other through required columns: cannot order the copy');
    const next = ready.length > 0 ? ready : [breakable[0]!];
    for (const name of next) {
      const columns = info.get(name)!.map((c) => c.name);
      const deferred = keys
        .get(name)!
        .filter((k) => k.table === name || !done.has(k.table))
        .map((k) => k.from);
      const key = info.get(name)!.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      order.push({ name, columns, key, deferred: [...new Set(deferred)] });
      done.add(name);
    }
  }
  return order;
}

function sqliteMigrationsApplied(source: BetterSqlite3.Database): number {
  try {
    return (source.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
  } catch {
    return 0;
  }
}

/** Copies the SQLite file at `sqlitePath` into the (empty) PostgreSQL database at `postgresUrl`. */
export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string, progress?: CopyProgress): Promise<TableCount[]> {
  const source = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
  const target = new pg.Client({ connectionString: postgresUrl });
  try {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'sqlite', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = sqliteMigrationsApplied(source);
    if (applied !== journal.entries.length) {
      throw new CopyError(`the SQLite file has ${applied} of ${journal.entries.length} migrations: start this version of Tongke on it once (it migrates at start), then copy`);
    }
    await target.connect();
    await migratePostgres(target);
    const tables = plan(source);
    const types = new Map<string, string>();
    const described = await target.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
    );
    for (const row of described.rows) types.set(`${row.table_name}.${row.column_name}`, row.data_type);
    for (const table of tables) {
      const missing = table.columns.filter((c) => !types.has(`${table.name}.${c}`));
      if (missing.length > 0) throw new CopyError(`PostgreSQL has no column ${missing.map((c) => `${table.name}.${c}`).join(', ')}: the two schemas differ`);
      const { rows } = await target.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table.name)}`);
      if (rows[0]!.n > 0) throw new CopyError(`the PostgreSQL database is not empty (${table.name} has ${rows[0]!.n} rows): copy into a new database`);
    }

    const count = (t: string) => (source.prepare(`SELECT count(*) AS n FROM ${quote(t)}`).get() as { n: number }).n;
    const sourceCounts = new Map(tables.map((t) => [t.name, count(t.name)]));
    progress?.start([...sourceCounts.values()].reduce((a, b) => a + b, 0));

    const convert = (table: string, column: string, value: unknown): unknown => {
      if (value === null) return null;
      const type = types.get(`${table}.${column}`);
      if (type === 'boolean') return value !== 0;
      if (type === 'bigint' && typeof value === 'bigint') return value.toString();
      return value;
    };

    await target.query('BEGIN');
    try {
      const patches: Array<{ table: string; key: string[]; columns: string[]; rows: unknown[][] }> = [];
      for (const table of tables) {
        const batch = Math.max(1, Math.floor(MAX_PARAMETERS / table.columns.length));
        const select = source.prepare(`SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)}`).raw(true);
        const { key } = table;
        const deferredAt = table.deferred.map((c) => table.columns.indexOf(c));
        const patch = { table: table.name, key, columns: table.deferred, rows: [] as unknown[][] };
        let pending: unknown[][] = [];
        const flush = async () => {
          if (pending.length === 0) return;
          const values: unknown[] = [];
          const tuples = pending.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(', ')})`);
          await target.query(`INSERT INTO ${quote(table.name)} (${table.columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
          progress?.advance(pending.length, table.name);
          pending = [];
        };
        for (const raw of select.iterate() as Iterable<unknown[]>) {
          const row = raw.map((v, i) => convert(table.name, table.columns[i]!, v));
          if (deferredAt.length > 0 && deferredAt.some((i) => row[i] !== null)) {
            patch.rows.push([...key.map((k) => row[table.columns.indexOf(k)]), ...deferredAt.map((i) => row[i])]);
            for (const i of deferredAt) row[i] = null;
          }
          pending.push(row);
          if (pending.length >= batch) await flush();
        }
        await flush();
        if (patch.rows.length > 0) patches.push(patch);
      }
      for (const patch of patches) {
        const set = patch.columns.map((c, i) => `${quote(c)} = $${patch.key.length + i + 1}`).join(', ');
        const where = patch.key.map((k, i) => `${quote(k)} = $${i + 1}`).join(' AND ');
        for (const row of patch.rows) await target.query(`UPDATE ${quote(patch.table)} SET ${set} WHERE ${where}`, row);
      }
      // Identity columns continue after the copied ids.
      for (const table of tables) {
        if (!table.columns.includes('id') || types.get(`${table.name}.id`) !== 'integer') continue;
        await target.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce((SELECT max(id) FROM ${quote(table.name)}), 0) + 1, false) WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL`, [table.name]);
      }
      await target.query('COMMIT');
    } catch (error) {
      await target.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      progress?.stop();
    }

    const counts: TableCount[] = [];
    for (const table of tables) {
      const { rows } = await target.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quote(table.name)}`);
      counts.push({ table: table.name, source: sourceCounts.get(table.name)!, target: rows[0]!.n });
    }
    return counts;
  } finally {
    source.close();
    await target.end().catch(() => undefined);
  }
}
