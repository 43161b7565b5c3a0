import { createHash } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { TongkeDb } from '../db/client.js';
import { devicePairings, roleGrants, sessions, users, classrooms, schools, regions, educationGroups } from '../db/schema/index.js';
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

  recordFailedLogin(userId: number, failedLogins: number, lockedUntil: Date | null): void {
    this.db.update(users).set({ failedLogins, lockedUntil }).where(eq(users.id, userId)).run();
  }

  clearFailedLogins(userId: number): void {
    this.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, userId)).run();
  }

  setLocale(userId: number, locale: 'zh-CN' | 'en'): void {
    this.db.update(users).set({ locale }).where(eq(users.id, userId)).run();
  }

  createSession(token: string, session: { userId: number; kind: SessionKind; courseId: number | null; expiresAt: Date; userAgent: string | null }): void {
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

  deleteSession(token: string): void {
    this.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token))).run();
  }

  deleteSessionsOf(userId: number): void {
    this.db.delete(sessions).where(eq(sessions.userId, userId)).run();
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
    const user = this.db
      .insert(users)
      .values({ username: `classroom-${classroomId}`, displayName: `${classroom?.schoolName ?? ''} ${classroom?.name ?? ''}`.trim(), passwordHash: null })
      .returning({ id: users.id })
      .get();
    this.db.insert(roleGrants).values({ userId: user.id, role: 'classroom_device', classroomId }).run();
    return user;
  }
}
