import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { changedRows, execute, openDatabase, rows, type DatabaseHandle } from './store.js';
import { STORE_DIALECT } from './dialect.js';
import { regions, users } from './schema/index.js';
import { greatest, least, likeIgnoringCase, shanghaiDay, shanghaiMonth, shanghaiWeek } from './sql.js';

describe(`the store (${STORE_DIALECT})`, () => {
  let dir: string;
  let store: TestStoreLocation;
  let database: DatabaseHandle;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-store-'));
    store = await newTestStore(dir);
    database = await openDatabase(store.location);
  });
  afterEach(async () => {
    await database.close();
    await store.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips booleans, instants and JSON as JavaScript values', async () => {
    const { db } = database;
    const at = new Date('2026-09-01T00:30:00.123Z');
    const [user] = await db.insert(users).values({ username: 'a', displayName: '甲', active: false, lockedUntil: at }).returning();
    expect(user).toMatchObject({ active: false, lockedUntil: at, failedLogins: 0 });
    expect(user!.createdAt).toBeInstanceOf(Date);
    const [read] = await db.select().from(users).where(eq(users.id, user!.id));
    expect(read!.active).toBe(false);
    expect(read!.lockedUntil!.getTime()).toBe(at.getTime());
  });

  it('answers raw SQL as objects and counts as numbers', async () => {
    const { db } = database;
    await db.insert(regions).values([{ name: '一', code: 'a' }, { name: '二', code: 'b' }]);
    const [row] = await rows<{ n: number; total: number }>(db, sql`select count(*) as n, sum(${regions.id}) as total from ${regions}`);
    expect(row).toEqual({ n: 2, total: 3 });
    const { changes } = await execute(db, sql`update ${regions} set name = 'x' where ${regions.code} = 'a'`);
    expect(changes).toBe(1);
    expect(changedRows(await db.delete(regions).where(eq(regions.code, 'b')))).toBe(1);
  });

  it('runs a transaction ambiently: repository calls through db join it and roll back with it', async () => {
    const { db } = database;
    const addRegion = (code: string) => db.insert(regions).values({ name: code, code });
    await expect(
      db.transaction(async () => {
        await addRegion('in-tx');
        expect(await db.select().from(regions)).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await db.select().from(regions)).toHaveLength(0);
    await db.transaction(async () => {
      await addRegion('kept');
      // A failed inner transaction is a savepoint: only its own work is undone.
      await db.transaction(async () => {
        await addRegion('inner');
        throw new Error('inner');
      }).catch(() => undefined);
    });
    expect((await db.select().from(regions)).map((r) => r.code)).toEqual(['kept']);
  });

  it('keeps work from outside a transaction out of it until it ends', async () => {
    const { db } = database;
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async () => {
      await db.insert(regions).values({ name: 'tx', code: 'tx' });
      await paused;
      throw new Error('rolled back');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Outside the transaction: must not see its row, must not be rolled back with it.
    const outside = (async () => {
      await db.insert(regions).values({ name: 'out', code: 'out' });
      return (await db.select().from(regions)).map((r) => r.code);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(tx).rejects.toThrow('rolled back');
    expect(await outside).toEqual(['out']);
    expect((await db.select().from(regions)).map((r) => r.code)).toEqual(['out']);
  });

  it('runs two transactions started at once both to their end (on SQLite one after the other)', async () => {
    const { db } = database;
    const write = (code: string) =>
      db.transaction(async () => {
        await db.insert(regions).values({ name: code, code });
        return (await db.select().from(regions)).length;
      });
    const counts = await Promise.all([write('first'), write('second')]);
    // SQLite's one connection is gated: the second transaction begins after the first has committed. A
    // PostgreSQL pool runs them side by side (READ COMMITTED): each sees its own row, and the other's only once
    // that one committed — 1 or 2, as the two happen to interleave.
    if (STORE_DIALECT === 'sqlite') expect(counts.sort()).toEqual([1, 2]);
    else for (const count of counts) expect([1, 2]).toContain(count);
    expect((await db.select().from(regions)).map((r) => r.code).sort()).toEqual(['first', 'second']);
  });

  it('says the same thing in both dialects for its SQL fragments', async () => {
    const { db } = database;
    // 2026-11-29 23:30 UTC is Monday 2026-11-30 07:30 in Shanghai; its week starts that Monday.
    const at = Date.UTC(2026, 10, 29, 23, 30);
    const [row] = await rows<Record<string, unknown>>(
      db,
      sql`select ${shanghaiDay(sql`${at}`)} as day, ${shanghaiMonth(sql`${at}`)} as month, ${shanghaiWeek(sql`${at}`)} as week,
        ${greatest(sql.raw("3"), sql.raw("7"))} as g, ${least(sql.raw("3"), sql.raw("7"))} as l`,
    );
    expect(row).toEqual({ day: '2026-11-30', month: '2026-11', week: '2026-11-30', g: 7, l: 3 });
    const [sunday] = await rows<{ week: string }>(db, sql`select ${shanghaiWeek(sql`${Date.UTC(2026, 10, 29, 3)}`)} as week`);
    expect(sunday!.week).toBe('2026-11-23');
    await db.insert(users).values({ username: 'Wang_Li', displayName: '王丽' });
    const found = await db.select().from(users).where(likeIgnoringCase(users.username, 'wang\\_%'));
    expect(found).toHaveLength(1);
  });
});
