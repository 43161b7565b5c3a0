import type { RoleGrantInput, User, UserCreate, UserImportResult, UserList, UserUpdate, UserCreated } from '../../../shared/api/people.js';
import type { Role } from '../../../shared/roles.js';
import { ApiError } from '../api.js';
import type { TongkeApi } from '../endpoints.js';

export interface UserFilterState {
  schoolId: number | null;
  role: Role | null;
  q: string;
}

/** The roles an administrator hands out here; classroom devices get their account by pairing. */
export const GRANTABLE_ROLES: readonly Role[] = ['teacher', 'assistant_teacher', 'student', 'researcher', 'school_admin', 'group_admin', 'region_admin', 'city_reviewer', 'province_reviewer', 'system_admin'];

/** One line of a rejected CSV import. */
export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}

function isImportProblems(details: unknown): details is ImportProblem[] {
  return (
    Array.isArray(details) &&
    details.every((d: unknown) => typeof d === 'object' && d !== null && 'line' in d && typeof d.line === 'number' && 'message' in d && typeof d.message === 'string')
  );
}

/** The users list behind the admin page: filters, paging, and the changes made from it. */
export class UsersManager {
  readonly pageSize = 50;
  #filter = $state<UserFilterState>({ schoolId: null, role: null, q: '' });
  #page = $state(0);
  #list = $state<UserList | null>(null);
  #loading = $state(false);
  #error = $state<ApiError | null>(null);
  #request = 0;
  readonly #api: TongkeApi;

  constructor(api: TongkeApi) {
    this.#api = api;
  }

  get filter(): UserFilterState {
    return this.#filter;
  }
  get users(): User[] {
    return this.#list?.users ?? [];
  }
  get total(): number {
    return this.#list?.total ?? 0;
  }
  get page(): number {
    return this.#page;
  }
  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.pageSize));
  }
  get loading(): boolean {
    return this.#loading;
  }
  get loaded(): boolean {
    return this.#list !== null;
  }
  get error(): ApiError | null {
    return this.#error;
  }

  setFilter(change: Partial<UserFilterState>): Promise<void> {
    this.#filter = { ...this.#filter, ...change };
    this.#page = 0;
    return this.load();
  }

  setPage(page: number): Promise<void> {
    this.#page = Math.min(Math.max(0, page), this.pages - 1);
    return this.load();
  }

  /** Loads the current page; an answer that arrives after a newer request is dropped (fast typing). */
  async load(): Promise<void> {
    const request = ++this.#request;
    this.#loading = true;
    try {
      const { schoolId, role, q } = this.#filter;
      const list = await this.#api.users({
        schoolId: schoolId ?? undefined,
        role: role ?? undefined,
        q: q.trim() || undefined,
        limit: this.pageSize,
        offset: this.#page * this.pageSize,
      });
      if (request !== this.#request) return;
      this.#list = list;
      this.#error = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (request === this.#request) this.#error = error;
    } finally {
      if (request === this.#request) this.#loading = false;
    }
  }

  /** The created account; `initialPassword` when the server generated one (shown once). */
  async create(body: UserCreate): Promise<UserCreated> {
    const user = await this.#api.createUser(body);
    await this.load();
    return user;
  }

  async update(id: number, body: UserUpdate): Promise<User> {
    const user = await this.#api.updateUser(id, body);
    await this.load();
    return user;
  }

  async addGrant(userId: number, grant: RoleGrantInput): Promise<User> {
    const user = await this.#api.addGrant(userId, grant);
    await this.load();
    return user;
  }

  async removeGrant(userId: number, grantId: number): Promise<User> {
    const user = await this.#api.removeGrant(userId, grantId);
    await this.load();
    return user;
  }

  /**
   * Checks (dryRun) or imports a CSV into one school. A rejected file comes back as its problems, whether
   * the server lists them in the result or refuses with `import_invalid`.
   */
  /** Imports (or with dryRun checks) a user list; `file` is its bytes in base64 (CSV in any supported encoding, or XLSX). */
  async importFile(schoolId: number, file: string, dryRun: boolean, onProgress: (fraction: number) => void): Promise<UserImportResult> {
    try {
      const result = await this.#api.importUsers(schoolId, file, dryRun, onProgress);
      if (!dryRun) await this.load();
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'import_invalid' && isImportProblems(error.details)) {
        return { imported: 0, dryRun, errors: error.details, withoutPassword: [], notices: [] };
      }
      throw error;
    }
  }
}

/** A readable random password for an administrator to hand out (no 0/O, 1/l/I). */
export function generatePassword(length = 12): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint32Array(length));
  return Array.from(bytes, (n) => alphabet[n % alphabet.length]).join('');
}
