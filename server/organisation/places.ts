import { and, eq, inArray } from 'drizzle-orm';
import type { RegionLevel, Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/store.js';
import { classrooms, courseReceivers, courseStudents, courses, educationGroups, regions, roleGrants, schools } from '../db/schema/index.js';
import { notFound } from '../core/errors.js';
import { chunks } from '../core/lists.js';
import type { CourseFacts, OrgPlace, PolicyTarget, RoleGrant } from '../policy/policy.js';

const ROLE_ORDER: readonly Role[] = ['system_admin', 'region_admin', 'group_admin', 'school_admin', 'teacher', 'assistant_teacher', 'student', 'classroom_device', 'city_reviewer', 'province_reviewer'];

/**
 * Loads where things sit in the organisation, for policy decisions. Each method throws not_found when the
 * thing does not exist, so a route can load, ask the policy, and act.
 */
export class Places {
  constructor(private readonly db: TongkeDb) {}

  async region(id: number): Promise<OrgPlace> {
    const [row] = await this.db.select({ id: regions.id }).from(regions).where(eq(regions.id, id)).limit(1);
    if (!row) throw notFound();
    return { regionId: row.id, groupId: null, schoolId: null, classroomId: null };
  }

  async group(id: number): Promise<OrgPlace> {
    const [row] = await this.db.select({ regionId: educationGroups.regionId }).from(educationGroups).where(eq(educationGroups.id, id)).limit(1);
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: id, schoolId: null, classroomId: null };
  }

  async school(id: number): Promise<OrgPlace> {
    const [row] = await this.db.select({ regionId: schools.regionId, groupId: schools.groupId }).from(schools).where(eq(schools.id, id)).limit(1);
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: row.groupId, schoolId: id, classroomId: null };
  }

  async classroom(id: number): Promise<OrgPlace> {
    const [row] = await this.db
      .select({ schoolId: classrooms.schoolId, regionId: schools.regionId, groupId: schools.groupId })
      .from(classrooms)
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(classrooms.id, id))
      .limit(1);
    if (!row) throw notFound();
    return { regionId: row.regionId, groupId: row.groupId, schoolId: row.schoolId, classroomId: id };
  }

  /** The place a grant's scope names (null for a system admin). */
  async ofScope(scope: { regionId: number | null; groupId: number | null; schoolId: number | null; classroomId: number | null }): Promise<OrgPlace | null> {
    if (scope.classroomId !== null) return this.classroom(scope.classroomId);
    if (scope.schoolId !== null) return this.school(scope.schoolId);
    if (scope.groupId !== null) return this.group(scope.groupId);
    if (scope.regionId !== null) return this.region(scope.regionId);
    return null;
  }

  /**
   * A region as a policy target, with the groups and schools inside it (for rules about admins within it)
   * and the regions above it in the review chain (for the reviewers of its self-evaluation file).
   */
  async regionTarget(id: number): Promise<Extract<PolicyTarget, { kind: 'region' }>> {
    const place = await this.region(id);
    const groupIds = await this.db.select({ id: educationGroups.id }).from(educationGroups).where(eq(educationGroups.regionId, id));
    const schoolIds = await this.db.select({ id: schools.id }).from(schools).where(eq(schools.regionId, id));
    return { kind: 'region', place, contents: { groupIds: groupIds.map((g) => g.id), schoolIds: schoolIds.map((s) => s.id) }, above: await this.regionsAbove(id) };
  }

  /** A region's level in the review chain (null: no such region). */
  async regionLevel(id: number): Promise<RegionLevel | null> {
    const [row] = await this.db.select({ level: regions.level }).from(regions).where(eq(regions.id, id)).limit(1);
    return row?.level ?? null;
  }

  /** The ids of the regions above a region: its city, then its province (the chain is three levels deep). */
  async regionsAbove(id: number): Promise<number[]> {
    const above: number[] = [];
    let current: number | null = id;
    while (current !== null && above.length < 8) {
      const [row] = await this.db.select({ parentId: regions.parentId }).from(regions).where(eq(regions.id, current)).limit(1);
      current = row?.parentId ?? null;
      if (current === null || above.includes(current) || current === id) break;
      above.push(current);
    }
    return above;
  }

  /** The places of a principal's grants, read one by one (cheaper than the whole index for a few grants). */
  async placesOf(grants: ReadonlyArray<Parameters<PlaceIndex['ofScope']>[0]>): Promise<OrgPlace[]> {
    const found = await Promise.all(grants.map((grant) => this.ofScope(grant)));
    return found.filter((place): place is OrgPlace => place !== null);
  }

  /** Observing a course's lessons (听课) as a policy target: the course's facts and where her grants sit. */
  async observation(courseId: number, grants: ReadonlyArray<Parameters<PlaceIndex['ofScope']>[0]>): Promise<Extract<PolicyTarget, { kind: 'observation' }>> {
    const index = await this.index();
    return { kind: 'observation', observation: { course: await this.course(courseId), viewerPlaces: index.placesOf(grants) } };
  }

  /** A user account as a policy target: the places of its grants and its highest role. */
  async user(userId: number): Promise<Extract<PolicyTarget, { kind: 'user' }>> {
    const grants = await this.db.select().from(roleGrants).where(eq(roleGrants.userId, userId));
    const placed = new Map<RoleGrant, OrgPlace | null>();
    for (const grant of grants) placed.set(grant, await this.ofScope(grant));
    return userTarget(userId, grants, (g) => placed.get(g) ?? null);
  }

  /**
   * Every group, school and classroom's place at once: for filtering a long list through the policy
   * without a query per row. A snapshot — take a fresh one per request.
   */
  async index(): Promise<PlaceIndex> {
    return new PlaceIndex(
      await this.db.select({ id: educationGroups.id, regionId: educationGroups.regionId }).from(educationGroups),
      await this.db.select({ id: schools.id, regionId: schools.regionId, groupId: schools.groupId }).from(schools),
      await this.db.select({ id: classrooms.id, schoolId: classrooms.schoolId }).from(classrooms),
    );
  }

  /** The facts of many courses in a few queries (unknown ids are left out). */
  async courses(ids: readonly number[], index?: PlaceIndex): Promise<CourseFacts[]> {
    if (ids.length === 0) return [];
    const places = index ?? (await this.index());
    const facts = new Map<number, CourseFacts & { receivers: CourseFacts['receivers'][number][]; studentIds: number[] }>();
    for (const part of chunks(ids)) {
      const rows = await this.db
        .select({ id: courses.id, schoolId: courses.schoolId, leadTeacherId: courses.leadTeacherId, hostClassroomId: courses.hostClassroomId, observable: courses.observable })
        .from(courses)
        .where(inArray(courses.id, part));
      for (const row of rows) {
        const host = row.hostClassroomId !== null ? places.classroom(row.hostClassroomId) : places.school(row.schoolId);
        if (host) facts.set(row.id, { id: row.id, host, leadTeacherId: row.leadTeacherId, observable: row.observable, receivers: [], studentIds: [] });
      }
      for (const r of await this.db.select().from(courseReceivers).where(inArray(courseReceivers.courseId, part))) {
        const place = places.classroom(r.classroomId);
        if (place) facts.get(r.courseId)?.receivers.push({ place, assistantTeacherId: r.assistantTeacherId });
      }
      for (const s of await this.db.select().from(courseStudents).where(inArray(courseStudents.courseId, part))) {
        facts.get(s.courseId)?.studentIds.push(s.studentId);
      }
    }
    return ids.flatMap((id) => facts.get(id) ?? []);
  }

  async course(id: number): Promise<CourseFacts> {
    const [course] = await this.db
      .select({ schoolId: courses.schoolId, leadTeacherId: courses.leadTeacherId, hostClassroomId: courses.hostClassroomId, observable: courses.observable })
      .from(courses)
      .where(eq(courses.id, id))
      .limit(1);
    if (!course) throw notFound();
    const host = course.hostClassroomId !== null ? await this.classroom(course.hostClassroomId) : await this.school(course.schoolId);
    const receiverRows = await this.db
      .select({ classroomId: courseReceivers.classroomId, assistantTeacherId: courseReceivers.assistantTeacherId })
      .from(courseReceivers)
      .where(eq(courseReceivers.courseId, id));
    const receivers: Array<CourseFacts['receivers'][number]> = [];
    for (const r of receiverRows) receivers.push({ place: await this.classroom(r.classroomId), assistantTeacherId: r.assistantTeacherId });
    const studentIds = (await this.db.select({ studentId: courseStudents.studentId }).from(courseStudents).where(eq(courseStudents.courseId, id))).map((r) => r.studentId);
    return { id, host, leadTeacherId: course.leadTeacherId, observable: course.observable, receivers, studentIds };
  }

  /** Whether the student is enrolled in the course (a student link stops working when she leaves it). */
  async isEnrolled(studentId: number, courseId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ id: courseStudents.studentId })
      .from(courseStudents)
      .where(and(eq(courseStudents.courseId, courseId), eq(courseStudents.studentId, studentId)))
      .limit(1);
    return row !== undefined;
  }
}

/** A user account as a policy target, from her grants and a way to place each grant's scope. */
export function userTarget(userId: number, grants: readonly RoleGrant[], placeOf: (grant: RoleGrant) => OrgPlace | null): Extract<PolicyTarget, { kind: 'user' }> {
  const places = grants.map(placeOf).filter((p): p is OrgPlace => p !== null);
  const topRole = ROLE_ORDER.find((role) => grants.some((g) => g.role === role)) ?? null;
  return { kind: 'user', userId, places, topRole };
}

/** In-memory places of the organisation (see Places.index). Lookups return undefined for unknown ids. */
export class PlaceIndex {
  readonly #groups: Map<number, number>;
  readonly #schools: Map<number, { regionId: number; groupId: number | null }>;
  readonly #classrooms: Map<number, number>;

  constructor(
    groups: ReadonlyArray<{ id: number; regionId: number }>,
    schoolRows: ReadonlyArray<{ id: number; regionId: number; groupId: number | null }>,
    classroomRows: ReadonlyArray<{ id: number; schoolId: number }>,
  ) {
    this.#groups = new Map(groups.map((g) => [g.id, g.regionId]));
    this.#schools = new Map(schoolRows.map((s) => [s.id, { regionId: s.regionId, groupId: s.groupId }]));
    this.#classrooms = new Map(classroomRows.map((c) => [c.id, c.schoolId]));
  }

  region(id: number): OrgPlace {
    return { regionId: id, groupId: null, schoolId: null, classroomId: null };
  }

  group(id: number): OrgPlace | undefined {
    const regionId = this.#groups.get(id);
    return regionId === undefined ? undefined : { regionId, groupId: id, schoolId: null, classroomId: null };
  }

  school(id: number): OrgPlace | undefined {
    const school = this.#schools.get(id);
    return school && { regionId: school.regionId, groupId: school.groupId, schoolId: id, classroomId: null };
  }

  classroom(id: number): OrgPlace | undefined {
    const schoolId = this.#classrooms.get(id);
    const school = schoolId === undefined ? undefined : this.school(schoolId);
    return school && { ...school, classroomId: id };
  }

  /** The place a grant's scope names (null for a system admin or an unknown scope). */
  ofScope(scope: { regionId: number | null; groupId: number | null; schoolId: number | null; classroomId: number | null }): OrgPlace | null {
    if (scope.classroomId !== null) return this.classroom(scope.classroomId) ?? null;
    if (scope.schoolId !== null) return this.school(scope.schoolId) ?? null;
    if (scope.groupId !== null) return this.group(scope.groupId) ?? null;
    if (scope.regionId !== null) return this.region(scope.regionId);
    return null;
  }

  /** The places of a principal's grants (a system admin's has none): whose colleague she is, whose audience. */
  placesOf(grants: ReadonlyArray<Parameters<PlaceIndex['ofScope']>[0]>): OrgPlace[] {
    return grants.flatMap((grant) => this.ofScope(grant) ?? []);
  }

  /** A region as a policy target with the groups and schools inside it. */
  regionTarget(id: number): Extract<PolicyTarget, { kind: 'region' }> {
    const groupIds = [...this.#groups].filter(([, regionId]) => regionId === id).map(([groupId]) => groupId);
    const schoolIds = [...this.#schools].filter(([, s]) => s.regionId === id).map(([schoolId]) => schoolId);
    return { kind: 'region', place: this.region(id), contents: { groupIds, schoolIds } };
  }
}
