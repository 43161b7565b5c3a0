/*
 * SQLite, the embedded default: one better-sqlite3 connection behind drizzle's sqlite-proxy, so repositories
 * see the same asynchronous API as on PostgreSQL. Statements are prepared once per SQL text (drizzle's own
 * better-sqlite3 driver prepares on every execution). A transaction holds the connection: a query from outside
 * it waits at `#gate` until it ends, so a transaction's awaits never let other work into it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import * as schema from './schema/index.js';
import { ambientDb, setRawRunner, type AmbientContext, type BulkColumn, type DatabaseHandle, type TongkeDb } from './store.js';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations', 'sqlite');
const STATEMENT_CACHE = 500;

/** Which transaction holds the connection; everyone else waits for it. */
class ConnectionGate {
  #holder: object | null = null;
  #waiting: Array<() => void> = [];

  /** Resolves when a query from `context` may use the connection. */
  async turn(context: AmbientContext | undefined): Promise<void> {
    while (this.#holder !== null && this.#holder !== context?.owner) await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  async hold<T>(context: AmbientContext, work: () => Promise<T>): Promise<T> {
    // Check and take the connection in one synchronous step: awaiting `turn` first let two transactions
    // started at once both see it free and both BEGIN on the one connection.
    while (this.#holder !== null) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#holder = context.owner;
    try {
      return await work();
    } finally {
      this.#holder = null;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const wake of waiting) wake();
    }
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; raw SQL and bulk rows may pass booleans, Dates and undefined. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.getTime();
  return value;
}

/** Set by `rows()`: the proxy answers with objects instead of drizzle's positional arrays. */
const asObjects = new AsyncLocalStorage<true>();

/** What `insertRows` needs of an open store's connection, by the store's db. */
interface Connection {
  /** Waits for the caller's turn on the connection (a transaction holds it). */
  turn(): Promise<void>;
  prepare(text: string): BetterSqlite3.Statement;
}
const connections = new WeakMap<TongkeDb, Connection>();

setRawRunner({
  // Started inside the context: drizzle queries are lazy and would otherwise run when awaited, outside it.
  rows: <T>(db: TongkeDb, query: SQL) => asObjects.run(true, () => db.all<T>(query).then((found) => found)),
  execute: async (db: TongkeDb, query: SQL) => {
    const result = (await db.run(query)) as { changes?: number };
    return { changes: result.changes ?? 0 };
  },
  // A prepared single-row INSERT run per row, with no await between rows: what a bare better-sqlite3 loop
  // does, and cheaper than binding one multi-row statement through drizzle's SQL.
  insertRows: async (db: TongkeDb, table: string, columns: readonly BulkColumn[], values: ReadonlyArray<readonly unknown[]>) => {
    const connection = connections.get(db);
    if (!connection) throw new Error('insertRows needs the db of an open SQLite store');
    await connection.turn();
    const statement = connection.prepare(`insert into ${table} (${columns.map((c) => c.name).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    for (const row of values) statement.run(...row.map(bindable));
  },
});

export function openSqliteStore(path: string): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  migrate(drizzleSync(sqlite), { migrationsFolder: MIGRATIONS });

  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string): BetterSqlite3.Statement => {
    let statement = statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
    }
    return statement;
  };
  const gate = new ConnectionGate();
  let current: () => AmbientContext | undefined = () => undefined;

  const root = drizzle(
    async (text, params, method) => {
      await gate.turn(current());
      const statement = prepare(text);
      const values = params.map(bindable);
      if (!statement.reader) return { rows: [], changes: statement.run(...values).changes } as { rows: unknown[] };
      statement.raw(asObjects.getStore() !== true);
      if (method === 'get') return { rows: statement.get(...values) as unknown[] };
      return { rows: statement.all(...values) };
    },
    { schema },
  );
  const ambient = ambientDb(root, (context, work) => gate.hold(context, work));
  current = ambient.current;
  connections.set(ambient.db, { turn: () => gate.turn(current()), prepare });

  let open = true;
  return {
    dialect: 'sqlite',
    db: ambient.db,
    location: path,
    async ping() {
      await gate.turn(current());
      sqlite.prepare('SELECT 1').get();
    },
    async close() {
      if (!open) return;
      open = false;
      sqlite.close();
    },
  };
}
