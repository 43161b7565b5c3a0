import { createHash } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { TongkeDb } from '../db/store.js';
import { devicePairings, roleGrants, sessions, studentLinks, users, classrooms, schools, regions, educationGroups } from '../db/schema/index.js';
import { deviceUsernameCandidates } from './usernames.js';
import type { SESSION_KINDS } from '../db/schema/accounts.js';

export type SessionKind = (typeof SESSION_KINDS)[number];
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Accounts persistence: users' login state, sessions, device pairings. */
export class AccountsRepository {
  constructor(private readonly db: TongkeDb) {}

  async userByUsername(username: string) {
    const [user] = await this.db.select().from(users).where(eq(users.username, username)).limit(1);
    return user;
  }

  async userById(id: number) {
    const [user] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return user;
  }

  async grantsOf(userId: number) {
    return this.db.select().from(roleGrants).where(eq(roleGrants.userId, userId));
  }

  /** Grants with a display name of their scope (region, group, school or "school · classroom"). */
  async grantViewsOf(userId: number) {
    return this.db
      .select({
        id: roleGrants.id,
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
      .leftJoin(schools, eq(schools.id, roleGrants.schoolId))
      .where(eq(roleGrants.userId, userId));
  }

  /**
   * Counts a sign-in attempt before its password is checked, in one statement, so that parallel attempts
   * cannot all read the same count. Returns the attempt's number since the last success or lock, or null
   * while the account is locked.
   */
  async beginLoginAttempt(userId: number, now: Date): Promise<number | null> {
    const [row] = await this.db
      .update(users)
      .set({ failedLogins: sql`${users.failedLogins} + 1` })
      .where(and(eq(users.id, userId), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
      .returning({ attempts: users.failedLogins });
    return row?.attempts ?? null;
  }

  async lockLogin(userId: number, until: Date): Promise<void> {
    await this.db.update(users).set({ failedLogins: 0, lockedUntil: until }).where(eq(users.id, userId));
  }

  async isLoginLocked(userId: number, now: Date): Promise<boolean> {
    const [row] = await this.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, userId)).limit(1);
    return row?.lockedUntil != null && row.lockedUntil > now;
  }

  async clearFailedLogins(userId: number): Promise<void> {
    await this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId));
  }

  async setLocale(userId: number, locale: 'zh-CN' | 'en'): Promise<void> {
    await this.db.update(users).set({ locale }).where(eq(users.id, userId));
  }

  async createSession(
    token: string,
    session: { userId: number; kind: SessionKind; courseId: number | null; studentLinkId?: number | null; expiresAt: Date; userAgent: string | null },
  ): Promise<void> {
    const now = new Date();
    await this.db.insert(sessions).values({ tokenHash: hashToken(token), ...session, createdAt: now, lastSeenAt: now });
  }

  async liveSession(token: string, now: Date) {
    const [session] = await this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)))
      .limit(1);
    return session;
  }

  async touchSession(tokenHash: string, now: Date): Promise<void> {
    await this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
  }

  /** Deletes one session; returns what it was (to end its live sockets), or null when there was none. */
  async deleteSession(token: string): Promise<{ userId: number; tokenHash: string } | null> {
    const [ended] = await this.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token))).returning({ userId: sessions.userId, tokenHash: sessions.tokenHash });
    return ended ?? null;
  }

  /** Deletes every session of a user; returns their token hashes. */
  async deleteSessionsOf(userId: number): Promise<string[]> {
    const ended = await this.db.delete(sessions).where(eq(sessions.userId, userId)).returning({ tokenHash: sessions.tokenHash });
    return ended.map((r) => r.tokenHash);
  }

  /** Deletes the sessions a student link opened; returns their token hashes. */
  async deleteSessionsOfLink(studentLinkId: number): Promise<string[]> {
    const ended = await this.db.delete(sessions).where(eq(sessions.studentLinkId, studentLinkId)).returning({ tokenHash: sessions.tokenHash });
    return ended.map((r) => r.tokenHash);
  }

  /** Runs `work` in one transaction: every query made through the store meanwhile joins it (ambient). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(() => work());
  }

  /** Whether an active system administrator exists (the first-run setup is closed once one does). */
  async systemAdminExists(): Promise<boolean> {
    const [admin] = await this.db
      .select({ id: users.id })
      .from(roleGrants)
      .innerJoin(users, eq(users.id, roleGrants.userId))
      .where(and(eq(roleGrants.role, 'system_admin'), eq(users.active, true)))
      .limit(1);
    return admin !== undefined;
  }

  /** A new system administrator with a password, in one transaction. */
  async createSystemAdmin(account: { username: string; displayName: string; passwordHash: string }): Promise<number> {
    return this.db.transaction(async () => {
      const [user] = await this.db.insert(users).values(account).returning({ id: users.id });
      await this.db.insert(roleGrants).values({ userId: user!.id, role: 'system_admin' });
      return user!.id;
    });
  }

  /** Whether an active account made by the demo seed still has the published demo password. */
  async demoAccountsActive(): Promise<boolean> {
    const [demo] = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.demoAccount, true), eq(users.active, true), sql`${users.passwordHash} IS NOT NULL`))
      .limit(1);
    return demo !== undefined;
  }

  async createStudentLink(link: { studentId: number; courseId: number; issuedBy: number; issuedAt: Date; expiresAt: Date }): Promise<number> {
    const [created] = await this.db.insert(studentLinks).values(link).returning({ id: studentLinks.id });
    return created!.id;
  }

  async studentLink(id: number) {
    const [link] = await this.db.select().from(studentLinks).where(eq(studentLinks.id, id)).limit(1);
    return link;
  }

  /** A course's issued links, newest first, with the student's and the issuer's names. */
  async studentLinksOf(courseId: number) {
    const issuers = sql`(SELECT display_name FROM users WHERE id = ${studentLinks.issuedBy})`;
    return this.db
      .select({
        id: studentLinks.id,
        studentId: studentLinks.studentId,
        studentName: users.displayName,
        issuedByName: sql<string | null>`${issuers}`,
        issuedAt: studentLinks.issuedAt,
        expiresAt: studentLinks.expiresAt,
        revokedAt: studentLinks.revokedAt,
      })
      .from(studentLinks)
      .innerJoin(users, eq(users.id, studentLinks.studentId))
      .where(eq(studentLinks.courseId, courseId))
      .orderBy(desc(studentLinks.issuedAt), desc(studentLinks.id));
  }

  async revokeStudentLink(id: number, now: Date): Promise<void> {
    await this.db.update(studentLinks).set({ revokedAt: now }).where(and(eq(studentLinks.id, id), isNull(studentLinks.revokedAt)));
  }

  async purgeExpiredSessions(now: Date): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, now));
  }

  async createPairing(pairing: { code: string; classroomId: number; createdBy: number; expiresAt: Date }): Promise<void> {
    await this.db.insert(devicePairings).values({ ...pairing, createdAt: new Date() });
  }

  /** Claims an unused, unexpired pairing code once; returns its classroom. */
  async claimPairing(code: string, now: Date): Promise<number | null> {
    const [pairing] = await this.db
      .select()
      .from(devicePairings)
      .where(and(eq(devicePairings.code, code), isNull(devicePairings.usedAt), gt(devicePairings.expiresAt, now)))
      .limit(1);
    if (!pairing) return null;
    await this.db.update(devicePairings).set({ usedAt: now }).where(eq(devicePairings.id, pairing.id));
    return pairing.classroomId;
  }

  /** The device account of a classroom (one per classroom), created on first pairing. */
  async deviceUserOf(classroomId: number): Promise<{ id: number }> {
    const [existing] = await this.db
      .select({ id: roleGrants.userId })
      .from(roleGrants)
      .where(and(eq(roleGrants.role, 'classroom_device'), eq(roleGrants.classroomId, classroomId)))
      .limit(1);
    if (existing) return existing;
    const [classroom] = await this.db
      .select({ name: classrooms.name, schoolName: schools.name })
      .from(classrooms)
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(classrooms.id, classroomId))
      .limit(1);
    // The device namespace is closed to people, but an account made before that rule may hold the name.
    let username: string | undefined;
    for (const name of deviceUsernameCandidates(classroomId)) {
      if (!(await this.userByUsername(name))) {
        username = name;
        break;
      }
    }
    if (!username) throw new Error(`no free device user name for classroom ${classroomId}`);
    const [user] = await this.db
      .insert(users)
      .values({ username, displayName: `${classroom?.schoolName ?? ''} ${classroom?.name ?? ''}`.trim(), passwordHash: null })
      .returning({ id: users.id });
    await this.db.insert(roleGrants).values({ userId: user!.id, role: 'classroom_device', classroomId });
    return user!;
  }
}
