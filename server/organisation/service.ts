import type {
  Classroom,
  ClassroomCreate,
  ClassroomUpdate,
  EducationGroup,
  EducationGroupCreate,
  EducationGroupUpdate,
  OrganisationTree,
  Region,
  RegionCreate,
  RegionUpdate,
  School,
  SchoolCreate,
  SchoolUpdate,
} from '../../shared/api/organisation.js';
import { notFound } from '../core/errors.js';
import { PARENT_LEVEL, type RegionLevel } from '../../shared/roles.js';
import type { OrgPlace } from '../policy/policy.js';
import type { Access } from '../core/access.js';
import { conflictOnDuplicate, invalidField } from '../core/constraints.js';
import type { PlaceIndex, Places } from './places.js';
import { OrganisationRepository, type ClassroomRow, type EducationGroupRow, type RegionRow, type SchoolRow } from './repository.js';

const regionView = (r: RegionRow): Region => ({ id: r.id, name: r.name, code: r.code, active: r.active, level: r.level, parentId: r.parentId });
const groupView = (g: EducationGroupRow): EducationGroup => ({ id: g.id, regionId: g.regionId, name: g.name, leadSchoolId: g.leadSchoolId, active: g.active });
const schoolView = (s: SchoolRow): School => ({
  id: s.id,
  regionId: s.regionId,
  groupId: s.groupId,
  name: s.name,
  groupRole: s.groupRole,
  locality: s.locality,
  stage: s.stage,
  studentCount: s.studentCount,
  active: s.active,
});
const schoolPlace = (s: Pick<SchoolRow, 'id' | 'regionId' | 'groupId'>): OrgPlace => ({ regionId: s.regionId, groupId: s.groupId, schoolId: s.id, classroomId: null });

/**
 * Regions, education groups, schools and classrooms: listing what the caller may read, and creating and
 * editing them. "Deactivating" is an edit (`active: false`); nothing is deleted because evidence refers to it.
 */
export class OrganisationService {
  readonly #repo: OrganisationRepository;

  constructor(
    repo: OrganisationRepository,
    private readonly places: Places,
  ) {
    this.#repo = repo;
  }

  /**
   * Everything the caller may `org.read`, for navigation and pickers — plus, as read-only context, the
   * region and group of each school she sees (a school admin's tree starts at her county, not at nothing).
   */
  async tree(access: Access): Promise<OrganisationTree> {
    const index = await this.places.index();
    const schools = await this.listSchools(access, {});
    const regionIds = new Set(schools.map((s) => s.regionId));
    const groupIds = new Set(schools.map((s) => s.groupId).filter((id): id is number => id !== null));
    const readable = new Set((await this.listRegions(access, index)).map((r) => r.id));
    const readableGroups = new Set((await this.listGroups(access, {})).map((g) => g.id));
    return {
      regions: (await this.#repo.regions()).filter((r) => readable.has(r.id) || regionIds.has(r.id)).map(regionView),
      groups: (await this.#repo.groups({})).filter((g) => readableGroups.has(g.id) || groupIds.has(g.id)).map(groupView),
      schools,
      classrooms: await this.listClassrooms(access, {}, index),
    };
  }

  // ---- Regions ----

  /** Regions the caller may `org.read` (a group admin sees her group's region). */
  async listRegions(access: Access, index?: PlaceIndex): Promise<Region[]> {
    const places = index ?? (await this.places.index());
    return (await this.#repo.regions())
      .filter((r) => access.can('org.read', places.regionTarget(r.id)))
      .map(regionView);
  }

  /** A new region (the caller is a system admin); a taken code is `conflict`. */
  async createRegion(body: RegionCreate): Promise<Region> {
    const level = body.level ?? 'county';
    const parentId = body.parentId ?? null;
    await this.#checkChain(null, level, parentId);
    return regionView(await conflictOnDuplicate('code', () => this.#repo.insertRegion({ name: body.name.trim(), code: body.code, level, parentId })));
  }

  /** Renames, (de)activates or places a region in the review chain (already authorized). */
  async updateRegion(id: number, body: RegionUpdate): Promise<Region> {
    const region = this.#existing(await this.#repo.region(id));
    const level = body.level ?? region.level;
    const parentId = body.parentId !== undefined ? body.parentId : region.parentId;
    if (body.level !== undefined || body.parentId !== undefined) await this.#checkChain(id, level, parentId);
    await this.#repo.updateRegion(id, {
      ...(body.name !== undefined && { name: body.name.trim() }),
      ...(body.active !== undefined && { active: body.active }),
      ...(body.level !== undefined && { level }),
      ...(body.parentId !== undefined && { parentId }),
    });
    return regionView(this.#existing(await this.#repo.region(id)));
  }

  /**
   * The chain stays province → city → county: a region's parent has the level just above its own (a province
   * has none), and a region that has children keeps the level they hang from.
   */
  async #checkChain(id: number | null, level: RegionLevel, parentId: number | null): Promise<void> {
    const wanted = PARENT_LEVEL[level];
    if (parentId !== null) {
      const parent = await this.#repo.region(parentId);
      if (!parent || parent.id === id) throw invalidField('/parentId', 'no such region');
      if (wanted === null || parent.level !== wanted) throw invalidField('/parentId', `a ${level}'s parent must be a ${wanted ?? 'nothing: a province has none'}`);
    }
    if (id !== null) {
      const children = (await this.#repo.regions()).filter((r) => r.parentId === id);
      if (children.some((c) => PARENT_LEVEL[c.level] !== level)) throw invalidField('/level', 'the regions below it need it at its present level');
    }
  }

  // ---- Education groups ----

  /** Groups (of a region, optionally) the caller may `org.read`. */
  async listGroups(access: Access, filter: { regionId?: number | undefined }): Promise<EducationGroup[]> {
    return (await this.#repo.groups(filter))
      .filter((g) => access.can('org.read', { kind: 'group', place: { regionId: g.regionId, groupId: g.id, schoolId: null, classroomId: null } }))
      .map(groupView);
  }

  /** A new group in a region; a lead school given here joins the group as its lead school. */
  async createGroup(body: EducationGroupCreate, access: Access): Promise<EducationGroup> {
    const region = await this.#repo.region(body.regionId);
    if (!region) throw invalidField('/regionId', 'no such region');
    access.authorize('org.manage', { kind: 'group', place: { regionId: region.id, groupId: null, schoolId: null, classroomId: null } });
    if (!region.active) throw invalidField('/regionId', 'the region is deactivated');
    const leadSchool = body.leadSchoolId ? await this.#leadSchoolCandidate(body.leadSchoolId, region.id, null, access) : null;
    return this.#repo.transaction(async () => {
      const group = await conflictOnDuplicate('name', () => this.#repo.insertGroup({ regionId: region.id, name: body.name.trim() }));
      if (leadSchool) await this.#makeLeadSchool(group, leadSchool);
      return groupView(this.#existing(await this.#repo.group(group.id)));
    });
  }

  /** Renames, (de)activates or changes the lead school of a group (already authorized for `org.manage`). */
  async updateGroup(id: number, body: EducationGroupUpdate, access: Access): Promise<EducationGroup> {
    const group = this.#existing(await this.#repo.group(id));
    const leadSchool = body.leadSchoolId ? await this.#leadSchoolCandidate(body.leadSchoolId, group.regionId, group.id, access) : null;
    return this.#repo.transaction(async () => {
      await conflictOnDuplicate('name', () =>
        this.#repo.updateGroup(id, { ...(body.name !== undefined && { name: body.name.trim() }), ...(body.active !== undefined && { active: body.active }) }),
      );
      if (leadSchool) await this.#makeLeadSchool(group, leadSchool);
      else if (body.leadSchoolId === null && group.leadSchoolId !== null) {
        await this.#repo.updateGroup(id, { leadSchoolId: null });
        await this.#demoteLeadSchool(group.leadSchoolId, group.id);
      }
      return groupView(this.#existing(await this.#repo.group(id)));
    });
  }

  /** A lead school must be a school of the group's region that is in this group or in none yet. */
  async #leadSchoolCandidate(schoolId: number, regionId: number, groupId: number | null, access: Access): Promise<SchoolRow> {
    const school = await this.#repo.school(schoolId);
    if (!school || school.regionId !== regionId) throw invalidField('/leadSchoolId', "not a school of the group's region");
    if (school.groupId !== null && school.groupId !== groupId) throw invalidField('/leadSchoolId', 'the school belongs to another group');
    access.authorize('org.manage', { kind: 'school', place: schoolPlace(school) });
    return school;
  }

  async #makeLeadSchool(group: EducationGroupRow, school: SchoolRow): Promise<void> {
    if (group.leadSchoolId !== null && group.leadSchoolId !== school.id) await this.#demoteLeadSchool(group.leadSchoolId, group.id);
    await this.#repo.updateSchool(school.id, { groupId: group.id, groupRole: 'lead' });
    await this.#repo.updateGroup(group.id, { leadSchoolId: school.id });
  }

  /** The former lead school stays in the group as a member school. */
  async #demoteLeadSchool(schoolId: number, groupId: number): Promise<void> {
    const school = await this.#repo.school(schoolId);
    if (school && school.groupId === groupId && school.groupRole === 'lead') await this.#repo.updateSchool(schoolId, { groupRole: 'member' });
  }

  // ---- Schools ----

  /** Schools (of a region or group, optionally) the caller may `org.read`. */
  async listSchools(access: Access, filter: { regionId?: number | undefined; groupId?: number | undefined }): Promise<School[]> {
    return (await this.#repo.schools(filter))
      .filter((s) => access.can('org.read', { kind: 'school', place: schoolPlace(s) }))
      .map(schoolView);
  }

  /** A new school in a region and, optionally, one of its groups; needs `org.manage` where it will sit. */
  async createSchool(body: SchoolCreate, access: Access): Promise<School> {
    const region = await this.#repo.region(body.regionId);
    if (!region) throw invalidField('/regionId', 'no such region');
    const groupId = body.groupId ?? null;
    if (groupId !== null) await this.#groupOfRegion(groupId, region.id);
    access.authorize('org.manage', { kind: 'school', place: { regionId: region.id, groupId, schoolId: null, classroomId: null } });
    if (!region.active) throw invalidField('/regionId', 'the region is deactivated');
    const school = await conflictOnDuplicate('name', () =>
      this.#repo.insertSchool({
        regionId: region.id,
        groupId,
        name: body.name.trim(),
        groupRole: body.groupRole,
        locality: body.locality,
        stage: body.stage,
        studentCount: body.studentCount,
        active: true,
      }),
    );
    return schoolView(school);
  }

  /**
   * Edits a school (already authorized for `org.manage` where it is). Moving it to another group needs the
   * same authority there; a school that leaves the group it leads leaves that group without a lead school.
   */
  async updateSchool(id: number, body: SchoolUpdate, access: Access): Promise<School> {
    const school = this.#existing(await this.#repo.school(id));
    const moving = body.groupId !== undefined && body.groupId !== school.groupId;
    if (moving && body.groupId) await this.#groupOfRegion(body.groupId, school.regionId);
    const groupId = body.groupId === undefined ? school.groupId : body.groupId;
    if (moving) access.authorize('org.manage', { kind: 'school', place: { ...schoolPlace(school), groupId } });
    const leavesLedGroup = moving && school.groupRole === 'lead' && body.groupRole === undefined;
    return this.#repo.transaction(async () => {
      await conflictOnDuplicate('name', () =>
        this.#repo.updateSchool(id, {
          ...(body.name !== undefined && { name: body.name.trim() }),
          ...(body.locality !== undefined && { locality: body.locality }),
          ...(body.stage !== undefined && { stage: body.stage }),
          ...(body.studentCount !== undefined && { studentCount: body.studentCount }),
          ...(body.active !== undefined && { active: body.active }),
          ...(moving && { groupId }),
          ...(body.groupRole !== undefined ? { groupRole: body.groupRole } : leavesLedGroup ? { groupRole: 'member' as const } : {}),
        }),
      );
      if (moving) for (const led of await this.#repo.groupsLedBy(id)) await this.#repo.updateGroup(led.id, { leadSchoolId: null });
      return schoolView(this.#existing(await this.#repo.school(id)));
    });
  }

  async #groupOfRegion(groupId: number, regionId: number): Promise<EducationGroupRow> {
    const group = await this.#repo.group(groupId);
    if (!group || group.regionId !== regionId) throw invalidField('/groupId', "not a group of the school's region");
    if (!group.active) throw invalidField('/groupId', 'the group is deactivated');
    return group;
  }

  // ---- Classrooms ----

  /** Classrooms (of a school, optionally) the caller may `org.read`, with whether a device is paired now. */
  async listClassrooms(access: Access, filter: { schoolId?: number | undefined }, index?: PlaceIndex): Promise<Classroom[]> {
    const places = index ?? (await this.places.index());
    const paired = await this.#repo.pairedClassroomIds(new Date());
    return (await this.#repo.classrooms(filter))
      .filter((c) => {
        const place = places.classroom(c.id);
        return place !== undefined && access.can('org.read', { kind: 'classroom', place });
      })
      .map((c) => this.#classroomView(c, paired));
  }

  /** A new classroom of a school; needs `org.manage` in that school. */
  async createClassroom(body: ClassroomCreate, access: Access): Promise<Classroom> {
    const school = await this.#repo.school(body.schoolId);
    if (!school) throw invalidField('/schoolId', 'no such school');
    access.authorize('org.manage', { kind: 'classroom', place: schoolPlace(school) });
    if (!school.active) throw invalidField('/schoolId', 'the school is deactivated');
    const classroom = await conflictOnDuplicate('name', () =>
      this.#repo.insertClassroom({ schoolId: school.id, name: body.name.trim(), receiving: body.receiving, multimedia: body.multimedia }),
    );
    return this.#classroomView(classroom, new Set());
  }

  /** Renames, re-purposes or (de)activates a classroom (already authorized). */
  async updateClassroom(id: number, body: ClassroomUpdate): Promise<Classroom> {
    const { name, ...rest } = body;
    await conflictOnDuplicate('name', () => this.#repo.updateClassroom(id, { ...rest, ...(name !== undefined && { name: name.trim() }) }));
    return this.#classroomView(this.#existing(await this.#repo.classroom(id)), await this.#repo.pairedClassroomIds(new Date()));
  }

  #classroomView(c: ClassroomRow, paired: ReadonlySet<number>): Classroom {
    return { id: c.id, schoolId: c.schoolId, name: c.name, receiving: c.receiving, multimedia: c.multimedia, active: c.active, devicePaired: paired.has(c.id) };
  }

  #existing<T>(row: T | undefined): T {
    if (row === undefined) throw notFound();
    return row;
  }
}
