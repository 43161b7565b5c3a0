import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { ROLES } from '../../../shared/roles.js';
import { LOCALES } from '../../../shared/i18n/index.js';
import { regions, educationGroups, schools, classrooms } from './organisation.js';

/** Everyone who signs in: staff, students and classroom devices. */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    /** argon2id hash; null for accounts that cannot sign in with a password (devices, link-only students). */
    passwordHash: text('password_hash'),
    locale: text('locale', { enum: LOCALES }),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
    /**
     * Made by the demo seed with the published demo password: while such an account is active and still has
     * that password, the instance warns that anyone can sign in (a password reset clears it).
     */
    demoAccount: integer('demo_account', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

/**
 * A role bounded by a scope. Exactly the scope column that the role's kind names is set
 * (see ROLE_SCOPE_KIND); a system admin has none.
 */
export const roleGrants = sqliteTable(
  'role_grants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    regionId: integer('region_id').references(() => regions.id),
    groupId: integer('group_id').references(() => educationGroups.id),
    schoolId: integer('school_id').references(() => schools.id),
    classroomId: integer('classroom_id').references(() => classrooms.id),
  },
  (t) => [
    index('role_grants_user_idx').on(t.userId),
    index('role_grants_school_idx').on(t.schoolId),
  ],
);

/** What a student is beyond her account: grade, class, and whether lessons reach her at home (送教上门). */
export const studentProfiles = sqliteTable('student_profiles', {
  userId: integer('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  schoolId: integer('school_id').notNull().references(() => schools.id),
  grade: integer('grade').notNull(),
  className: text('class_name').notNull().default(''),
  homeDelivery: integer('home_delivery', { mode: 'boolean' }).notNull().default(false),
});
