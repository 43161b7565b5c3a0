/*
 * Bulk writes for the synthetic year, on the bare driver of the store's dialect: millions of evidence rows
 * through the query builders (or even raw SQL through the store) would measure the ORM, not the reports.
 * SQLite: a second better-sqlite3 connection on the same file with prepared single-row INSERTs in big
 * transactions (the store's own connection is idle meanwhile). PostgreSQL: one node-postgres client with
 * multi-row INSERTs. Use only on a database nothing else is writing.
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseHandle } from '../server/db/store.js';

export type Literal = string | number | boolean | null;

export interface BulkStore {
  /** Inserts one row and answers its id. */
  insertOne(table: string, columns: readonly string[], values: readonly Literal[]): Promise<number>;
  /** Inserts one row without asking for an id (may be buffered until `flush` or the transaction's end). */
  add(table: string, columns: readonly string[], values: readonly Literal[]): Promise<void>;
  /** Points a group at its lead school (known only once the group's schools exist). */
  setLeadSchool(groupId: number, schoolId: number): Promise<void>;
  /** `work` in one transaction; buffered rows are written before it commits. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openBulkStore(database: DatabaseHandle): Promise<BulkStore> {
  return database.dialect === 'postgresql' ? openPg(database.location) : openSqlite(database.location);
}

function openSqlite(path: string): BulkStore {
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statement = (table: string, columns: readonly string[], returning: boolean) => {
    const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${returning ? ' RETURNING id' : ''}`;
    let found = statements.get(text);
    if (!found) statements.set(text, (found = sqlite.prepare(text)));
    return found;
  };
  const bind = (values: readonly Literal[]) => values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  return {
    async insertOne(table, columns, values) {
      return Number((statement(table, columns, true).get(...bind(values)) as { id: number }).id);
    },
    async add(table, columns, values) {
      statement(table, columns, false).run(...bind(values));
    },
    async setLeadSchool(groupId, schoolId) {
      sqlite.prepare('UPDATE education_groups SET lead_school_id = ? WHERE id = ?').run(schoolId, groupId);
    },
    async transaction(work) {
      sqlite.exec('BEGIN');
      try {
        const result = await work();
        sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        sqlite.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      sqlite.close();
    },
  };
}

/** Rows per multi-row INSERT on PostgreSQL (well under its 65 535 bound parameters). */
const PG_ROWS_PER_INSERT = 1_000;

async function openPg(url: string): Promise<BulkStore> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const pending = new Map<string, { table: string; columns: readonly string[]; rows: Literal[][] }>();
  const flushOne = async (batch: { table: string; columns: readonly string[]; rows: Literal[][] }) => {
    if (batch.rows.length === 0) return;
    const width = batch.columns.length;
    const rows = batch.rows.splice(0);
    const placeholders = rows.map((_, r) => `(${batch.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${batch.table} (${batch.columns.join(', ')}) VALUES ${placeholders}`, rows.flat());
  };
  const flush = async () => {
    for (const batch of pending.values()) await flushOne(batch);
  };
  return {
    async insertOne(table, columns, values) {
      const result = await client.query<{ id: number }>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, [...values]);
      return Number(result.rows[0]!.id);
    },
    async add(table, columns, values) {
      const key = `${table}(${columns.join(',')})`;
      let batch = pending.get(key);
      if (!batch) pending.set(key, (batch = { table, columns, rows: [] }));
      batch.rows.push([...values]);
      if (batch.rows.length >= PG_ROWS_PER_INSERT) await flushOne(batch);
    },
    async setLeadSchool(groupId, schoolId) {
      await flush();
      await client.query('UPDATE education_groups SET lead_school_id = $1 WHERE id = $2', [schoolId, groupId]);
    },
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work();
        await flush();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    async close() {
      await flush();
      await client.end();
    },
  };
}
