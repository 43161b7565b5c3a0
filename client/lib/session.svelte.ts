import type { MeResponse, RoleGrantView, Capabilities } from '../../shared/api/auth.js';
import type { Locale } from '../../shared/i18n/index.js';
import { ADMIN_ROLES, type Role } from '../../shared/roles.js';
import { ApiError, type ApiClient } from './api.js';
import type { TongkeApi } from './endpoints.js';
import type { I18n } from './i18n.svelte.js';

/** Which home a role gets. */
export type HomeKind = 'admin' | 'reviewer' | 'teacher' | 'researcher' | 'assistant' | 'classroom' | 'student';

/** Most senior first: the main view is the first the user holds. */
const ROLE_SENIORITY: readonly Role[] = [
  'system_admin',
  'region_admin',
  'group_admin',
  'school_admin',
  'province_reviewer',
  'city_reviewer',
  'teacher',
  'researcher',
  'assistant_teacher',
  'classroom_device',
  'student',
];

const HOME_OF_ROLE: Record<Role, HomeKind> = {
  system_admin: 'admin',
  region_admin: 'admin',
  group_admin: 'admin',
  school_admin: 'admin',
  teacher: 'teacher',
  assistant_teacher: 'assistant',
  classroom_device: 'classroom',
  student: 'student',
  city_reviewer: 'reviewer',
  province_reviewer: 'reviewer',
  // 教研员: observes the region's lessons (听课); her home lists what she may observe now.
  researcher: 'researcher',
};

/** Where the user is sent when the server says the session is gone. */
export interface SessionNavigation {
  toLogin(): void;
}

/**
 * Who is signed in, and the ways to sign in and out. Holds the chosen home view when a user has grants
 * of several kinds (a teacher who is also a school administrator).
 */
export class SessionManager {
  #me = $state<MeResponse | null>(null);
  #loaded = $state(false);
  #chosenHome = $state<HomeKind | null>(null);
  readonly #api: TongkeApi;
  readonly #http: ApiClient;
  readonly #i18n: I18n;

  constructor(api: TongkeApi, http: ApiClient, i18n: I18n, navigation: SessionNavigation) {
    this.#api = api;
    this.#http = http;
    this.#i18n = i18n;
    http.onUnauthenticated = () => {
      if (this.#me === null) return;
      this.#me = null;
      navigation.toLogin();
    };
  }

  get me(): MeResponse | null {
    return this.#me;
  }
  /** The first `load()` has finished: the app knows whether anyone is signed in. */
  get loaded(): boolean {
    return this.#loaded;
  }
  get isSignedIn(): boolean {
    return this.#me !== null;
  }
  get displayName(): string {
    return this.#me?.user.displayName ?? '';
  }
  get grants(): RoleGrantView[] {
    return this.#me?.grants ?? [];
  }
  /** The roles held, most senior first. */
  get roles(): Role[] {
    const held = new Set(this.grants.map((grant) => grant.role));
    return ROLE_SENIORITY.filter((role) => held.has(role));
  }
  /** The home views this user may switch between, most senior first. */
  get homeKinds(): HomeKind[] {
    return [...new Set(this.roles.map((role) => HOME_OF_ROLE[role]))];
  }
  /** The home shown: the chosen one, else the most senior; null when the account has no role. */
  get homeKind(): HomeKind | null {
    const kinds = this.homeKinds;
    return this.#chosenHome && kinds.includes(this.#chosenHome) ? this.#chosenHome : (kinds[0] ?? null);
  }
  /** What the server's policy lets this user create (GET /api/auth/me `can`): the pages offer only these. */
  get can(): Capabilities {
    return this.#me?.can ?? { createRegion: false, createGroup: false, createSchool: false, manageSchool: false, createClassroom: false };
  }
  get isAdmin(): boolean {
    return this.roles.some((role) => (ADMIN_ROLES as readonly Role[]).includes(role));
  }
  get isDevice(): boolean {
    return this.#me?.sessionKind === 'device';
  }
  /** Student-link sessions reach this course only. */
  get courseOnly(): number | null {
    return this.#me?.courseOnly ?? null;
  }
  /** The role a home view stands for, most senior first (e.g. `region_admin` for 'admin'). */
  roleFor(kind: HomeKind): Role | null {
    return this.roles.find((role) => HOME_OF_ROLE[role] === kind) ?? null;
  }
  grantsFor(kind: HomeKind): RoleGrantView[] {
    return this.grants.filter((grant) => HOME_OF_ROLE[grant.role] === kind);
  }

  chooseHome(kind: HomeKind): void {
    this.#chosenHome = kind;
  }

  /** Finds out who is signed in (once at start). */
  async load(): Promise<void> {
    try {
      await this.#http.refreshCsrf();
      this.#signedIn(await this.#api.me());
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'unauthenticated')) throw error;
      this.#me = null;
    } finally {
      this.#loaded = true;
    }
  }

  async login(username: string, password: string): Promise<void> {
    this.#signedIn(await this.#api.login(username, password));
    await this.#http.refreshCsrf();
  }

  /** A receiving classroom's device signs in with the code an administrator was shown. */
  async pair(code: string): Promise<void> {
    this.#signedIn(await this.#api.pair(code));
    await this.#http.refreshCsrf();
  }

  /** A home-bound student signs in with the link her teacher sent. */
  async redeemLink(token: string): Promise<void> {
    this.#signedIn(await this.#api.redeemStudentLink(token));
    await this.#http.refreshCsrf();
  }

  async logout(): Promise<void> {
    await this.#api.logout();
    this.#me = null;
    this.#chosenHome = null;
    await this.#http.refreshCsrf();
  }

  /** Switches the language at once and tells the server (which keeps it on the account and in a cookie). */
  async setLocale(locale: Locale): Promise<void> {
    this.#i18n.setLocale(locale);
    await this.#api.setLocale(locale);
  }

  #signedIn(me: MeResponse): void {
    this.#me = me;
    this.#chosenHome = null;
    // The account's language applies unless this browser already chose one (the server does the same).
    if (me.user.locale && !document.cookie.includes('tongke_locale=')) this.#i18n.setLocale(me.user.locale);
  }
}
