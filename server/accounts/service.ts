import { randomBytes, randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Locale } from '../../shared/i18n/index.js';
import { ApiError } from '../core/errors.js';
import { AccountsRepository, hashToken, type SessionKind } from './repository.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { signStudentLink, verifyStudentLink } from './student-links.js';
import type { AuthenticatedPrincipal } from './principal.js';
import { FirstAdminSetup } from './first-run.js';
import { RevocationNotifier, type RevocationReason } from './revocation.js';

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

export interface AccountsOptions {
  /** Signs student links. */
  secret: string;
  /** Sign-in attempts per minute for one user name, from any address (beside the per-address limit). */
  loginAccountLimit: number;
  /** The HTTP listen address (the demo warning is for servers reachable from other machines). */
  listenHost: string;
  /** The Redis several nodes share: sign-in attempts are counted there, for all nodes together. */
  redis?: Redis | null;
}

/**
 * Sign-in attempts per user name and minute. Several nodes count in their shared Redis, or guesses spread over
 * the nodes would get the limit once per node. While Redis is away each node counts on its own (the insurance
 * limiter, used at once rather than after a timeout): sign-in keeps working, the limit is per node for that
 * time, and the account lockout in the database holds throughout.
 */
function attemptsPerAccount(points: number, redis: Redis | null): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: 60 });
  if (!redis) return memory;
  return new RateLimiterRedis({ storeClient: redis, keyPrefix: 'tongke:sign-in-attempts', points, duration: 60, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}

/**
 * Sign-in, sessions, device pairing and student links. Every session it ends is announced on `revocations`
 * so that live connections opened with it close too.
 */
export class AccountsService {
  readonly #repo: AccountsRepository;
  readonly #secret: string;
  readonly #attemptsPerAccount: RateLimiterAbstract;
  readonly revocations = new RevocationNotifier();
  readonly firstRun: FirstAdminSetup;

  constructor(repo: AccountsRepository, options: AccountsOptions) {
    this.#repo = repo;
    this.#secret = options.secret;
    this.#attemptsPerAccount = attemptsPerAccount(options.loginAccountLimit, options.redis ?? null);
    this.firstRun = new FirstAdminSetup(this.#repo, options.listenHost);
  }

  /**
   * Password sign-in. An unknown user name, a wrong password, a locked and a deactivated account all get the
   * same `login_invalid` answer after the same password check, so that nobody learns whether an account
   * exists. Attempts are counted before the check, atomically: parallel guesses cannot outrun the lockout.
   */
  async login(username: string, password: string, userAgent: string | null, now = new Date()): Promise<NewSession> {
    const name = username.trim();
    await this.#countAttempt(name);
    const user = await this.#repo.userByUsername(name);
    const attempt = user?.passwordHash ? await this.#repo.beginLoginAttempt(user.id, now) : null;
    if (!user || !user.passwordHash || attempt === null || attempt > LOCKOUT_AFTER_FAILURES) {
      if (user && attempt !== null) await this.#repo.lockLogin(user.id, new Date(now.getTime() + LOCKOUT_MINUTES * 60_000));
      await verifyPassword(await dummyPasswordHash(), password);
      throw new ApiError('login_invalid');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      if (attempt >= LOCKOUT_AFTER_FAILURES) await this.#repo.lockLogin(user.id, new Date(now.getTime() + LOCKOUT_MINUTES * 60_000));
      throw new ApiError('login_invalid');
    }
    // A lock set by a parallel attempt while this one was being checked still holds.
    if (!user.active || (await this.#repo.isLoginLocked(user.id, now))) throw new ApiError('login_invalid');
    await this.#repo.clearFailedLogins(user.id);
    return this.#startSession(user.id, 'password', null, userAgent, now);
  }

  /** The per-account limit: the same for unknown names, so that it reveals nothing either. */
  async #countAttempt(username: string): Promise<void> {
    try {
      await this.#attemptsPerAccount.consume(username.toLowerCase());
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new ApiError('rate_limited', { seconds: Math.ceil(error.msBeforeNext / 1000) });
      throw error;
    }
  }

  /** The principal behind a session token, or null when it is unknown, expired or its user deactivated. */
  async principalFor(token: string, now = new Date()): Promise<AuthenticatedPrincipal | null> {
    const session = await this.#repo.liveSession(token, now);
    if (!session) return null;
    const user = await this.#repo.userById(session.userId);
    if (!user || !user.active) return null;
    // Touch at most once a minute: last-seen is for admins, not worth a write per request.
    if (now.getTime() - session.lastSeenAt.getTime() > 60_000) await this.#repo.touchSession(session.tokenHash, now);
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      locale: user.locale,
      grants: await this.#repo.grantsOf(user.id),
      courseOnly: session.courseId,
      sessionKind: session.kind,
      sessionTokenHash: session.tokenHash,
    };
  }

  async grantViewsOf(userId: number) {
    return this.#repo.grantViewsOf(userId);
  }

  async logout(token: string): Promise<void> {
    const ended = await this.#repo.deleteSession(token);
    if (ended) this.revocations.announce({ userId: ended.userId, tokenHashes: [ended.tokenHash], reason: 'signed_out' });
  }

  /** Ends every session of a user (deactivated, password reset, roles changed): she signs in afresh. */
  async endSessionsOf(userId: number, reason: RevocationReason): Promise<void> {
    this.revocations.announce({ userId, tokenHashes: await this.#repo.deleteSessionsOf(userId), reason });
  }

  async setLocale(userId: number, locale: Locale): Promise<void> {
    await this.#repo.setLocale(userId, locale);
  }

  /** A fresh code an admin reads out to the classroom device; any earlier unused code stays valid until it expires. */
  async createPairingCode(classroomId: number, createdBy: number, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
    const code = Array.from({ length: 8 }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join('');
    const expiresAt = new Date(now.getTime() + PAIRING_CODE_MINUTES * 60_000);
    await this.#repo.createPairing({ code, classroomId, createdBy, expiresAt });
    return { code, expiresAt };
  }

  /**
   * The device enters the code once and stays signed in as its classroom. Claiming the code, finding or
   * making the device account and opening the session are one transaction: a failure leaves the code usable.
   */
  async pairDevice(code: string, userAgent: string | null, now = new Date()): Promise<NewSession> {
    return this.#repo.transaction(async () => {
      const classroomId = await this.#repo.claimPairing(code.trim().toUpperCase().replace(/[\s-]/g, ''), now);
      if (classroomId === null) throw new ApiError('pairing_code_invalid');
      const device = await this.#repo.deviceUserOf(classroomId);
      return this.#startSession(device.id, 'device', null, userAgent, now);
    });
  }

  /** Ends every session of a classroom's device (unpairing). */
  async unpairDevice(classroomId: number): Promise<void> {
    await this.endSessionsOf((await this.#repo.deviceUserOf(classroomId)).id, 'device_unpaired');
  }

  /** Issues a link for one student and course; the link has a row, so it can be listed and revoked. */
  async createStudentLink(studentId: number, courseId: number, validDays: number, issuedBy: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(now.getTime() + validDays * 24 * 3600_000);
    const linkId = await this.#repo.createStudentLink({ studentId, courseId, issuedBy, issuedAt: now, expiresAt });
    return { token: signStudentLink(this.#secret, { linkId, studentId, courseId, expiresAt }), expiresAt };
  }

  async studentLinksOf(courseId: number) {
    return this.#repo.studentLinksOf(courseId);
  }

  /** Revokes one of a course's links: it cannot sign in again and the sessions it opened end. */
  async revokeStudentLink(courseId: number, linkId: number, now = new Date()): Promise<void> {
    const link = await this.#repo.studentLink(linkId);
    if (!link || link.courseId !== courseId) throw new ApiError('not_found');
    await this.#repo.revokeStudentLink(linkId, now);
    this.revocations.announce({ userId: link.studentId, tokenHashes: await this.#repo.deleteSessionsOfLink(linkId), reason: 'link_revoked' });
  }

  /**
   * Redeems a student link for a session confined to its course. `isEnrolled` is asked so that a link of a
   * student who has since left the course stops working.
   */
  async redeemStudentLink(
    token: string,
    isEnrolled: (studentId: number, courseId: number) => boolean | Promise<boolean>,
    userAgent: string | null,
    now = new Date(),
  ): Promise<NewSession & { courseId: number }> {
    const result = verifyStudentLink(this.#secret, token, now);
    if (!result.ok) throw new ApiError(result.reason);
    const { linkId, studentId, courseId, expiresAt } = result.claims;
    const link = await this.#repo.studentLink(linkId);
    if (!link || link.revokedAt !== null || link.studentId !== studentId || link.courseId !== courseId) throw new ApiError('link_invalid');
    const student = await this.#repo.userById(studentId);
    if (!student || !(await isEnrolled(studentId, courseId))) throw new ApiError('link_invalid');
    if (!student.active) throw new ApiError('account_inactive');
    const session = await this.#startSession(studentId, 'student_link', courseId, userAgent, now, expiresAt, linkId);
    return { ...session, courseId };
  }

  async #startSession(userId: number, kind: SessionKind, courseId: number | null, userAgent: string | null, now: Date, notAfter?: Date, studentLinkId?: number): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    let expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS[kind]);
    if (notAfter && notAfter < expiresAt) expiresAt = notAfter;
    await this.#repo.createSession(token, { userId, kind, courseId, studentLinkId: studentLinkId ?? null, expiresAt, userAgent: userAgent?.slice(0, 300) ?? null });
    return { token, expiresAt };
  }
}

export { hashToken };
