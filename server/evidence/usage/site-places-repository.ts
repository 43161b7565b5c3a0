import { eq, inArray } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { classrooms, schools } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import type { SitePlace } from './lesson-rollup.js';

/**
 * Where a lesson's sites sit in the organisation today (region, group, school), as the roll-ups file them:
 * the usage roll-ups and link health read them the same way. Ids that no longer exist are left out.
 */
export class SitePlacesRepository {
  constructor(private readonly db: TongkeDb) {}

  async classroomPlaces(ids: readonly number[]): Promise<Map<number, SitePlace>> {
    const places = new Map<number, SitePlace>();
    for (const part of chunks(ids)) {
      const rows = await this.db
        .select({ id: classrooms.id, schoolId: schools.id, regionId: schools.regionId, groupId: schools.groupId })
        .from(classrooms)
        .innerJoin(schools, eq(schools.id, classrooms.schoolId))
        .where(inArray(classrooms.id, part));
      for (const r of rows) places.set(r.id, { schoolId: r.schoolId, regionId: r.regionId, groupId: r.groupId });
    }
    return places;
  }

  async schoolPlaces(ids: readonly number[]): Promise<Map<number, SitePlace>> {
    const places = new Map<number, SitePlace>();
    for (const part of chunks(ids)) {
      for (const r of await this.db.select({ id: schools.id, regionId: schools.regionId, groupId: schools.groupId }).from(schools).where(inArray(schools.id, part))) {
        places.set(r.id, { schoolId: r.id, regionId: r.regionId, groupId: r.groupId });
      }
    }
    return places;
  }
}
