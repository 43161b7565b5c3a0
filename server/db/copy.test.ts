import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { eq, isNotNull } from 'drizzle-orm';
import { storeEnvironment } from '../../test/support/server-process.js';
import { withPostgresAdmin } from '../../test/support/store.js';
import { CopyError, copySqliteToPostgres, type TableCount } from './copy.js';
import { STORE_DIALECT } from './dialect.js';
import { educationGroups, regions, users } from './schema/index.js';
import { openDatabase } from './store.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** One statement on the suite's PostgreSQL maintenance database. */
const admin = (query: string) => withPostgresAdmin((client) => client.query(query)).then(() => undefined);

// A copy needs both stores at once; only the PostgreSQL run of the suite has a server to copy into.
describe.runIf(STORE_DIALECT === 'postgresql')('npm run db:copy (SQLite → PostgreSQL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongke-copy-'));
  const sqlitePath = join(dir, 'tongke.db');
  const target = `copy_${process.pid}`;
  const targetUrl = () => `${process.env.TONGKE_TEST_PG_BASE_URL}/${target}`;
  let counts: TableCount[];

  beforeAll(async () => {
    // The demo county, seeded by the real seed command into a SQLite file (a child process: this one is built for PostgreSQL).
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'server/seed/cli.ts', '--demo'], { cwd: ROOT, env: { ...process.env, ...storeEnvironment(sqlitePath) }, encoding: 'utf8', timeout: 120_000 });
    expect(seeded.status, seeded.stderr).toBe(0);
    await admin(`CREATE DATABASE ${target}`);
    counts = await copySqliteToPostgres(sqlitePath, targetUrl());
  }, 180_000);

  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table with the same number of rows on both sides', () => {
    expect(counts.length).toBeGreaterThan(20);
    for (const c of counts) expect(c, c.table).toMatchObject({ target: c.source });
    const byTable = Object.fromEntries(counts.map((c) => [c.table, c.source]));
    // The demo's history is there, not just its organisation.
    expect(byTable.lesson_sessions).toBeGreaterThan(100);
    expect(byTable.attendance_intervals).toBeGreaterThan(100);
    expect(byTable.usage_site_days).toBeGreaterThan(100);
  });

  it('leaves a database Tongke opens: values as they were, the group ↔ lead school cycle restored, new ids after the copied ones', async () => {
    const sqlite = new BetterSqlite3(sqlitePath, { readonly: true });
    const admins = sqlite.prepare("SELECT id, active, demo_account AS demo, created_at AS createdAt FROM users WHERE username = 'admin'").get() as { id: number; active: number; demo: number; createdAt: number };
    const groupsWithLead = (sqlite.prepare('SELECT count(*) AS n FROM education_groups WHERE lead_school_id IS NOT NULL').get() as { n: number }).n;
    sqlite.close();

    const database = await openDatabase(targetUrl());
    try {
      const [copied] = await database.db.select().from(users).where(eq(users.username, 'admin'));
      expect(copied).toMatchObject({ id: admins.id, active: admins.active === 1, demoAccount: admins.demo === 1 });
      expect(copied!.createdAt.getTime()).toBe(admins.createdAt);
      expect(groupsWithLead).toBeGreaterThan(0);
      expect(await database.db.select().from(educationGroups).where(isNotNull(educationGroups.leadSchoolId))).toHaveLength(groupsWithLead);
      const [before] = await database.db.select().from(regions);
      const [added] = await database.db.insert(regions).values({ name: '新县', code: 'new-after-copy' }).returning();
      expect(added!.id).toBeGreaterThan(before!.id);
    } finally {
      await database.close();
    }
  });

  it('refuses a target that is not empty, and a SQLite file this version has not migrated', async () => {
    await expect(copySqliteToPostgres(sqlitePath, targetUrl())).rejects.toThrow(/not empty/);
    const bare = join(dir, 'bare.db');
    new BetterSqlite3(bare).close();
    await admin(`CREATE DATABASE ${target}_b`);
    try {
      await expect(copySqliteToPostgres(bare, `${targetUrl()}_b`)).rejects.toBeInstanceOf(CopyError);
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${target}_b WITH (FORCE)`);
    }
  });
});
