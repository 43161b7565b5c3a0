/** Where a lesson's sites are filed, on the store the run uses (both in `npm test`): the usage roll-ups and link health share it. */
import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/store.js';
import { classrooms, educationGroups, regions, schools } from '../../db/schema/index.js';
import { newTestStore, type TestStoreLocation } from '../../../test/support/store.js';
import { LinkHealthRepository } from '../link-health/repository.js';
import { SitePlacesRepository } from './site-places-repository.js';

let dir: string;
let store: TestStoreLocation;
let database: DatabaseHandle;
let repo: SitePlacesRepository;
let place: { regionId: number; groupId: number; groupSchool: number; independentSchool: number; groupClassroom: number; independentClassroom: number };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-site-places-'));
  store = await newTestStore(dir);
  database = await openDatabase(store.location);
  const db = database.db;
  const [region] = await db.insert(regions).values({ name: '示范县', code: 'demo' }).returning();
  const [group] = await db.insert(educationGroups).values({ regionId: region!.id, name: '城关教育集团' }).returning();
  const school = async (groupId: number | null, name: string) =>
    (await db.insert(schools).values({ regionId: region!.id, groupId, name, groupRole: 'member', locality: 'rural', stage: 'primary' }).returning())[0]!.id;
  const groupSchool = await school(group!.id, '石门教学点');
  const independentSchool = await school(null, '河口中学');
  const classroom = async (schoolId: number) => (await db.insert(classrooms).values({ schoolId, name: '教室', receiving: true }).returning())[0]!.id;
  place = { regionId: region!.id, groupId: group!.id, groupSchool, independentSchool, groupClassroom: await classroom(groupSchool), independentClassroom: await classroom(independentSchool) };
  repo = new SitePlacesRepository(db);
});

afterAll(async () => {
  await database?.close();
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('where a lesson’s sites sit', () => {
  it('files a classroom under its school, group and region, a school outside any group under none, and leaves out ids that are not there', async () => {
    const places = await repo.classroomPlaces([place.groupClassroom, place.independentClassroom, place.independentClassroom + 100]);
    expect([...places.entries()].sort(([a], [b]) => a - b)).toEqual([
      [place.groupClassroom, { schoolId: place.groupSchool, groupId: place.groupId, regionId: place.regionId }],
      [place.independentClassroom, { schoolId: place.independentSchool, groupId: null, regionId: place.regionId }],
    ]);
    expect((await repo.classroomPlaces([])).size).toBe(0);
  });

  it('files a school by itself the same way', async () => {
    const places = await repo.schoolPlaces([place.groupSchool, place.independentSchool]);
    expect(places.get(place.groupSchool)).toEqual({ schoolId: place.groupSchool, groupId: place.groupId, regionId: place.regionId });
    expect(places.get(place.independentSchool)).toEqual({ schoolId: place.independentSchool, groupId: null, regionId: place.regionId });
  });

  it('reads where a classroom sits now: a school moved into a group takes its classrooms with it', async () => {
    await database.db.update(schools).set({ groupId: place.groupId }).where(eq(schools.id, place.independentSchool));
    expect((await new LinkHealthRepository(database.db).places.classroomPlaces([place.independentClassroom])).get(place.independentClassroom)?.groupId).toBe(place.groupId);
    await database.db.update(schools).set({ groupId: null }).where(eq(schools.id, place.independentSchool));
  });
});
