import { table, id, int, bool, instant, text, index, uniqueIndex, NOW_MS, type AnyColumn } from './columns.js';
import { SCHOOL_GROUP_ROLES, SCHOOL_LOCALITIES, SCHOOL_STAGES } from '../../../shared/subjects.js';
import { REGION_LEVELS } from '../../../shared/roles.js';

const createdAt = () => instant('created_at').notNull().default(NOW_MS);

/**
 * 区/县 — the county or district that is evaluated; above it the city (地市) and province (省) that review its
 * self-evaluation file. A county's parent is its city, a city's its province; a province has none.
 */
export const regions = table(
  'regions',
  {
    id: id(),
    name: text('name').notNull(),
    code: text('code').notNull().unique(),
    active: bool('active').notNull().default(true),
    level: text('level', { enum: REGION_LEVELS }).notNull().default('county'),
    parentId: int('parent_id').references((): AnyColumn => regions.id),
    createdAt: createdAt(),
  },
  (t) => [index('regions_parent_idx').on(t.parentId)],
);

/** 教育集团 — a lead school plus member schools. */
export const educationGroups = table(
  'education_groups',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    name: text('name').notNull(),
    leadSchoolId: int('lead_school_id').references((): AnyColumn => schools.id),
    active: bool('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('education_groups_region_idx').on(t.regionId), uniqueIndex('education_groups_region_name_uq').on(t.regionId, t.name)],
);

/** 学校 — lead school, member school or teaching point. `studentCount` weights the 差异系数. */
export const schools = table(
  'schools',
  {
    id: id(),
    regionId: int('region_id').notNull().references(() => regions.id),
    groupId: int('group_id').references((): AnyColumn => educationGroups.id),
    name: text('name').notNull(),
    groupRole: text('group_role', { enum: SCHOOL_GROUP_ROLES }).notNull(),
    locality: text('locality', { enum: SCHOOL_LOCALITIES }).notNull(),
    stage: text('stage', { enum: SCHOOL_STAGES }).notNull(),
    studentCount: int('student_count').notNull().default(0),
    active: bool('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    index('schools_region_idx').on(t.regionId),
    index('schools_group_idx').on(t.groupId),
    uniqueIndex('schools_region_name_uq').on(t.regionId, t.name),
  ],
);

/** 教室 — a host classroom or a receiving classroom endpoint (PC + screen + camera). */
export const classrooms = table(
  'classrooms',
  {
    id: id(),
    schoolId: int('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    /** A receiving classroom can pair a device and log in as that classroom. */
    receiving: bool('receiving').notNull().default(true),
    /** Networked multimedia classroom (indicator 7). */
    multimedia: bool('multimedia').notNull().default(true),
    active: bool('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('classrooms_school_idx').on(t.schoolId), uniqueIndex('classrooms_school_name_uq').on(t.schoolId, t.name)],
);
