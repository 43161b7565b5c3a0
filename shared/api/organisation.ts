import { Type, type Static } from 'typebox';
import { SCHOOL_GROUP_ROLES, SCHOOL_LOCALITIES, SCHOOL_STAGES } from '../subjects.js';
import { Name, RowId } from './common.js';
import { REGION_LEVELS } from '../roles.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// ---- Regions (区/县) ----
/**
 * `level` and `parentId` place a region in the review chain (province → city → county); a county's parent is
 * its city, a city's its province (see REGION_LEVELS / PARENT_LEVEL in shared/roles.ts).
 */
export const Region = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  code: Type.String(),
  active: Type.Boolean(),
  level: Type.Enum(REGION_LEVELS),
  parentId: Nullable(Type.Integer()),
});
export type Region = Static<typeof Region>;
export const RegionCreate = Type.Object(
  {
    name: Name(),
    code: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z0-9-]+$' }),
    level: Type.Optional(Type.Enum(REGION_LEVELS)),
    parentId: Type.Optional(Nullable(RowId)),
  },
  { additionalProperties: false },
);
export type RegionCreate = Static<typeof RegionCreate>;
export const RegionUpdate = Type.Partial(
  Type.Object({ name: Name(), active: Type.Boolean(), level: Type.Enum(REGION_LEVELS), parentId: Nullable(RowId) }),
  { additionalProperties: false },
);
export type RegionUpdate = Static<typeof RegionUpdate>;

// ---- Education groups (教育集团) ----
export const EducationGroup = Type.Object({
  id: Type.Integer(),
  regionId: Type.Integer(),
  name: Type.String(),
  leadSchoolId: Nullable(Type.Integer()),
  active: Type.Boolean(),
});
export type EducationGroup = Static<typeof EducationGroup>;
export const EducationGroupCreate = Type.Object(
  { regionId: RowId, name: Name(), leadSchoolId: Type.Optional(Nullable(RowId)) },
  { additionalProperties: false },
);
export type EducationGroupCreate = Static<typeof EducationGroupCreate>;
export const EducationGroupUpdate = Type.Partial(
  Type.Object({ name: Name(), leadSchoolId: Nullable(RowId), active: Type.Boolean() }),
  { additionalProperties: false },
);
export type EducationGroupUpdate = Static<typeof EducationGroupUpdate>;
export const EducationGroupListQuery = Type.Object({ regionId: Type.Optional(RowId) });

// ---- Schools (学校 / 教学点) ----
export const School = Type.Object({
  id: Type.Integer(),
  regionId: Type.Integer(),
  groupId: Nullable(Type.Integer()),
  name: Type.String(),
  groupRole: Type.Enum(SCHOOL_GROUP_ROLES),
  locality: Type.Enum(SCHOOL_LOCALITIES),
  stage: Type.Enum(SCHOOL_STAGES),
  studentCount: Type.Integer(),
  active: Type.Boolean(),
});
export type School = Static<typeof School>;
export const SchoolCreate = Type.Object(
  {
    regionId: RowId,
    groupId: Type.Optional(Nullable(RowId)),
    name: Name(),
    groupRole: Type.Enum(SCHOOL_GROUP_ROLES),
    locality: Type.Enum(SCHOOL_LOCALITIES),
    stage: Type.Enum(SCHOOL_STAGES),
    studentCount: Type.Integer({ minimum: 0, maximum: 100000 }),
  },
  { additionalProperties: false },
);
export type SchoolCreate = Static<typeof SchoolCreate>;
export const SchoolUpdate = Type.Partial(
  Type.Object({
    groupId: Nullable(RowId),
    name: Name(),
    groupRole: Type.Enum(SCHOOL_GROUP_ROLES),
    locality: Type.Enum(SCHOOL_LOCALITIES),
    stage: Type.Enum(SCHOOL_STAGES),
    studentCount: Type.Integer({ minimum: 0, maximum: 100000 }),
    active: Type.Boolean(),
  }),
  { additionalProperties: false },
);
export type SchoolUpdate = Static<typeof SchoolUpdate>;
export const SchoolListQuery = Type.Object({
  regionId: Type.Optional(RowId),
  groupId: Type.Optional(RowId),
});

// ---- Classrooms (教室 / 接收教室) ----
export const Classroom = Type.Object({
  id: Type.Integer(),
  schoolId: Type.Integer(),
  name: Type.String(),
  receiving: Type.Boolean(),
  multimedia: Type.Boolean(),
  active: Type.Boolean(),
  /** A device is paired and signed in as this classroom. */
  devicePaired: Type.Boolean(),
});
export type Classroom = Static<typeof Classroom>;
export const ClassroomCreate = Type.Object(
  { schoolId: RowId, name: Name(), receiving: Type.Boolean({ default: true }), multimedia: Type.Boolean({ default: true }) },
  { additionalProperties: false },
);
export type ClassroomCreate = Static<typeof ClassroomCreate>;
export const ClassroomUpdate = Type.Partial(
  Type.Object({ name: Name(), receiving: Type.Boolean(), multimedia: Type.Boolean(), active: Type.Boolean() }),
  { additionalProperties: false },
);
export type ClassroomUpdate = Static<typeof ClassroomUpdate>;
export const ClassroomListQuery = Type.Object({ schoolId: Type.Optional(RowId) });

/**
 * The organisation as the signed-in admin may see it (GET /api/organisation): regions, groups, schools and
 * classrooms within her scope, for navigation and pickers.
 */
export const OrganisationTree = Type.Object({
  regions: Type.Array(Region),
  groups: Type.Array(EducationGroup),
  schools: Type.Array(School),
  classrooms: Type.Array(Classroom),
});
export type OrganisationTree = Static<typeof OrganisationTree>;
