import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonMaterials, materialOpenings } from '../db/schema/index.js';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoMaterials } from './demo-materials.js';

describe('the demo’s materials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoCounty(t.database.db, { passwordHash: 'not-a-real-hash' });
  });
  afterAll(async () => t.close());

  it('pushes links with the music course’s last and next lessons, the last one opened by one classroom, and only once', async () => {
    const materials = await t.database.db.select().from(lessonMaterials);
    expect(materials.map((m) => m.title)).toEqual(['《小雨沙沙》范唱', '节奏练习（课后）', '《小雨沙沙》范唱', '节奏练习（课后）']);
    expect(await t.database.db.select().from(materialOpenings)).toHaveLength(2);
    expect(await seedDemoMaterials(t.database.db)).toBe(false);
    expect(await t.database.db.select().from(lessonMaterials)).toHaveLength(4);
  });
});
