import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { TongkeDb } from '../db/store.js';
import { classrooms, educationGroups, regions, roleGrants, schools, sessions } from '../db/schema/index.js';
import type { SchoolGroupRole, SchoolLocality, SchoolStage } from '../../shared/subjects.js';

export type RegionRow = typeof regions.$inferSelect;
export type EducationGroupRow = typeof educationGroups.$inferSelect;
export type SchoolRow = typeof schools.$inferSelect;
export type ClassroomRow = typeof classrooms.$inferSelect;

export interface SchoolValues {
  regionId: number;
  groupId: number | null;
  name: string;
  groupRole: SchoolGroupRole;
  locality: SchoolLocality;
  stage: SchoolStage;
  studentCount: number;
  active: boolean;
}

/** Persistence of regions, education groups, schools and classrooms. Nothing is ever deleted: evidence refers to them. */
export class OrganisationRepository {
  constructor(private readonly db: TongkeDb) {}

  /**
   * Runs `work` in one SQLite transaction. better-sqlite3 is synchronous on one connection, so the
   * repository's own queries inside `work` run within it; a throw rolls everything back.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(() => work());
  }

  regions(): RegionRow[] {
    return this.db.select().from(regions).orderBy(asc(regions.name)).all();
  }

  region(id: number): RegionRow | undefined {
    return this.db.select().from(regions).where(eq(regions.id, id)).get();
  }

  insertRegion(values: { name: string; code: string }): RegionRow {
    return this.db.insert(regions).values(values).returning().get();
  }

  updateRegion(id: number, values: Partial<Pick<RegionRow, 'name' | 'active'>>): void {
    if (Object.keys(values).length > 0) this.db.update(regions).set(values).where(eq(regions.id, id)).run();
  }

  groups(filter: { regionId?: number | undefined } = {}): EducationGroupRow[] {
    const where = filter.regionId === undefined ? undefined : eq(educationGroups.regionId, filter.regionId);
    return this.db.select().from(educationGroups).where(where).orderBy(asc(educationGroups.name)).all();
  }

  group(id: number): EducationGroupRow | undefined {
    return this.db.select().from(educationGroups).where(eq(educationGroups.id, id)).get();
  }

  insertGroup(values: { regionId: number; name: string }): EducationGroupRow {
    return this.db.insert(educationGroups).values(values).returning().get();
  }

  updateGroup(id: number, values: Partial<Pick<EducationGroupRow, 'name' | 'leadSchoolId' | 'active'>>): void {
    if (Object.keys(values).length > 0) this.db.update(educationGroups).set(values).where(eq(educationGroups.id, id)).run();
  }

  /** Groups whose lead school is this school. */
  groupsLedBy(schoolId: number): EducationGroupRow[] {
    return this.db.select().from(educationGroups).where(eq(educationGroups.leadSchoolId, schoolId)).all();
  }

  schools(filter: { regionId?: number | undefined; groupId?: number | undefined } = {}): SchoolRow[] {
    const conditions: SQL[] = [];
    if (filter.regionId !== undefined) conditions.push(eq(schools.regionId, filter.regionId));
    if (filter.groupId !== undefined) conditions.push(eq(schools.groupId, filter.groupId));
    return this.db
      .select()
      .from(schools)
      .where(and(...conditions))
      .orderBy(asc(schools.name))
      .all();
  }

  school(id: number): SchoolRow | undefined {
    return this.db.select().from(schools).where(eq(schools.id, id)).get();
  }

  insertSchool(values: SchoolValues): SchoolRow {
    return this.db.insert(schools).values(values).returning().get();
  }

  updateSchool(id: number, values: Partial<SchoolValues>): void {
    if (Object.keys(values).length > 0) this.db.update(schools).set(values).where(eq(schools.id, id)).run();
  }

  classrooms(filter: { schoolId?: number | undefined } = {}): ClassroomRow[] {
    const where = filter.schoolId === undefined ? undefined : eq(classrooms.schoolId, filter.schoolId);
    return this.db.select().from(classrooms).where(where).orderBy(asc(classrooms.schoolId), asc(classrooms.name)).all();
  }

  classroom(id: number): ClassroomRow | undefined {
    return this.db.select().from(classrooms).where(eq(classrooms.id, id)).get();
  }

  insertClassroom(values: { schoolId: number; name: string; receiving: boolean; multimedia: boolean }): ClassroomRow {
    return this.db.insert(classrooms).values(values).returning().get();
  }

  updateClassroom(id: number, values: Partial<Pick<ClassroomRow, 'name' | 'receiving' | 'multimedia' | 'active'>>): void {
    if (Object.keys(values).length > 0) this.db.update(classrooms).set(values).where(eq(classrooms.id, id)).run();
  }

  /** Classrooms whose device account holds a session that has not expired (a county has at most thousands). */
  pairedClassroomIds(now: Date): Set<number> {
    const rows = this.db
      .selectDistinct({ classroomId: roleGrants.classroomId })
      .from(roleGrants)
      .innerJoin(sessions, and(eq(sessions.userId, roleGrants.userId), gt(sessions.expiresAt, now)))
      .where(eq(roleGrants.role, 'classroom_device'))
      .all();
    return new Set(rows.flatMap((r) => (r.classroomId === null ? [] : [r.classroomId])));
  }
}
