import type { RoleGrantInput, StudentProfile, User, UserCreate, UserCreated, UserImportBody, UserImportResult, UserList, UserListQuery, UserUpdate } from '../../shared/api/people.js';
import { REVIEWER_LEVEL, ROLE_SCOPE_KIND } from '../../shared/roles.js';
import { hashPassword } from '../accounts/passwords.js';
import { isDeviceUsername } from '../accounts/usernames.js';
import type { RevocationReason } from '../accounts/revocation.js';
import { ApiError, forbidden, notFound } from '../core/errors.js';
import type { Access } from '../core/access.js';
import { conflictOnDuplicate, invalidField, isUniqueViolation } from '../core/constraints.js';
import { generateInitialPassword } from './initial-password.js';
import { groupBy } from '../core/lists.js';
import { userTarget, type PlaceIndex, type Places } from '../organisation/places.js';
import type { OrgPlace, RoleGrant } from '../policy/policy.js';
import { normaliseGrant, sameGrant } from './grants.js';
import { importUsers, type Translate } from './import.js';
import { PeopleRepository, type GrantRow, type UserRow } from './repository.js';

/** The one role whose grant goes with a student profile (the profile's school is the grant's school). */
const STUDENT = 'student';
/** Device accounts are made by pairing a classroom, never by hand. */
const DEVICE = 'classroom_device';

/** Ends a user's sessions, and the live connections opened with them (the accounts service). */
export interface SessionEnder {
  endSessionsOf(userId: number, reason: RevocationReason): Promise<void>;
}

/**
 * Accounts and their role grants: listing who the caller may read, creating accounts with grants she may
 * hand out, editing, deactivating (which signs the user out), password resets, unlocking, and CSV import.
 */
export class PeopleService {
  readonly #repo: PeopleRepository;

  constructor(
    repo: PeopleRepository,
    private readonly places: Places,
    private readonly sessions: SessionEnder,
  ) {
    this.#repo = repo;
  }

  /** The accounts matching the query that the caller may `user.read`, a page at a time. */
  async list(query: UserListQuery, access: Access): Promise<UserList> {
    const candidates = await this.#repo.users(query);
    const index = await this.places.index();
    const grantsByUser = groupBy(await this.#repo.grantsOf(candidates.map((u) => u.id)), (g) => g.userId);
    const readable = candidates.filter((u) =>
      access.can('user.read', userTarget(u.id, grantsByUser.get(u.id) ?? [], (g) => index.ofScope(g))),
    );
    const offset = query.offset ?? 0;
    const page = readable.slice(offset, offset + (query.limit ?? 100));
    return { total: readable.length, users: await this.#views(page) };
  }

  /** An existing account as a policy target (`not_found` when there is none). */
  async policyTarget(id: number): ReturnType<Places['user']> {
    return this.places.user((await this.#user(id)).id);
  }

  /** One account (the caller was authorized to read it). */
  async get(id: number): Promise<User> {
    const [view] = await this.#views([await this.#user(id)]);
    if (!view) throw notFound();
    return view;
  }

  /**
   * A new account with its grants, each of which the caller must be allowed to hand out. A staff account
   * given no password gets a generated one, returned this once (only its hash is kept).
   */
  async create(body: UserCreate, access: Access): Promise<UserCreated> {
    if (isDeviceUsername(body.username)) throw new ApiError('username_reserved');
    const index = await this.places.index();
    const grants = body.grants.map((input, i) => this.#grantToGive(input, `/grants/${i}`, index, access));
    for (const [i, grant] of grants.entries()) await this.#reviewerAtItsLevel(grant, `/grants/${i}`);
    grants.forEach((grant, i) => {
      if (grants.findIndex((other) => sameGrant(other, grant)) !== i) throw invalidField(`/grants/${i}`, 'the same grant twice');
    });
    const studentGrants = grants.filter((g) => g.role === STUDENT);
    if (studentGrants.length > 1) throw invalidField('/grants', 'a student belongs to one school');
    const [studentGrant] = studentGrants;
    if (studentGrant && !body.student) throw invalidField('/student', 'a student needs a student profile');
    if (!studentGrant && body.student) throw invalidField('/student', 'only students have a student profile');
    if (studentGrant && body.student && body.student.schoolId !== studentGrant.schoolId) throw invalidField('/student/schoolId', "must be the student grant's school");
    const initialPassword = body.password === undefined && !studentGrant ? generateInitialPassword() : undefined;
    const password = body.password ?? initialPassword;
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const user = await this.#repo.transaction(async () => {
      try {
        return await this.#repo.insertAccount({ username: body.username, displayName: body.displayName.trim(), passwordHash, grants, student: body.student ?? null });
      } catch (error) {
        // The unique index is the truth (no check-then-insert race); the admin is told which name is taken.
        if (isUniqueViolation(error)) throw new ApiError('username_taken', { username: body.username }, [{ path: '/username' }]);
        throw error;
      }
    });
    return { ...(await this.get(user.id)), ...(initialPassword !== undefined && { initialPassword }) };
  }

  /**
   * Edits an account the caller may `user.manage`: name, password reset, unlock, student profile, and
   * (de)activation. Deactivating, or resetting someone else's password, signs the user out everywhere.
   * Nobody deactivates her own account.
   */
  async update(id: number, body: UserUpdate, access: Access): Promise<User> {
    const user = await this.#user(id);
    if (body.active === false && id === access.principal.userId) throw invalidField('/active', 'you cannot deactivate your own account');
    const movedStudentGrant = body.student ? await this.#studentProfileChange(id, body.student, access) : null;
    const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
    await this.#repo.transaction(async () => {
      await this.#repo.updateUser(id, {
        ...(body.displayName !== undefined && { displayName: body.displayName.trim() }),
        ...(body.active !== undefined && { active: body.active }),
        // A new password is no longer the published demo one.
        ...(passwordHash !== undefined && { passwordHash, demoAccount: false }),
        ...(body.unlock && { failedLogins: 0, lockedUntil: null }),
      });
      if (body.student) await this.#repo.upsertStudentProfile({ userId: id, ...body.student });
      if (movedStudentGrant) {
        await this.#repo.deleteGrant(movedStudentGrant.id);
        await this.#repo.insertGrant(id, { ...movedStudentGrant, schoolId: body.student?.schoolId ?? movedStudentGrant.schoolId });
      }
    });
    // A deactivated account, or one whose password an admin reset (it may have leaked), is signed out
    // everywhere, its live lessons included.
    if (body.active === false && user.active) await this.sessions.endSessionsOf(id, 'deactivated');
    else if (passwordHash !== undefined && id !== access.principal.userId) await this.sessions.endSessionsOf(id, 'password_reset');
    return this.get(id);
  }

  /** Adds a grant (the caller manages the account and may hand out this grant). */
  async addGrant(id: number, input: RoleGrantInput, access: Access): Promise<User> {
    await this.#user(id);
    const grant = this.#grantToGive(input, '', await this.places.index(), access);
    await this.#reviewerAtItsLevel(grant, '');
    const existing = await this.#repo.grantsOf([id]);
    if (existing.some((g) => sameGrant(g, grant))) throw new ApiError('conflict', {}, { field: 'grant' });
    if (grant.role === STUDENT) {
      const [profile] = await this.#repo.studentProfiles([id]);
      if (existing.some((g) => g.role === STUDENT)) throw invalidField('/role', 'a student belongs to one school');
      if (!profile || profile.schoolId !== grant.schoolId) throw invalidField('/schoolId', "a student grant needs a student profile at that school");
    }
    await this.#repo.insertGrant(id, grant);
    await this.#rolesChanged(id);
    return this.get(id);
  }

  /** Removes a grant the caller could have handed out. The last grant stays: deactivate the account instead. */
  async removeGrant(id: number, grantId: number, access: Access): Promise<User> {
    const grants = await this.#repo.grantsOf([(await this.#user(id)).id]);
    const grant = grants.find((g) => g.id === grantId);
    if (!grant) throw notFound();
    if (!access.canGrant(grant, (await this.places.index()).ofScope(grant))) throw forbidden();
    if (grants.length === 1) throw invalidField('/grantId', 'the last grant of an account: deactivate the account instead');
    await this.#repo.deleteGrant(grantId);
    await this.#rolesChanged(id);
    return this.get(id);
  }

  /**
   * What a user may do changed: her sessions end, so that no open connection keeps acting on the old
   * grants (a live lesson socket holds the grants it joined with).
   */
  async #rolesChanged(id: number): Promise<void> {
    await this.sessions.endSessionsOf(id, 'roles_changed');
  }

  /** CSV import into one school; see ./import.ts. */
  importUsers(body: UserImportBody, access: Access, translate: Translate): Promise<UserImportResult> {
    return importUsers(this.#repo, this.places, body, access, translate);
  }

  /** A city reviewer's scope is a city, a province reviewer's a province: anything else would review the wrong step. */
  async #reviewerAtItsLevel(grant: RoleGrant, path: string): Promise<void> {
    if (grant.role !== 'city_reviewer' && grant.role !== 'province_reviewer') return;
    if (grant.regionId === null || (await this.places.regionLevel(grant.regionId)) !== REVIEWER_LEVEL[grant.role]) {
      throw invalidField(`${path}/regionId`, `a ${grant.role} is granted on a ${REVIEWER_LEVEL[grant.role]}`);
    }
  }

  /** Validates a grant to hand out: scope shape, that the scope exists, and that the caller may grant it. */
  #grantToGive(input: RoleGrantInput, path: string, index: PlaceIndex, access: Access): RoleGrant {
    const check = normaliseGrant(input);
    if (!check.ok) throw invalidField(`${path}/${check.path}`, check.message);
    const { grant } = check;
    if (grant.role === DEVICE) throw invalidField(`${path}/role`, 'classroom devices get their account by pairing');
    const place: OrgPlace | null = ROLE_SCOPE_KIND[grant.role] === 'system' ? null : index.ofScope(grant);
    if (ROLE_SCOPE_KIND[grant.role] !== 'system' && place === null) throw invalidField(path, 'the scope does not exist');
    if (!access.canGrant(grant, place)) throw forbidden();
    return grant;
  }

  /**
   * A student profile may change only on a student's account. Moving her to another school moves her
   * student grant with it, which the caller must be allowed to hand out there; returns that grant to move.
   */
  async #studentProfileChange(id: number, profile: StudentProfile, access: Access): Promise<GrantRow | null> {
    const grant = (await this.#repo.grantsOf([id])).find((g) => g.role === STUDENT);
    if (!grant) throw invalidField('/student', 'only students have a student profile');
    if (grant.schoolId === profile.schoolId) return null;
    const moved: RoleGrant = { ...grant, schoolId: profile.schoolId };
    const place = (await this.places.index()).school(profile.schoolId);
    if (!place) throw invalidField('/student/schoolId', 'no such school');
    if (!access.canGrant(moved, place)) throw forbidden();
    return grant;
  }

  async #user(id: number): Promise<UserRow> {
    const user = await this.#repo.user(id);
    if (!user) throw notFound();
    return user;
  }

  async #views(rows: readonly UserRow[]): Promise<User[]> {
    const ids = rows.map((u) => u.id);
    const grants = groupBy(await this.#repo.grantsWithNames(ids), (g) => g.userId);
    const profiles = new Map((await this.#repo.studentProfiles(ids)).map((p) => [p.userId, p]));
    const now = Date.now();
    return rows.map((u) => {
      const profile = profiles.get(u.id);
      return {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        active: u.active,
        locale: u.locale,
        hasPassword: u.passwordHash !== null,
        lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > now ? u.lockedUntil.toISOString() : null,
        grants: (grants.get(u.id) ?? []).map((g) => ({
          id: g.id,
          role: g.role,
          regionId: g.regionId,
          groupId: g.groupId,
          schoolId: g.schoolId,
          classroomId: g.classroomId,
          scopeName: [g.regionName, g.groupName, g.schoolName, g.classroomName].filter(Boolean).join(' · '),
        })),
        student: profile ? { schoolId: profile.schoolId, grade: profile.grade, className: profile.className, homeDelivery: profile.homeDelivery } : null,
      };
    });
  }
}
