import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../core/errors.js';
import { conflictOnDuplicate } from '../core/constraints.js';
import { hashPassword } from './passwords.js';
import type { AccountsRepository } from './repository.js';
import { isDeviceUsername } from './usernames.js';

/** Whether the HTTP listen address is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/** What the first-run state of this instance means to a visitor (GET /api/instance). */
export interface InstanceStatus {
  /** Accounts with the published demo password exist and the server listens beyond this machine. */
  demoWarning: boolean;
  /** No system administrator exists yet: /setup (with the token from the log) creates the first. */
  setupRequired: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * The first system administrator of an empty instance. While none exists, the server prints a random
 * one-time token to its log at start; whoever can read the log (the operator) creates the administrator with
 * it on /setup. The token is held only in memory, is used once, and stops working as soon as any system
 * administrator exists (made with it, or with `npm run admin:create`).
 */
export class FirstAdminSetup {
  #tokenHash: Buffer | null = null;

  constructor(
    private readonly repo: AccountsRepository,
    private readonly host: string,
  ) {}

  async status(): Promise<InstanceStatus> {
    return { demoWarning: (await this.repo.demoAccountsActive()) && !isLoopbackHost(this.host), setupRequired: !(await this.repo.systemAdminExists()) };
  }

  /** A fresh token to print, or null when a system administrator exists already. Replaces any earlier one. */
  async issueToken(): Promise<string | null> {
    if (await this.repo.systemAdminExists()) {
      this.#tokenHash = null;
      return null;
    }
    const token = randomBytes(24).toString('base64url');
    this.#tokenHash = sha256(token);
    return token;
  }

  /** Creates the first system administrator with the printed token; the token is spent either way it succeeds. */
  async createFirstAdmin(token: string, account: { username: string; displayName: string; password: string }): Promise<number> {
    if (!(await this.#tokenMatches(token))) throw new ApiError('setup_token_invalid');
    if (isDeviceUsername(account.username)) throw new ApiError('username_reserved');
    const passwordHash = await hashPassword(account.password);
    // Checked again after the (slow) hash, and spent before the next await: two requests with the token must
    // not both get through.
    if (!this.#sameToken(token)) throw new ApiError('setup_token_invalid');
    this.#tokenHash = null;
    if (await this.repo.systemAdminExists()) throw new ApiError('setup_token_invalid');
    return conflictOnDuplicate('username', () =>
      this.repo.createSystemAdmin({ username: account.username.trim(), displayName: account.displayName.trim(), passwordHash }),
    );
  }

  async #tokenMatches(token: string): Promise<boolean> {
    return this.#sameToken(token) && !(await this.repo.systemAdminExists());
  }

  #sameToken(token: string): boolean {
    return this.#tokenHash !== null && timingSafeEqual(this.#tokenHash, sha256(token));
  }
}
