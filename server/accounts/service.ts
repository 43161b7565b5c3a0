import { randomBytes, randomInt } from 'node:crypto';
import type { Locale } from '../../shared/i18n/index.js';
import { ApiError } from '../core/errors.js';
import { AccountsRepository, hashToken, type SessionKind } from './repository.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { signStudentLink, verifyStudentLink } from './student-links.js';
import type { AuthenticatedPrincipal } from './principal.js';
import type { TongkeDb } from '../db/client.js';

/** How long each kind of session lives. A paired classroom stays signed in for a school year. */
const SESSION_LIFETIME_MS: Record<SessionKind, number> = {
  password: 12 * 3600_000,
  device: 365 * 24 * 3600_000,
  student_link: 7 * 24 * 3600_000,
};
export const LOCKOUT_AFTER_FAILURES = 5;
export const LOCKOUT_MINUTES = 15;
const PAIRING_CODE_MINUTES = 15;
/** Pairing codes avoid look-alike characters (0/O, 1/I/L) so a teacher can read them off a screen. */
const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** Sign-in, sessions, device pairing and student links. */
export class AccountsService {
  readonly #repo: AccountsRepository;
  readonly #secret: string;

  constructor(db: TongkeDb, secret: string) {
    this.#repo = new AccountsRepository(db);
    this.#secret = secret;
  }

  /** Password sign-in with lockout after repeated failures. Errors: login_invalid, login_locked, account_inactive. */
  async login(username: string, password: string, userAgent: string | null, now = new Date()): Promise<NewSession> {
    const user = this.#repo.userByUsername(username.trim());
    if (!user || !user.passwordHash) {
      await verifyPassword(await dummyPasswordHash(), password);
      throw new ApiError('login_invalid');
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      throw new ApiError('login_locked', { minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) });
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const failures = user.failedLogins + 1;
      const locked = failures >= LOCKOUT_AFTER_FAILURES;
      this.#repo.recordFailedLogin(user.id, locked ? 0 : failures, locked ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null);
      if (locked) throw new ApiError('login_locked', { minutes: LOCKOUT_MINUTES });
      throw new ApiError('login_invalid');
    }
    if (!user.active) throw new ApiError('account_inactive');
    this.#repo.clearFailedLogins(user.id);
    return this.#startSession(user.id, 'password', null, userAgent, now);
  }

  /** The principal behind a session token, or null when it is unknown, expired or its user deactivated. */
  principalFor(token: string, now = new Date()): AuthenticatedPrincipal | null {
    const session = this.#repo.liveSession(token, now);
    if (!session) return null;
    const user = this.#repo.userById(session.userId);
    if (!user || !user.active) return null;
    // Touch at most once a minute: last-seen is for admins, not worth a write per request.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) this.#repo.touchSession(session.tokenHash, now);
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      locale: user.locale,
      grants: this.#repo.grantsOf(user.id),
      courseOnly: session.courseId,
      sessionKind: session.kind,
      sessionTokenHash: session.tokenHash,
    };
  }

  grantViewsOf(userId: number) {
    return this.#repo.grantViewsOf(userId);
  }

  logout(token: string): void {
    this.#repo.deleteSession(token);
  }

  setLocale(userId: number, locale: Locale): void {
    this.#repo.setLocale(userId, locale);
  }

  /** A fresh code an admin reads out to the classroom device; any earlier unused code stays valid until it expires. */
  createPairingCode(classroomId: number, createdBy: number, now = new Date()): { code: string; expiresAt: Date } {
    const code = Array.from({ length: 8 }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join('');
    const expiresAt = new Date(now.getTime() + PAIRING_CODE_MINUTES * 60_000);
    this.#repo.createPairing({ code, classroomId, createdBy, expiresAt });
    return { code, expiresAt };
  }

  /** The device enters the code once and stays signed in as its classroom. */
  pairDevice(code: string, userAgent: string | null, now = new Date()): NewSession {
    const classroomId = this.#repo.claimPairing(code.trim().toUpperCase().replace(/[\s-]/g, ''), now);
    if (classroomId === null) throw new ApiError('pairing_code_invalid');
    const device = this.#repo.deviceUserOf(classroomId);
    return this.#startSession(device.id, 'device', null, userAgent, now);
  }

  /** Ends every session of a classroom's device (unpairing). */
  unpairDevice(classroomId: number): void {
    this.#repo.deleteSessionsOf(this.#repo.deviceUserOf(classroomId).id);
  }

  createStudentLink(studentId: number, courseId: number, validDays: number, now = new Date()): { token: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + validDays * 24 * 3600_000);
    return { token: signStudentLink(this.#secret, { studentId, courseId, expiresAt }), expiresAt };
  }

  /**
   * Redeems a student link for a session confined to its course. `isEnrolled` is asked so that a link of a
   * student who has since left the course stops working.
   */
  redeemStudentLink(token: string, isEnrolled: (studentId: number, courseId: number) => boolean, userAgent: string | null, now = new Date()): NewSession & { courseId: number } {
    const result = verifyStudentLink(this.#secret, token, now);
    if (!result.ok) throw new ApiError(result.reason);
    const { studentId, courseId, expiresAt } = result.claims;
    const student = this.#repo.userById(studentId);
    if (!student || !isEnrolled(studentId, courseId)) throw new ApiError('link_invalid');
    if (!student.active) throw new ApiError('account_inactive');
    const session = this.#startSession(studentId, 'student_link', courseId, userAgent, now, expiresAt);
    return { ...session, courseId };
  }

  #startSession(userId: number, kind: SessionKind, courseId: number | null, userAgent: string | null, now: Date, notAfter?: Date): NewSession {
    const token = randomBytes(32).toString('base64url');
    let expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS[kind]);
    if (notAfter && notAfter < expiresAt) expiresAt = notAfter;
    this.#repo.createSession(token, { userId, kind, courseId, expiresAt, userAgent: userAgent?.slice(0, 300) ?? null });
    return { token, expiresAt };
  }
}

export { hashToken };
