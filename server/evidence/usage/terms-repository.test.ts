/** The reports' term reads, on the store the run uses (both in `npm test`): what the usage reports and link health share. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/store.js';
import { regions, terms } from '../../db/schema/index.js';
import { newTestStore, type TestStoreLocation } from '../../../test/support/store.js';
import { LinkHealthRepository } from '../link-health/repository.js';
import { UsageRepository } from './repository.js';
import { ReportTermsRepository } from './terms-repository.js';

let dir: string;
let store: TestStoreLocation;
let database: DatabaseHandle;
let repo: ReportTermsRepository;
let regionId: number;
const ids: Record<'spring' | 'autumn' | 'summerSchool' | 'neighbours', number> = { spring: 0, autumn: 0, summerSchool: 0, neighbours: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-report-terms-'));
  store = await newTestStore(dir);
  database = await openDatabase(store.location);
  const db = database.db;
  const [region] = await db.insert(regions).values({ name: '示范县', code: 'demo' }).returning();
  const [other] = await db.insert(regions).values({ name: '邻县', code: 'other' }).returning();
  regionId = region!.id;
  // Inserted out of order, so an answer in term order cannot come from insertion order.
  const term = async (values: typeof terms.$inferInsert) => (await db.insert(terms).values(values).returning())[0]!.id;
  ids.autumn = await term({ regionId, name: '2026秋', startsOn: '2026-09-01', endsOn: '2027-01-22' });
  ids.spring = await term({ regionId, name: '2026春', startsOn: '2026-02-24', endsOn: '2026-07-03' });
  // A short term inside the spring one's tail: where two cover a day, the earlier-starting one answers.
  ids.summerSchool = await term({ regionId, name: '暑期班', startsOn: '2026-06-29', endsOn: '2026-07-31' });
  ids.neighbours = await term({ regionId: other!.id, name: '邻县2026秋', startsOn: '2026-09-01', endsOn: '2027-01-22' });
  repo = new ReportTermsRepository(db);
});

afterAll(async () => {
  await database?.close();
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the terms a report reads', () => {
  it('finds a term by id, whatever its region, and none for an id that is not one', async () => {
    expect(await repo.term(ids.neighbours)).toMatchObject({ name: '邻县2026秋', startsOn: '2026-09-01', endsOn: '2027-01-22' });
    expect(await repo.term(ids.neighbours + 100)).toBeUndefined();
  });

  it('finds the region’s term covering a day, its first and last days included, the earlier one where two overlap', async () => {
    expect((await repo.termCovering(regionId, '2026-09-01'))?.id).toBe(ids.autumn);
    expect((await repo.termCovering(regionId, '2027-01-22'))?.id).toBe(ids.autumn);
    expect((await repo.termCovering(regionId, '2026-07-01'))?.id).toBe(ids.spring);
    expect((await repo.termCovering(regionId, '2026-07-15'))?.id).toBe(ids.summerSchool);
    expect(await repo.termCovering(regionId, '2026-08-15')).toBeUndefined();
  });

  it('lists the region’s terms a range touches, and all its terms, oldest first and never a neighbour’s', async () => {
    expect((await repo.termsOverlapping(regionId, '2026-07-03', '2026-09-01')).map((t) => t.id)).toEqual([ids.spring, ids.summerSchool, ids.autumn]);
    expect((await repo.termsOverlapping(regionId, '2026-08-01', '2026-08-31')).map((t) => t.id)).toEqual([]);
    expect((await repo.regionTerms(regionId)).map((t) => t.name)).toEqual(['2026春', '暑期班', '2026秋']);
  });

  it('is what the usage reports and link health both read', async () => {
    for (const reports of [new UsageRepository(database.db), new LinkHealthRepository(database.db)]) {
      expect((await reports.terms.termCovering(regionId, '2026-10-01'))?.id).toBe(ids.autumn);
    }
  });
});
