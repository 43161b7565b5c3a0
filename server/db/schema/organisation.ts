import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { SCHOOL_GROUP_ROLES, SCHOOL_LOCALITIES, SCHOOL_STAGES } from '../../../shared/subjects.js';

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** 区/县 — the county or district that is evaluated. */
export const regions = sqliteTable('regions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  code: text('code').notNull().unique(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
});

/** 教育集团 — a lead school plus member schools. */
export const educationGroups = sqliteTable(
  'education_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    regionId: integer('region_id').notNull().references(() => regions.id),
    name: text('name').notNull(),
    leadSchoolId: integer('lead_school_id').references((): AnySQLiteColumn => schools.id),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('education_groups_region_idx').on(t.regionId), uniqueIndex('education_groups_region_name_uq').on(t.regionId, t.name)],
);

/** 学校 — lead school, member school or teaching point. `studentCount` weights the 差异系数. */
export const schools = sqliteTable(
  'schools',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    regionId: integer('region_id').notNull().references(() => regions.id),
    groupId: integer('group_id').references((): AnySQLiteColumn => educationGroups.id),
    name: text('name').notNull(),
    groupRole: text('group_role', { enum: SCHOOL_GROUP_ROLES }).notNull(),
    locality: text('locality', { enum: SCHOOL_LOCALITIES }).notNull(),
    stage: text('stage', { enum: SCHOOL_STAGES }).notNull(),
    studentCount: integer('student_count').notNull().default(0),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    index('schools_region_idx').on(t.regionId),
    index('schools_group_idx').on(t.groupId),
    uniqueIndex('schools_region_name_uq').on(t.regionId, t.name),
  ],
);

/** 教室 — a host classroom or a receiving classroom endpoint (PC + screen + camera). */
export const classrooms = sqliteTable(
  'classrooms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    schoolId: integer('school_id').notNull().references(() => schools.id),
    name: text('name').notNull(),
    /** A receiving classroom can pair a device and log in as that classroom. */
    receiving: integer('receiving', { mode: 'boolean' }).notNull().default(true),
    /** Networked multimedia classroom (indicator 7). */
    multimedia: integer('multimedia', { mode: 'boolean' }).notNull().default(true),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('classrooms_school_idx').on(t.schoolId), uniqueIndex('classrooms_school_name_uq').on(t.schoolId, t.name)],
);
