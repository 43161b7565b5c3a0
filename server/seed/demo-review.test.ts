import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { openDatabase, rows, type DatabaseHandle } from '../db/store.js';
import { seedDemoCounty } from './demo.js';

describe('the demo review chain', () => {
  let dir: string;
  let store: TestStoreLocation;
  let database: DatabaseHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-seed-review-'));
    store = await newTestStore(dir);
    database = await openDatabase(store.location);
    // A cheap hash: this test signs nobody in.
    await seedDemoCounty(database.db, { passwordHash: 'not-a-real-hash' });
  });
  afterAll(async () => {
    await database.close();
    await store.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts 青山县 under 示例市 in 示例省, with a reviewer at each level', async () => {
    const chain = await rows<{ name: string; level: string; parent: string | null }>(
      database.db,
      sql`SELECT r.name, r.level, p.name AS parent FROM regions r LEFT JOIN regions p ON p.id = r.parent_id ORDER BY r.id`,
    );
    expect(chain).toEqual([
      { name: '青山县', level: 'county', parent: '示例市' },
      { name: '示例省', level: 'province', parent: null },
      { name: '示例市', level: 'city', parent: '示例省' },
    ]);
    const reviewers = await rows<{ username: string; role: string; region: string }>(
      database.db,
      sql`SELECT u.username, g.role, r.name AS region FROM users u JOIN role_grants g ON g.user_id = u.id JOIN regions r ON r.id = g.region_id
          WHERE g.role IN ('city_reviewer', 'province_reviewer') ORDER BY u.username`,
    );
    expect(reviewers).toEqual([
      { username: 'city.reviewer', role: 'city_reviewer', region: '示例市' },
      { username: 'province.reviewer', role: 'province_reviewer', region: '示例省' },
    ]);
    const county = await rows<{ region: string }>(database.db, sql`SELECT r.name AS region FROM users u JOIN role_grants g ON g.user_id = u.id JOIN regions r ON r.id = g.region_id WHERE u.username = 'county'`);
    expect(county).toEqual([{ region: '青山县' }]);
  });
});
