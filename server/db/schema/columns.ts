/*
 * The schema's vocabulary: the one schema source is written with these builders, which make SQLite tables or
 * PostgreSQL tables for the dialect of this process (see ../dialect.ts). TypeScript sees the SQLite builders'
 * types on both, which is what lets repositories be written once: the values they carry in JavaScript are the
 * same — integers and reals as numbers, booleans as booleans, instants as Date (UTC epoch milliseconds in
 * the store on both, so SQL arithmetic on instants reads the same), JSON as parsed values.
 */
import { sql } from 'drizzle-orm';
import * as lite from 'drizzle-orm/sqlite-core';
import * as pg from 'drizzle-orm/pg-core';
import { STORE_DIALECT } from '../dialect.js';

const onPg = STORE_DIALECT === 'postgresql';

/** An instant as epoch milliseconds in a bigint, read as a Date (SQLite's `timestamp_ms` mode does the same). */
const pgInstant = pg.customType<{ data: Date; driverData: string | number }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});

const liteId = () => lite.integer('id').primaryKey({ autoIncrement: true });
const liteInt = (name: string) => lite.integer(name);
const liteBool = (name: string) => lite.integer(name, { mode: 'boolean' });
const liteInstant = (name: string) => lite.integer(name, { mode: 'timestamp_ms' });
const liteReal = (name: string) => lite.real(name);
const liteJson = (name: string) => lite.text(name, { mode: 'json' });

export const table: typeof lite.sqliteTable = onPg ? (pg.pgTable as never) : lite.sqliteTable;
/** The surrogate key: an autoincrement integer (SQLite) or an identity column that also takes explicit ids (PostgreSQL). */
export const id: typeof liteId = onPg ? (() => pg.integer('id').primaryKey().generatedByDefaultAsIdentity()) as never : liteId;
export const int: typeof liteInt = onPg ? ((name: string) => pg.integer(name)) as never : liteInt;
export const bool: typeof liteBool = onPg ? ((name: string) => pg.boolean(name)) as never : liteBool;
export const instant: typeof liteInstant = onPg ? ((name: string) => pgInstant(name)) as never : liteInstant;
export const real: typeof liteReal = onPg ? ((name: string) => pg.doublePrecision(name)) as never : liteReal;
export const json: typeof liteJson = onPg ? ((name: string) => pg.jsonb(name)) as never : liteJson;
export const text: typeof lite.text = onPg ? (pg.text as never) : lite.text;
export const index: typeof lite.index = onPg ? (pg.index as never) : lite.index;
export const uniqueIndex: typeof lite.uniqueIndex = onPg ? (pg.uniqueIndex as never) : lite.uniqueIndex;
export const primaryKey: typeof lite.primaryKey = onPg ? (pg.primaryKey as never) : lite.primaryKey;
export type AnyColumn = lite.AnySQLiteColumn;

/** Now, as epoch milliseconds, for column defaults. */
export const NOW_MS = onPg ? sql`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint` : sql`(unixepoch('subsec') * 1000)`;
