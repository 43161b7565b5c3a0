import { and, asc, eq, exists, inArray, or, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { TongkeDb } from '../db/store.js';
import { likeIgnoringCase } from '../db/sql.js';
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
  return likeIgnoringCase(column, pattern);
}

/** Persistence of accounts, their role grants and student profiles. */
export class PeopleRepository {
  constructor(private readonly db: TongkeDb) {}

  /** One transaction: every query made through the store while `work` runs joins it (ambient), a throw rolls it back. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  /** Accounts matching the filter, by user name. The caller filters them further by policy. */
  async users(filter: UserFilter): Promise<UserRow[]> {
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
      .orderBy(asc(users.username));
  }

  async user(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  /** Which of these user names are taken already. */
  async takenUsernames(usernames: readonly string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    for (const part of chunks(usernames)) {
      for (const row of await this.db.select({ username: users.username }).from(users).where(inArray(users.username, part))) taken.add(row.username);
    }
    return taken;
  }

  /** Grants of these users (all of them when `userIds` is omitted). */
  async grantsOf(userIds?: readonly number[]): Promise<GrantRow[]> {
    if (userIds === undefined) return this.db.select().from(roleGrants);
    const found: GrantRow[] = [];
    for (const part of chunks(userIds)) found.push(...(await this.db.select().from(roleGrants).where(inArray(roleGrants.userId, part))));
    return found;
  }

  async grantsWithNames(userIds: readonly number[]): Promise<GrantWithNames[]> {
    const found: GrantWithNames[] = [];
    for (const part of chunks(userIds)) {
      const rows = await this.db
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
        .orderBy(asc(roleGrants.id));
      found.push(...rows);
    }
    return found;
  }

  async studentProfiles(userIds: readonly number[]): Promise<StudentProfileRow[]> {
    const found: StudentProfileRow[] = [];
    for (const part of chunks(userIds)) found.push(...(await this.db.select().from(studentProfiles).where(inArray(studentProfiles.userId, part))));
    return found;
  }

  /** Inserts an account with its grants and student profile; call inside a transaction. */
  async insertAccount(account: NewAccount): Promise<UserRow> {
    const [user] = await this.db
      .insert(users)
      .values({ username: account.username, displayName: account.displayName, passwordHash: account.passwordHash })
      .returning();
    for (const grant of account.grants) await this.insertGrant(user!.id, grant);
    if (account.student) await this.db.insert(studentProfiles).values({ userId: user!.id, ...account.student });
    return user!;
  }

  async updateUser(id: number, values: Partial<Pick<UserRow, 'displayName' | 'active' | 'passwordHash' | 'demoAccount' | 'failedLogins' | 'lockedUntil'>>): Promise<void> {
    if (Object.keys(values).length > 0) await this.db.update(users).set(values).where(eq(users.id, id));
  }

  async upsertStudentProfile(profile: StudentProfileRow): Promise<void> {
    const { userId, ...rest } = profile;
    await this.db.insert(studentProfiles).values(profile).onConflictDoUpdate({ target: studentProfiles.userId, set: rest });
  }

  async insertGrant(userId: number, grant: RoleGrant): Promise<GrantRow> {
    const [row] = await this.db
      .insert(roleGrants)
      .values({ userId, role: grant.role, regionId: grant.regionId, groupId: grant.groupId, schoolId: grant.schoolId, classroomId: grant.classroomId })
      .returning();
    return row!;
  }

  async deleteGrant(grantId: number): Promise<void> {
    await this.db.delete(roleGrants).where(eq(roleGrants.id, grantId));
  }
}
