/*
 * The data layer's boundary, checked on the source: only the store (server/db) and repositories reach the
 * database — nothing else imports drizzle, better-sqlite3 or pg (type-only imports of the schema's enums are
 * fine) — and no server file uses the synchronous or SQLite-only query API that PostgreSQL does not have.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'server');

function sourceFiles(dir: string, tests = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' || entry.name === 'node_modules' ? [] : sourceFiles(path, tests);
    return entry.name.endsWith('.ts') && entry.name.endsWith('.test.ts') === tests ? [path] : [];
  });
}

/** Files that own SQL: the store itself, repositories, Places (the policy's repository) and the demo seed's writer. */
const MAY_QUERY = [/^server\/db\//, /repository\.ts$/, /^server\/organisation\/places\.ts$/, /^server\/seed\/seed-writer\.ts$/];
const DRIVER_IMPORT = /^import\s+(?!type\b)[^;]*from\s+'(drizzle-orm[^']*|better-sqlite3|pg)'/m;
/** Synchronous/SQLite-only calls: `.all()`, `.get()`, `.run()` on a query, `db.all/get/run/values(…)`. */
const SYNC_QUERY = /\.(all|get|run)\(\)|\b(db|tx)\.(all|get|run|values)\(/;

describe('the data layer boundary', () => {
  const files = sourceFiles(SERVER).map((path) => ({ name: relative(ROOT, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }));

  it('finds the server sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('lets only the store and repositories import drizzle, better-sqlite3 or pg', () => {
    const offenders = files.filter((f) => !MAY_QUERY.some((allowed) => allowed.test(f.name)) && DRIVER_IMPORT.test(f.text)).map((f) => f.name);
    expect(offenders).toEqual([]);
  });

  it('gives services their repositories, not the database handle', () => {
    const services = files.filter((f) => f.name.endsWith('service.ts'));
    expect(services.length).toBeGreaterThan(4);
    expect(services.filter((f) => /from '[./]*db\/store\.js'/.test(f.text)).map((f) => f.name)).toEqual([]);
  });

  it('uses no synchronous or SQLite-only query API outside the store', () => {
    const offenders = files.filter((f) => !f.name.startsWith('server/db/') && SYNC_QUERY.test(f.text)).map((f) => f.name);
    expect(offenders).toEqual([]);
  });

  it('keeps tests, their support and the benchmarks off that API too (it works on SQLite only, so only the PostgreSQL run would notice)', () => {
    const others = [...sourceFiles(SERVER, true), ...sourceFiles(join(ROOT, 'test')), ...sourceFiles(join(ROOT, 'test'), true), ...sourceFiles(join(ROOT, 'bench')), ...sourceFiles(join(ROOT, 'bench'), true)]
      .map((path) => ({ name: relative(ROOT, path).replaceAll('\\', '/'), text: readFileSync(path, 'utf8') }))
      .filter((f) => !f.name.startsWith('server/db/') && !f.name.startsWith('bench/bulk-store'));
    expect(others.length).toBeGreaterThan(50);
    expect(others.filter((f) => SYNC_QUERY.test(f.text)).map((f) => f.name)).toEqual([]);
  });
});
