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

  userByUsername(username: string) {
    return this.db.select().from(users).where(eq(users.username, username)).get();
  }

  userById(id: number) {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  grantsOf(userId: number) {
    return this.db.select().from(roleGrants).where(eq(roleGrants.userId, userId)).all();
  }

  /** Grants with a display name of their scope (region, group, school or "school · classroom"). */
  grantViewsOf(userId: number) {
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
      .where(eq(roleGrants.userId, userId))
      .all();
  }

  /**
   * Counts a sign-in attempt before its password is checked, in one statement, so that parallel attempts
   * cannot all read the same count. Returns the attempt's number since the last success or lock, or null
   * while the account is locked.
   */
  beginLoginAttempt(userId: number, now: Date): number | null {
    const row = this.db
      .update(users)
      .set({ failedLogins: sql`${users.failedLogins} + 1` })
      .where(and(eq(users.id, userId), or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
      .returning({ attempts: users.failedLogins })
      .get();
    return row?.attempts ?? null;
  }

  lockLogin(userId: number, until: Date): void {
    this.db.update(users).set({ failedLogins: 0, lockedUntil: until }).where(eq(users.id, userId)).run();
  }

  isLoginLocked(userId: number, now: Date): boolean {
    const row = this.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, userId)).get();
    return row?.lockedUntil != null && row.lockedUntil > now;
  }

  clearFailedLogins(userId: number): void {
    this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)).run();
  }

  setLocale(userId: number, locale: 'zh-CN' | 'en'): void {
    this.db.update(users).set({ locale }).where(eq(users.id, userId)).run();
  }

  createSession(
    token: string,
    session: { userId: number; kind: SessionKind; courseId: number | null; studentLinkId?: number | null; expiresAt: Date; userAgent: string | null },
  ): void {
    const now = new Date();
    this.db
      .insert(sessions)
      .values({ tokenHash: hashToken(token), ...session, createdAt: now, lastSeenAt: now })
      .run();
  }

  liveSession(token: string, now: Date) {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)))
      .get();
  }

  touchSession(tokenHash: string, now: Date): void {
    this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash)).run();
  }

  /** Deletes one session; returns what it was (to end its live sockets), or null when there was none. */
  deleteSession(token: string): { userId: number; tokenHash: string } | null {
    return this.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token))).returning({ userId: sessions.userId, tokenHash: sessions.tokenHash }).get() ?? null;
  }

  /** Deletes every session of a user; returns their token hashes. */
  deleteSessionsOf(userId: number): string[] {
    return this.db
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ tokenHash: sessions.tokenHash })
      .all()
      .map((r) => r.tokenHash);
  }

  /** Deletes the sessions a student link opened; returns their token hashes. */
  deleteSessionsOfLink(studentLinkId: number): string[] {
    return this.db
      .delete(sessions)
      .where(eq(sessions.studentLinkId, studentLinkId))
      .returning({ tokenHash: sessions.tokenHash })
      .all()
      .map((r) => r.tokenHash);
  }

  /** Runs `work` in one transaction (synchronous, as better-sqlite3 is). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(() => work());
  }

  /** Whether an active system administrator exists (the first-run setup is closed once one does). */
  systemAdminExists(): boolean {
    return (
      this.db
        .select({ id: users.id })
        .from(roleGrants)
        .innerJoin(users, eq(users.id, roleGrants.userId))
        .where(and(eq(roleGrants.role, 'system_admin'), eq(users.active, true)))
        .get() !== undefined
    );
  }

  /** A new system administrator with a password, in one transaction. */
  createSystemAdmin(account: { username: string; displayName: string; passwordHash: string }): number {
    return this.db.transaction((tx) => {
      const user = tx.insert(users).values(account).returning({ id: users.id }).get();
      tx.insert(roleGrants).values({ userId: user.id, role: 'system_admin' }).run();
      return user.id;
    });
  }

  /** Whether an active account made by the demo seed still has the published demo password. */
  demoAccountsActive(): boolean {
    return (
      this.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.demoAccount, true), eq(users.active, true), sql`${users.passwordHash} IS NOT NULL`))
        .get() !== undefined
    );
  }

  createStudentLink(link: { studentId: number; courseId: number; issuedBy: number; issuedAt: Date; expiresAt: Date }): number {
    return this.db.insert(studentLinks).values(link).returning({ id: studentLinks.id }).get().id;
  }

  studentLink(id: number) {
    return this.db.select().from(studentLinks).where(eq(studentLinks.id, id)).get();
  }

  /** A course's issued links, newest first, with the student's and the issuer's names. */
  studentLinksOf(courseId: number) {
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
      .orderBy(desc(studentLinks.issuedAt), desc(studentLinks.id))
      .all();
  }

  revokeStudentLink(id: number, now: Date): void {
    this.db.update(studentLinks).set({ revokedAt: now }).where(and(eq(studentLinks.id, id), isNull(studentLinks.revokedAt))).run();
  }

  purgeExpiredSessions(now: Date): void {
    this.db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  }

  createPairing(pairing: { code: string; classroomId: number; createdBy: number; expiresAt: Date }): void {
    this.db
      .insert(devicePairings)
      .values({ ...pairing, createdAt: new Date() })
      .run();
  }

  /** Claims an unused, unexpired pairing code once; returns its classroom. */
  claimPairing(code: string, now: Date): number | null {
    const pairing = this.db
      .select()
      .from(devicePairings)
      .where(and(eq(devicePairings.code, code), isNull(devicePairings.usedAt), gt(devicePairings.expiresAt, now)))
      .get();
    if (!pairing) return null;
    this.db.update(devicePairings).set({ usedAt: now }).where(eq(devicePairings.id, pairing.id)).run();
    return pairing.classroomId;
  }

  /** The device account of a classroom (one per classroom), created on first pairing. */
  deviceUserOf(classroomId: number): { id: number } {
    const existing = this.db
      .select({ id: roleGrants.userId })
      .from(roleGrants)
      .where(and(eq(roleGrants.role, 'classroom_device'), eq(roleGrants.classroomId, classroomId)))
      .get();
    if (existing) return existing;
    const classroom = this.db
      .select({ name: classrooms.name, schoolName: schools.name })
      .from(classrooms)
      .innerJoin(schools, eq(schools.id, classrooms.schoolId))
      .where(eq(classrooms.id, classroomId))
      .get();
    // The device namespace is closed to people, but an account made before that rule may hold the name.
    const username = deviceUsernameCandidates(classroomId).find((name) => !this.userByUsername(name));
    if (!username) throw new Error(`no free device user name for classroom ${classroomId}`);
    const user = this.db
      .insert(users)
      .values({ username, displayName: `${classroom?.schoolName ?? ''} ${classroom?.name ?? ''}`.trim(), passwordHash: null })
      .returning({ id: users.id })
      .get();
    this.db.insert(roleGrants).values({ userId: user.id, role: 'classroom_device', classroomId }).run();
    return user;
  }
}
