import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../../shared/errors.js';

/**
 * Whether a `/lesson` handshake may come from the page that opened it. A browser always sends `Origin` on a
 * WebSocket upgrade and on a cross-origin request, so a page on another site (which would ride on the
 * user's session cookie) is recognised by it. Allowed: the configured public URL's origin and the origin of
 * the host the request came to (same-host pages, and Vite's dev proxy which keeps the Host header).
 * No `Origin` at all is not a browser on another site (devices' own clients, tests, same-origin polling).
 */
export function originAllowed(headers: IncomingHttpHeaders, publicUrl: string): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.origin === new URL(publicUrl).origin) return true;
    host = url.host;
  } catch {
    // `Origin: null` (sandboxed frames, file pages) and garbage are not our pages.
    return false;
  }
  return headers.host !== undefined && host === headers.host.toLowerCase();
}

/** A refusal at the handshake: the client's `connect_error` carries the code as its message and the text in `data`. */
export function handshakeError(code: ErrorCode, message: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * Each account's open `/lesson` sockets, oldest first. A new socket beyond the limit closes the oldest
 * rather than being refused: on a flapping village link the old sockets linger until their ping times out
 * while the page reconnects, and refusing would lock the classroom out of its lesson. The page treats a
 * server-closed socket as "this account joined from another window" (as when a second tab takes over).
 */
export class SocketsPerAccount {
  readonly #open = new Map<number, Map<string, () => void>>();

  constructor(readonly limit: number) {}

  /** Records a new socket and closes the account's oldest ones beyond the limit. */
  add(accountId: number, socketId: string, close: () => void): void {
    const open = this.#open.get(accountId) ?? new Map<string, () => void>();
    this.#open.set(accountId, open.set(socketId, close));
    for (const [oldest, closeOldest] of open) {
      if (open.size <= this.limit) break;
      open.delete(oldest);
      closeOldest();
    }
  }

  remove(accountId: number, socketId: string): void {
    const open = this.#open.get(accountId);
    if (!open?.delete(socketId) || open.size > 0) return;
    this.#open.delete(accountId);
  }

  /** How many sockets the account holds. */
  count(accountId: number): number {
    return this.#open.get(accountId)?.size ?? 0;
  }
}
