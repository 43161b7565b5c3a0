/*
 * The SQL that differs between SQLite and PostgreSQL, in one place. Repositories build their raw fragments
 * from these; everything else they write is SQL both accept. Instants are epoch milliseconds on both.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { STORE_DIALECT } from './dialect.js';

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
 * a table of `columns` (name and SQL type, e.g. from drizzle's `getSQLType()`), in array order: for bulk
 * `insert into … (columns) <this>`. The statement's text does not depend on how many rows there are (so it
 * is prepared once), and building it costs nothing per value. Instants go in as epoch milliseconds.
 */
export function rowsFromJson(json: string, columns: ReadonlyArray<{ name: string; sqlType: string }>): SQL {
  if (onPg) {
    const values = columns.map((c, i) => `(j.value ->> ${i})::${c.sqlType}`).join(', ');
    return sql`select ${sql.raw(values)} from json_array_elements(${json}::json) with ordinality as j(value, position) order by j.position`;
  }
  const values = columns.map((_, i) => `j.value ->> ${i}`).join(', ');
  return sql`select ${sql.raw(values)} from json_each(${json}) as j order by j.key`;
}
