import { and, asc, eq, exists, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/store.js';
import { classrooms, educationGroups, regions, roleGrants, schools, studentProfiles, users } from '../db/schema/index.js';
import { chunks } from '../core/lists.js';
import type { RoleGrant } from '../policy/policy.js';

export type UserRow = typeof users.$inferSelect;
export type GrantRow = typeof roleGrants.$inferSelect;
export type StudentProfileRow = typeof studentProfiles.$inferSelect;

/** A grant with the names of its scope, for display. */
export interface GrantWithNames extends GrantRow {
  regionName: string | null;
  groupName: string | null;
  schoolName: string | null;
  classroomName: string | null;
}

/** Everything needed to create one account in one go. */
export interface NewAccount {
  username: string;
  displayName: string;
  passwordHash: string | null;
  grants: readonly RoleGrant[];
  student: Omit<StudentProfileRow, 'userId'> | null;
}

export interface UserFilter {
  schoolId?: number | undefined;
  role?: Role | undefined;
  q?: string | undefined;
}

/** A case-insensitive substring match that treats % and _ in the search as plain characters. */
function containsText(column: SQLWrapper, q: string): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** Persistence of accounts, their role grants and student profiles. */
export class PeopleRepository {
  constructor(private readonly db: TongkeDb) {}

  /** One SQLite transaction (better-sqlite3 is synchronous on one connection, so our queries run inside it). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(() => work());
  }

  /** Accounts matching the filter, by user name. The caller filters them further by policy. */
  users(filter: UserFilter): UserRow[] {
    const conditions: SQL[] = [];
    const q = filter.q?.trim();
    if (q) {
      const text = or(containsText(users.username, q), containsText(users.displayName, q));
      if (text) conditions.push(text);
    }
    const grantWhere: SQL[] = [eq(roleGrants.userId, users.id)];
    if (filter.role !== undefined) grantWhere.push(eq(roleGrants.role, filter.role));
    if (filter.schoolId !== undefined) {
      const inSchool = or(
        eq(roleGrants.schoolId, filter.schoolId),
        inArray(roleGrants.classroomId, this.db.select({ id: classrooms.id }).from(classrooms).where(eq(classrooms.schoolId, filter.schoolId))),
      );
      if (inSchool) grantWhere.push(inSchool);
    }
    if (grantWhere.length > 1) conditions.push(exists(this.db.select({ id: roleGrants.id }).from(roleGrants).where(and(...grantWhere))));
    return this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(asc(users.username))
      .all();
  }

  user(id: number): UserRow | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  /** Which of these user names are taken already. */
  takenUsernames(usernames: readonly string[]): Set<string> {
    const taken = new Set<string>();
    for (const part of chunks(usernames)) {
      for (const row of this.db.select({ username: users.username }).from(users).where(inArray(users.username, part)).all()) taken.add(row.username);
    }
    return taken;
  }

  /** Grants of these users (all of them when `userIds` is omitted). */
  grantsOf(userIds?: readonly number[]): GrantRow[] {
    if (userIds === undefined) return this.db.select().from(roleGrants).all();
    return chunks(userIds).flatMap((part) => this.db.select().from(roleGrants).where(inArray(roleGrants.userId, part)).all());
  }

  grantsWithNames(userIds: readonly number[]): GrantWithNames[] {
    return chunks(userIds).flatMap((part) =>
      this.db
        .select({
          id: roleGrants.id,
          userId: roleGrants.userId,
          role: roleGrants.role,
          regionId: roleGrants.regionId,
          groupId: roleGrants.groupId,
          schoolId: roleGrants.schoolId,
          classroomId: roleGrants.classroomId,
          regionName: regions.name,
          groupName: educationGroups.name,
          schoolName: schools.name,
          classroomName: classrooms.name,
        })
        .from(roleGrants)
        .leftJoin(regions, eq(regions.id, roleGrants.regionId))
        .leftJoin(educationGroups, eq(educationGroups.id, roleGrants.groupId))
        .leftJoin(classrooms, eq(classrooms.id, roleGrants.classroomId))
        .leftJoin(schools, or(eq(schools.id, roleGrants.schoolId), eq(schools.id, classrooms.schoolId)))
        .where(inArray(roleGrants.userId, part))
        .orderBy(asc(roleGrants.id))
        .all(),
    );
  }

  studentProfiles(userIds: readonly number[]): StudentProfileRow[] {
    return chunks(userIds).flatMap((part) => this.db.select().from(studentProfiles).where(inArray(studentProfiles.userId, part)).all());
  }

  /** Inserts an account with its grants and student profile; call inside a transaction. */
  insertAccount(account: NewAccount): UserRow {
    const user = this.db
      .insert(users)
      .values({ username: account.username, displayName: account.displayName, passwordHash: account.passwordHash })
      .returning()
      .get();
    for (const grant of account.grants) this.insertGrant(user.id, grant);
    if (account.student) this.db.insert(studentProfiles).values({ userId: user.id, ...account.student }).run();
    return user;
  }

  updateUser(id: number, values: Partial<Pick<UserRow, 'displayName' | 'active' | 'passwordHash' | 'demoAccount' | 'failedLogins' | 'lockedUntil'>>): void {
    if (Object.keys(values).length > 0) this.db.update(users).set(values).where(eq(users.id, id)).run();
  }

  upsertStudentProfile(profile: StudentProfileRow): void {
    const { userId, ...rest } = profile;
    this.db.insert(studentProfiles).values(profile).onConflictDoUpdate({ target: studentProfiles.userId, set: rest }).run();
  }

  insertGrant(userId: number, grant: RoleGrant): GrantRow {
    return this.db
      .insert(roleGrants)
      .values({ userId, role: grant.role, regionId: grant.regionId, groupId: grant.groupId, schoolId: grant.schoolId, classroomId: grant.classroomId })
      .returning()
      .get();
  }

  deleteGrant(grantId: number): void {
    this.db.delete(roleGrants).where(eq(roleGrants.id, grantId)).run();
  }
}
