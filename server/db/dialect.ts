/**
 * Which store this process runs on. Chosen once, by `TONGKE_DATABASE_URL` in the environment: unset (or a
 * `file:` URL / path) is the embedded SQLite file, `postgres://…` is PostgreSQL. The schema's tables are
 * built for this dialect when first imported, so it cannot change while the process runs.
 */
export type Dialect = 'sqlite' | 'postgresql';

export function dialectOf(url: string | null | undefined): Dialect {
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgresql' : 'sqlite';
}

export const STORE_DIALECT: Dialect = dialectOf(process.env.TONGKE_DATABASE_URL);
