import { table, id, int, bool, instant, text, index, uniqueIndex, NOW_MS } from './columns.js';
import { ROLES } from '../../../shared/roles.js';
import { LOCALES } from '../../../shared/i18n/index.js';
import { regions, educationGroups, schools, classrooms } from './organisation.js';

/** Everyone who signs in: staff, students and classroom devices. */
export const users = table(
  'users',
  {
    id: id(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    /** argon2id hash; null for accounts that cannot sign in with a password (devices, link-only students). */
    passwordHash: text('password_hash'),
    locale: text('locale', { enum: LOCALES }),
    active: bool('active').notNull().default(true),
    failedLogins: int('failed_logins').notNull().default(0),
    lockedUntil: instant('locked_until'),
    /**
     * Made by the demo seed with the published demo password: while such an account is active and still has
     * that password, the instance warns that anyone can sign in (a password reset clears it).
     */
    demoAccount: bool('demo_account').notNull().default(false),
    createdAt: instant('created_at').notNull().default(NOW_MS),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

/**
 * A role bounded by a scope. Exactly the scope column that the role's kind names is set
 * (see ROLE_SCOPE_KIND); a system admin has none.
 */
export const roleGrants = table(
  'role_grants',
  {
    id: id(),
    userId: int('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    regionId: int('region_id').references(() => regions.id),
    groupId: int('group_id').references(() => educationGroups.id),
    schoolId: int('school_id').references(() => schools.id),
    classroomId: int('classroom_id').references(() => classrooms.id),
  },
  (t) => [
    index('role_grants_user_idx').on(t.userId),
    index('role_grants_school_idx').on(t.schoolId),
  ],
);

/** What a student is beyond her account: grade, class, and whether lessons reach her at home (送教上门). */
export const studentProfiles = table('student_profiles', {
  userId: int('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  schoolId: int('school_id').notNull().references(() => schools.id),
  grade: int('grade').notNull(),
  className: text('class_name').notNull().default(''),
  homeDelivery: bool('home_delivery').notNull().default(false),
});
