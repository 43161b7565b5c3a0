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
} from '../../../shared/api/organisation.js';
import type { PairingCodeResponse } from '../../../shared/api/auth.js';
import type { SchoolGroupRole } from '../../../shared/subjects.js';
import { ApiError } from '../api.js';
import type { TongkeApi } from '../endpoints.js';

export interface OrganisationSummary {
  regions: number;
  groups: number;
  schools: number;
  teachingPoints: number;
  classrooms: number;
  pairedDevices: number;
}

const GROUP_ROLE_ORDER: Record<SchoolGroupRole, number> = { lead: 0, member: 1, teaching_point: 2 };
const EMPTY: OrganisationTree = { regions: [], groups: [], schools: [], classrooms: [] };

/**
 * The organisation within the signed-in administrator's scope (regions → groups → schools → classrooms),
 * with the changes an administrator makes to it. Every change reloads the tree, so counts and pickers stay true.
 */
export class OrganisationManager {
  #tree = $state<OrganisationTree>(EMPTY);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  get tree(): OrganisationTree {
    return this.#tree;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  get summary(): OrganisationSummary {
    const { regions, groups, schools, classrooms } = this.#tree;
    const activeSchools = schools.filter((school) => school.active);
    const activeClassrooms = classrooms.filter((classroom) => classroom.active);
    return {
      regions: regions.filter((region) => region.active).length,
      groups: groups.filter((group) => group.active).length,
      schools: activeSchools.length,
      teachingPoints: activeSchools.filter((school) => school.groupRole === 'teaching_point').length,
      classrooms: activeClassrooms.length,
      pairedDevices: activeClassrooms.filter((classroom) => classroom.devicePaired).length,
    };
  }

  region(id: number): Region | undefined {
    return this.#tree.regions.find((region) => region.id === id);
  }
  group(id: number | null): EducationGroup | undefined {
    return id === null ? undefined : this.#tree.groups.find((group) => group.id === id);
  }
  school(id: number | null): School | undefined {
    return id === null ? undefined : this.#tree.schools.find((school) => school.id === id);
  }
  classroom(id: number | null): Classroom | undefined {
    return id === null ? undefined : this.#tree.classrooms.find((classroom) => classroom.id === id);
  }
  groupsOf(regionId: number): EducationGroup[] {
    return this.#tree.groups.filter((group) => group.regionId === regionId);
  }
  /** Schools of a region, lead schools first and teaching points last; with `groupId`, of that group (null: in no group). */
  schoolsOf(regionId: number, groupId?: number | null): School[] {
    return this.#tree.schools
      .filter((school) => school.regionId === regionId && (groupId === undefined || school.groupId === groupId))
      .sort((a, b) => GROUP_ROLE_ORDER[a.groupRole] - GROUP_ROLE_ORDER[b.groupRole] || a.name.localeCompare(b.name, 'zh-CN'));
  }
  classroomsOf(schoolId: number): Classroom[] {
    return this.#tree.classrooms.filter((classroom) => classroom.schoolId === schoolId);
  }

  async load(): Promise<void> {
    this.#loading = true;
    try {
      this.#tree = await this.#api.organisation();
      this.#error = null;
      this.#loaded = true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.#error = error;
    } finally {
      this.#loading = false;
    }
  }

  /** Loads once; later calls reuse the tree (pages that change it reload it themselves). */
  async ensureLoaded(): Promise<void> {
    if (!this.#loaded && !this.#loading) await this.load();
  }

  createRegion = (body: RegionCreate) => this.#change(this.#api.createRegion(body));
  updateRegion = (id: number, body: RegionUpdate) => this.#change(this.#api.updateRegion(id, body));
  createGroup = (body: EducationGroupCreate) => this.#change(this.#api.createGroup(body));
  updateGroup = (id: number, body: EducationGroupUpdate) => this.#change(this.#api.updateGroup(id, body));
  createSchool = (body: SchoolCreate) => this.#change(this.#api.createSchool(body));
  updateSchool = (id: number, body: SchoolUpdate) => this.#change(this.#api.updateSchool(id, body));
  createClassroom = (body: ClassroomCreate) => this.#change(this.#api.createClassroom(body));
  updateClassroom = (id: number, body: ClassroomUpdate) => this.#change(this.#api.updateClassroom(id, body));

  /** A fresh pairing code for a classroom's device (valid for a few minutes). */
  pairingCode(classroomId: number): Promise<PairingCodeResponse> {
    return this.#api.pairingCode(classroomId);
  }

  async unpair(classroomId: number): Promise<void> {
    await this.#change(this.#api.unpairDevice(classroomId));
  }

  /** Reloads after a pairing code was redeemed, so the device column turns to "paired". */
  refresh = () => this.load();

  async #change<T>(request: Promise<T>): Promise<T> {
    const result = await request;
    await this.load();
    return result;
  }
}
