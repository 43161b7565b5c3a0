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
   * Runs `work` in one transaction: every query made through the store while it runs joins it (the store's
   * transactions are ambient), and a throw rolls everything back.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  async regions(): Promise<RegionRow[]> {
    return this.db.select().from(regions).orderBy(asc(regions.name));
  }

  async region(id: number): Promise<RegionRow | undefined> {
    const [row] = await this.db.select().from(regions).where(eq(regions.id, id)).limit(1);
    return row;
  }

  async insertRegion(values: Pick<RegionRow, 'name' | 'code' | 'level' | 'parentId'>): Promise<RegionRow> {
    const [row] = await this.db.insert(regions).values(values).returning();
    return row!;
  }

  async updateRegion(id: number, values: Partial<Pick<RegionRow, 'name' | 'active' | 'level' | 'parentId'>>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(regions).set(values).where(eq(regions.id, id));
  }

  async groups(filter: { regionId?: number | undefined } = {}): Promise<EducationGroupRow[]> {
    const where = filter.regionId === undefined ? undefined : eq(educationGroups.regionId, filter.regionId);
    return this.db.select().from(educationGroups).where(where).orderBy(asc(educationGroups.name));
  }

  async group(id: number): Promise<EducationGroupRow | undefined> {
    const [row] = await this.db.select().from(educationGroups).where(eq(educationGroups.id, id)).limit(1);
    return row;
  }

  async insertGroup(values: { regionId: number; name: string }): Promise<EducationGroupRow> {
    const [row] = await this.db.insert(educationGroups).values(values).returning();
    return row!;
  }

  async updateGroup(id: number, values: Partial<Pick<EducationGroupRow, 'name' | 'leadSchoolId' | 'active'>>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(educationGroups).set(values).where(eq(educationGroups.id, id));
  }

  /** Groups whose lead school is this school. */
  async groupsLedBy(schoolId: number): Promise<EducationGroupRow[]> {
    return this.db.select().from(educationGroups).where(eq(educationGroups.leadSchoolId, schoolId));
  }

  async schools(filter: { regionId?: number | undefined; groupId?: number | undefined } = {}): Promise<SchoolRow[]> {
    const conditions: SQL[] = [];
    if (filter.regionId !== undefined) conditions.push(eq(schools.regionId, filter.regionId));
    if (filter.groupId !== undefined) conditions.push(eq(schools.groupId, filter.groupId));
    return this.db
      .select()
      .from(schools)
      .where(and(...conditions))
      .orderBy(asc(schools.name));
  }

  async school(id: number): Promise<SchoolRow | undefined> {
    const [row] = await this.db.select().from(schools).where(eq(schools.id, id)).limit(1);
    return row;
  }

  async insertSchool(values: SchoolValues): Promise<SchoolRow> {
    const [row] = await this.db.insert(schools).values(values).returning();
    return row!;
  }

  async updateSchool(id: number, values: Partial<SchoolValues>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(schools).set(values).where(eq(schools.id, id));
  }

  async classrooms(filter: { schoolId?: number | undefined } = {}): Promise<ClassroomRow[]> {
    const where = filter.schoolId === undefined ? undefined : eq(classrooms.schoolId, filter.schoolId);
    return this.db.select().from(classrooms).where(where).orderBy(asc(classrooms.schoolId), asc(classrooms.name));
  }

  async classroom(id: number): Promise<ClassroomRow | undefined> {
    const [row] = await this.db.select().from(classrooms).where(eq(classrooms.id, id)).limit(1);
    return row;
  }

  async insertClassroom(values: { schoolId: number; name: string; receiving: boolean; multimedia: boolean }): Promise<ClassroomRow> {
    const [row] = await this.db.insert(classrooms).values(values).returning();
    return row!;
  }

  async updateClassroom(id: number, values: Partial<Pick<ClassroomRow, 'name' | 'receiving' | 'multimedia' | 'active'>>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(classrooms).set(values).where(eq(classrooms.id, id));
  }

  /** Classrooms whose device account holds a session that has not expired (a county has at most thousands). */
  async pairedClassroomIds(now: Date): Promise<Set<number>> {
    const rows = await this.db
      .selectDistinct({ classroomId: roleGrants.classroomId })
      .from(roleGrants)
      .innerJoin(sessions, and(eq(sessions.userId, roleGrants.userId), gt(sessions.expiresAt, now)))
      .where(eq(roleGrants.role, 'classroom_device'));
    return new Set(rows.flatMap((r) => (r.classroomId === null ? [] : [r.classroomId])));
  }
}
