/*
 * The store: the one place that knows which database this process runs on. Repositories get `TongkeDb` —
 * drizzle's asynchronous SQLite database type — and write every query once; on PostgreSQL the same builders
 * run on node-postgres (see schema/columns.ts for why the types line up). Rules repositories follow, which
 * the PostgreSQL run of the suite enforces: only awaited query builders (no `.all()/.get()/.run()`), raw SQL
 * only through `rows()`/`execute()` below, and dialect differences only in ./sql.ts.
 *
 * Transactions are ambient. `db.transaction(work)` runs `work` in a transaction and every query made through
 * `db` while it runs — by any repository — joins it (AsyncLocalStorage), on both dialects; a transaction
 * inside a transaction is a savepoint. On SQLite (one connection) a transaction also holds the connection:
 * queries from elsewhere wait until it commits, so nothing interleaves into it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import type * as schema from './schema/index.js';
import { STORE_DIALECT, dialectOf, type Dialect } from './dialect.js';

export type TongkeDb = SqliteRemoteDatabase<typeof schema>;
/** What `db.transaction` hands its callback (repositories normally keep using `db`: it is ambient). */
export type TongkeTx = Parameters<Parameters<TongkeDb['transaction']>[0]>[0];

/** The open store. */
export interface DatabaseHandle {
  dialect: Dialect;
  db: TongkeDb;
  /** Where it is, for logs: the file, or the PostgreSQL URL without its password. */
  location: string;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where the store is: `TONGKE_DATABASE_URL` when set, else the SQLite file. */
export function storeLocation(config: { databaseUrl: string; dbPath: string }): string {
  return config.databaseUrl || config.dbPath;
}

/**
 * Opens the store at `location` (a PostgreSQL URL or a SQLite path) and applies the committed migrations of
 * its dialect. The dialect must be the process's (the schema was built for it at import).
 */
export async function openDatabase(location: string): Promise<DatabaseHandle> {
  const dialect = dialectOf(location);
  if (dialect !== STORE_DIALECT) {
    throw new Error(
      `this process was started for ${STORE_DIALECT === 'sqlite' ? 'SQLite' : 'PostgreSQL'} but asked to open ${dialect === 'sqlite' ? 'a SQLite file' : 'PostgreSQL'}: set TONGKE_DATABASE_URL in the environment before start`,
    );
  }
  if (dialect === 'postgresql') return (await import('./pg-store.js')).openPgStore(location);
  return (await import('./sqlite-store.js')).openSqliteStore(location);
}

/** The ambient transaction of the current async context, if any (set by `ambientDb`'s `transaction`). */
export interface AmbientContext {
  tx: TongkeDb | null;
  /** The outermost transaction's identity, shared by its savepoints (what SQLite's connection gate holds). */
  readonly owner: object;
}

/**
 * Wraps a dialect's root database so that every use reaches the current transaction when there is one, and
 * `transaction` opens one (or a savepoint inside one). `enter` runs a root transaction's whole life — SQLite
 * serialises them there.
 */
export function ambientDb(root: TongkeDb, enter: <T>(context: AmbientContext, work: () => Promise<T>) => Promise<T>): { db: TongkeDb; current(): AmbientContext | undefined } {
  const storage = new AsyncLocalStorage<AmbientContext>();
  const transaction = <T>(work: (tx: TongkeTx) => Promise<T>, config?: unknown): Promise<T> => {
    const outer = storage.getStore();
    if (outer?.tx) return outer.tx.transaction((tx) => storage.run({ tx: tx as unknown as TongkeDb, owner: outer.owner }, () => work(tx)));
    const context: AmbientContext = { tx: null, owner: {} };
    return storage.run(context, () =>
      enter(context, () =>
        root.transaction(async (tx) => {
          context.tx = tx as unknown as TongkeDb;
          try {
            return await work(tx);
          } finally {
            context.tx = null;
          }
        }, config as never),
      ),
    );
  };
  const db = new Proxy(root, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const current = storage.getStore()?.tx ?? target;
      const value: unknown = Reflect.get(current, property, current);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
  return { db, current: () => storage.getStore() };
}

/* Raw SQL, for the few queries drizzle's builders cannot say (reports' aggregates). Both return plain objects keyed by the column aliases. */

type RawRunner = {
  rows<T>(db: TongkeDb, query: SQL): Promise<T[]>;
  execute(db: TongkeDb, query: SQL): Promise<{ changes: number }>;
  insertRows(db: TongkeDb, table: string, columns: readonly BulkColumn[], values: ReadonlyArray<readonly unknown[]>): Promise<void>;
};

/** A column of rows written in bulk: its name and SQL type (drizzle's `getSQLType()`). */
export interface BulkColumn {
  name: string;
  sqlType: string;
}
let raw: RawRunner | null = null;
/** Called by the dialect's store module when it loads. */
export function setRawRunner(runner: RawRunner): void {
  raw = runner;
}
function runner(): RawRunner {
  if (!raw) throw new Error('no store is open in this process');
  return raw;
}

/** Rows of a raw SQL query, as objects. */
export function rows<T>(db: TongkeDb, query: SQL): Promise<T[]> {
  return runner().rows<T>(db, query);
}

/** Runs a raw SQL statement; says how many rows it changed. */
export function execute(db: TongkeDb, query: SQL): Promise<{ changes: number }> {
  return runner().execute(db, query);
}

/**
 * Inserts rows into `table` (`values`: one array per row, in `columns` order; a Date is stored as its epoch
 * milliseconds and undefined as NULL, as everywhere in the store), joining the ambient transaction like any query. For high-volume appends
 * (evidence): drizzle's builders cost more per value than the database spends storing it. SQLite runs one
 * prepared single-row INSERT per row on its connection, as a bare better-sqlite3 loop would; PostgreSQL sends
 * all rows in one statement as one JSON parameter (one round trip, constant text).
 */
export function insertRows(db: TongkeDb, table: string, columns: readonly BulkColumn[], values: ReadonlyArray<readonly unknown[]>): Promise<void> {
  if (values.length === 0) return Promise.resolve();
  return runner().insertRows(db, table, columns, values);
}

/** How many rows a builder's write changed (`await db.delete(...)` answers differently per driver). */
export function changedRows(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return r.changes ?? r.rowCount ?? 0;
}
