/*
 * The SQL that differs between SQLite and PostgreSQL, in one place. Repositories build their raw fragments
 * from these; everything else they write is SQL both accept. Instants are epoch milliseconds on both.
 */
import { SQL, sql, type SQLWrapper } from 'drizzle-orm';
import { STORE_DIALECT } from './dialect.js';
import type { BulkColumn } from './store.js';

const onPg = STORE_DIALECT === 'postgresql';

/** The larger of the arguments (SQLite's scalar `max(a, b)`). */
export function greatest(...values: Array<SQLWrapper | number>): SQL {
  return sql`${sql.raw(onPg ? 'greatest' : 'max')}(${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;
}

/** The smaller of the arguments (SQLite's scalar `min(a, b)`). */
export function least(...values: Array<SQLWrapper | number>): SQL {
  return sql`${sql.raw(onPg ? 'least' : 'min')}(${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;
}

/** The Asia/Shanghai calendar day (YYYY-MM-DD) of an epoch-milliseconds expression. China keeps UTC+8 all year. */
export function shanghaiDay(epochMs: SQLWrapper): SQL {
  return onPg ? sql`to_char(to_timestamp((${epochMs}) / 1000.0) at time zone 'UTC' + interval '8 hours', 'YYYY-MM-DD')` : sql`date((${epochMs}) / 1000, 'unixepoch', '+8 hours')`;
}

/** The Asia/Shanghai month (YYYY-MM) of an epoch-milliseconds expression. */
export function shanghaiMonth(epochMs: SQLWrapper): SQL {
  return onPg ? sql`to_char(to_timestamp((${epochMs}) / 1000.0) at time zone 'UTC' + interval '8 hours', 'YYYY-MM')` : sql`strftime('%Y-%m', (${epochMs}) / 1000, 'unixepoch', '+8 hours')`;
}

/** The Monday (YYYY-MM-DD) of the Asia/Shanghai week of an epoch-milliseconds expression. */
export function shanghaiWeek(epochMs: SQLWrapper): SQL {
  return onPg
    ? sql`to_char(date_trunc('week', to_timestamp((${epochMs}) / 1000.0) at time zone 'UTC' + interval '8 hours'), 'YYYY-MM-DD')`
    : sql`date((${epochMs}) / 1000, 'unixepoch', '+8 hours', '-6 days', 'weekday 1')`;
}

/** `column LIKE pattern` without regard to (ASCII) case, with `\` escaping `%` and `_` — SQLite's LIKE is case-insensitive, PostgreSQL's is not. */
export function likeIgnoringCase(column: SQLWrapper, pattern: string): SQL {
  return sql`${column} ${sql.raw(onPg ? 'ILIKE' : 'LIKE')} ${pattern} ESCAPE '\\'`;
}

/**
 * Rows bound as ONE parameter — `json`, a JSON array of arrays, one value per column in order — read back as
 * a table of `columns` (each named so), in array order, on PostgreSQL: for `update … from (<this>) as v`.
 * The statement's text does not depend on how many rows there are, and building it costs nothing per value.
 */
export function rowsFromJson(json: string, columns: readonly BulkColumn[]): SQL {
  if (onPg) {
    const values = columns.map((c, i) => `(j.value ->> ${i})::${c.sqlType} as ${c.name}`).join(', ');
    return sql`select ${sql.raw(values)} from json_array_elements(${json}::json) with ordinality as j(value, position) order by j.position`;
  }
  const values = columns.map((c, i) => `j.value ->> ${i} as ${c.name}`).join(', ');
  return sql`select ${sql.raw(values)} from json_each(${json}) as j order by j.key`;
}

/**
 * Whether an update of many rows by key is best one set-based `update … from (rowsFromJson) as v`: on
 * PostgreSQL yes (one round trip instead of one per row); SQLite plans it as a scan of the target per batch,
 * slower than one prepared UPDATE per row on the same connection.
 */
export const SET_BASED_UPDATES = onPg;
