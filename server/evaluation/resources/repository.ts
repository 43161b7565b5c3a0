import { and, asc, eq, gt, inArray, isNotNull } from 'drizzle-orm';
import type { ResourcePartInput, ResourceStage } from '../../../shared/api/evaluation-resources.js';
import type { SchoolStage } from '../../../shared/subjects.js';
import type { TongkeDb } from '../../db/store.js';
import { classrooms, evaluationResourceInputs, regions, schools, terms, usageSiteDays, users } from '../../db/schema/index.js';

export interface RegionSchool {
  id: number;
  regionId: number;
  name: string;
  stage: SchoolStage;
  active: boolean;
}

/** A stored part with the school it belongs to and who entered it. */
export interface StoredPart extends ResourcePartInput {
  schoolId: number;
  updatedAt: Date;
  updatedBy: string | null;
}

export interface RegisteredClassroom {
  id: number;
  schoolId: number;
  name: string;
}

const PART_COLUMNS = {
  schoolId: evaluationResourceInputs.schoolId,
  stage: evaluationResourceInputs.stage,
  students: evaluationResourceInputs.students,
  degreeTeachers: evaluationResourceInputs.degreeTeachers,
  keyTeachers: evaluationResourceInputs.keyTeachers,
  peArtTeachers: evaluationResourceInputs.peArtTeachers,
  floorArea: evaluationResourceInputs.floorArea,
  sportsArea: evaluationResourceInputs.sportsArea,
  equipmentValue: evaluationResourceInputs.equipmentValue,
  networkedClassrooms: evaluationResourceInputs.networkedClassrooms,
  updatedAt: evaluationResourceInputs.updatedAt,
  updatedBy: users.displayName,
};

/** The resource inputs of a region's schools per term, and the registry and usage facts indicator 7 is checked against. */
export class ResourceRepository {
  constructor(private readonly db: TongkeDb) {}

  /** One transaction: every query made through the store while `work` runs joins it; a throw rolls it back. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  async region(id: number): Promise<{ id: number; name: string } | undefined> {
    const [row] = await this.db.select({ id: regions.id, name: regions.name }).from(regions).where(eq(regions.id, id)).limit(1);
    return row;
  }

  /** The region's term (undefined when the term belongs to another region). */
  async term(regionId: number, termId: number): Promise<{ id: number; name: string; startsOn: string; endsOn: string } | undefined> {
    const [row] = await this.db
      .select({ id: terms.id, name: terms.name, startsOn: terms.startsOn, endsOn: terms.endsOn })
      .from(terms)
      .where(and(eq(terms.id, termId), eq(terms.regionId, regionId)))
      .limit(1);
    return row;
  }

  /** A term of the region by name (the demo seed knows its term by name). */
  async termByName(regionId: number, name: string): Promise<number | undefined> {
    const [row] = await this.db.select({ id: terms.id }).from(terms).where(and(eq(terms.regionId, regionId), eq(terms.name, name))).limit(1);
    return row?.id;
  }

  /** The region's schools (inactive ones too: a closed school's past inputs still belong to its term), by name. */
  async schools(regionId: number): Promise<RegionSchool[]> {
    return this.db
      .select({ id: schools.id, regionId: schools.regionId, name: schools.name, stage: schools.stage, active: schools.active })
      .from(schools)
      .where(eq(schools.regionId, regionId))
      .orderBy(asc(schools.name));
  }

  async school(id: number): Promise<RegionSchool | undefined> {
    const [row] = await this.db
      .select({ id: schools.id, regionId: schools.regionId, name: schools.name, stage: schools.stage, active: schools.active })
      .from(schools)
      .where(eq(schools.id, id))
      .limit(1);
    return row;
  }

  /** Every part entered for the region's term. */
  async parts(regionId: number, termId: number): Promise<StoredPart[]> {
    return this.db
      .select(PART_COLUMNS)
      .from(evaluationResourceInputs)
      .leftJoin(users, eq(users.id, evaluationResourceInputs.updatedBy))
      .where(and(eq(evaluationResourceInputs.regionId, regionId), eq(evaluationResourceInputs.termId, termId)))
      .orderBy(asc(evaluationResourceInputs.schoolId), asc(evaluationResourceInputs.stage));
  }

  async schoolParts(schoolId: number, termId: number): Promise<StoredPart[]> {
    return this.db
      .select(PART_COLUMNS)
      .from(evaluationResourceInputs)
      .leftJoin(users, eq(users.id, evaluationResourceInputs.updatedBy))
      .where(and(eq(evaluationResourceInputs.schoolId, schoolId), eq(evaluationResourceInputs.termId, termId)))
      .orderBy(asc(evaluationResourceInputs.stage));
  }

  /** Replaces the school's parts of the term with these (none: nothing entered). Call inside a transaction. */
  async replaceSchoolParts(school: { id: number; regionId: number }, termId: number, parts: readonly ResourcePartInput[], userId: number | null): Promise<void> {
    await this.db.delete(evaluationResourceInputs).where(and(eq(evaluationResourceInputs.schoolId, school.id), eq(evaluationResourceInputs.termId, termId)));
    if (parts.length === 0) return;
    const updatedAt = new Date();
    await this.db.insert(evaluationResourceInputs).values(parts.map((part) => ({ ...part, schoolId: school.id, regionId: school.regionId, termId, updatedAt, updatedBy: userId })));
  }

  /** Writes each part (replacing what was entered for that school and stage). Call inside a transaction. */
  async upsertParts(regionId: number, termId: number, parts: ReadonlyArray<ResourcePartInput & { schoolId: number }>, userId: number | null): Promise<void> {
    const updatedAt = new Date();
    for (const part of parts) {
      await this.db
        .delete(evaluationResourceInputs)
        .where(and(eq(evaluationResourceInputs.schoolId, part.schoolId), eq(evaluationResourceInputs.termId, termId), eq(evaluationResourceInputs.stage, part.stage)));
      await this.db.insert(evaluationResourceInputs).values({ ...part, regionId, termId, updatedAt, updatedBy: userId });
    }
  }

  /** Which of these parts have inputs in the term already (the demo seed changes nothing that exists). */
  async enteredParts(termId: number, schoolIds: readonly number[]): Promise<Set<string>> {
    if (schoolIds.length === 0) return new Set();
    const rows = await this.db
      .select({ schoolId: evaluationResourceInputs.schoolId, stage: evaluationResourceInputs.stage })
      .from(evaluationResourceInputs)
      .where(and(eq(evaluationResourceInputs.termId, termId), inArray(evaluationResourceInputs.schoolId, [...schoolIds])));
    return new Set(rows.map((r) => partKey(r.schoolId, r.stage)));
  }

  /** Active classrooms of the region flagged as networked multimedia classrooms in the registry. */
  async multimediaClassrooms(regionId: number): Promise<RegisteredClassroom[]> {
    return this.db
      .select({ id: classrooms.id, schoolId: classrooms.schoolId, name: classrooms.name })
      .from(classrooms)
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(and(eq(schools.regionId, regionId), eq(classrooms.active, true), eq(classrooms.multimedia, true)))
      .orderBy(asc(classrooms.schoolId), asc(classrooms.name));
  }

  /**
   * Classrooms that hosted or received a lesson of the term, among these: the usage roll-up has a row for every
   * site of every recorded lesson, by the course's term — also for a receiving classroom that never connected,
   * hence the connected time.
   */
  async classroomsUsedInTerm(termId: number, classroomIds: readonly number[]): Promise<Set<number>> {
    if (classroomIds.length === 0) return new Set();
    const rows = await this.db
      .selectDistinct({ classroomId: usageSiteDays.classroomId })
      .from(usageSiteDays)
      .where(and(eq(usageSiteDays.termId, termId), isNotNull(usageSiteDays.classroomId), inArray(usageSiteDays.classroomId, [...classroomIds]), inArray(usageSiteDays.siteKind, ['host', 'receiving_classroom']), gt(usageSiteDays.siteLessonSeconds, 0)));
    return new Set(rows.flatMap((r) => (r.classroomId === null ? [] : [r.classroomId])));
  }
}

export const partKey = (schoolId: number, stage: ResourceStage): string => `${schoolId}:${stage}`;
