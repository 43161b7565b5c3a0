import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourcesReport } from '../../shared/api/evaluation-resources.js';
import { hashPassword } from '../accounts/passwords.js';
import { sql } from 'drizzle-orm';
import { openDatabase, rows, type DatabaseHandle } from '../db/store.js';
import { ResourceRepository } from '../evaluation/resources/repository.js';
import { ResourceService } from '../evaluation/resources/service.js';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { DEMO_REGION } from './demo-data.js';
import { DEMO_PASSWORD } from './demo-logins.js';
import { seedDemoCounty } from './demo.js';
import { seedDemoResources } from './demo-resources.js';

let dir: string;
let store: TestStoreLocation;
let database: DatabaseHandle;
let report: ResourcesReport;
let regionId: number;
let termName: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-seed-resources-'));
  store = await newTestStore(dir);
  database = await openDatabase(store.location);
  const summary = await seedDemoCounty(database.db, { passwordHash: await hashPassword(DEMO_PASSWORD) });
  termName = summary.term.name;
  const repo = new ResourceRepository(database.db);
  const [region] = await rows<{ id: number }>(database.db, sql`SELECT id FROM regions WHERE code = ${DEMO_REGION.code}`);
  regionId = region!.id;
  const termId = (await repo.termByName(regionId, termName))!;
  report = await new ResourceService(repo).report(regionId, termId);
});

afterAll(async () => {
  await database?.close();
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the demo county's resource inputs (${DEMO_REGION.name})`, () => {
  it('enters every stage part of every school, the nine-year school as two', () => {
    expect(report.missing).toEqual([]);
    expect(report.parts).toHaveLength(13);
    expect(report.parts.filter((p) => p.schoolName === '青山县马鞍镇九年一贯制学校').map((p) => p.stage).sort()).toEqual(['junior', 'primary']);
  });

  it('has exactly one school missing one indicator, at 90 % of it, so that its verdict still passes', () => {
    const unmet = report.parts.flatMap((p) => p.indicators.filter((i) => !i.met).map((i) => ({ school: p.schoolName, indicator: i.indicator, ratio: i.ratio, passed: p.passed })));
    expect(unmet).toEqual([{ school: '青石岭村小', indicator: 'sportsArea', ratio: expect.closeTo(0.9, 12), passed: true }]);
    expect(report.parts.every((p) => p.passed)).toBe(true);
  });

  it('keeps every 差异系数 within its stage limit', () => {
    expect(report.disparities).toHaveLength(14);
    expect(report.disparities.filter((d) => d.met !== true).map((d) => `${d.stage} ${d.indicator} ${d.cv}`)).toEqual([]);
  });

  it('creates nothing on a second run', async () => {
    expect(await seedDemoResources(database.db, regionId, termName)).toBe(0);
  });
});
