import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/store.js';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { SatisfactionRepository } from '../evaluation/satisfaction/repository.js';
import { SatisfactionService } from '../evaluation/satisfaction/service.js';
import { seedDemoCounty } from './demo.js';
import { DEMO_REGION } from './demo-data.js';
import { DEMO_LESS_SATISFIED_SCHOOL, seedDemoSatisfaction } from './demo-satisfaction.js';

describe('the demo county’s satisfaction survey', () => {
  const today = '2026-11-27';
  let dir: string;
  let store: TestStoreLocation;
  let database: DatabaseHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-seed-sat-'));
    store = await newTestStore(dir);
    database = await openDatabase(store.location);
    await seedDemoCounty(database.db, { passwordHash: 'not-a-real-hash', today });
  });
  afterAll(async () => {
    await database?.close();
    await store?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is open today with the default questionnaire and answers: the county above 85 %, one school below', async () => {
    const repo = new SatisfactionRepository(database.db);
    const place = (await repo.regionTermOn(DEMO_REGION.code, today))!;
    const service = new SatisfactionService(repo);
    const view = await service.view(place.regionId, place.termId, new Date(`${today}T04:00:00Z`));
    expect(view.survey).toMatchObject({ state: 'open', questions: view.defaultQuestions });
    const results = (await service.resultsFor(place.regionId, place.termId))!;
    expect(results.overall.satisfaction!).toBeGreaterThanOrEqual(0.85);
    expect(results.meets).toBe(true);
    expect(results.overall.responseRate!).toBeGreaterThan(0.7);
    expect(results.overall.responseRate!).toBeLessThan(1);
    const below = results.bySchool.filter((s) => s.meets === false).map((s) => s.schoolName);
    expect(below).toEqual([DEMO_LESS_SATISFIED_SCHOOL]);
    // Every school hands codes to all four groups, and each group keeps unused codes to try the answer page with.
    const schools = await repo.schools(place.regionId);
    expect(results.bySchoolGroup).toHaveLength(schools.length * 4);
    for (const row of results.bySchoolGroup) expect(row.figures.responses).toBeLessThan(row.figures.issued);
  });

  it('seeds once: a second run adds nothing', async () => {
    expect(await seedDemoSatisfaction(database.db, today)).toBe(0);
  });
});
