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
 * Each account's open `/lesson` sockets, to refuse one beyond the cap. Checked at the handshake (a clear
 * `connect_error`) and again when the socket is added, since parallel handshakes pass the check together.
 */
export class SocketsPerAccount {
  readonly #open = new Map<number, Set<string>>();

  constructor(readonly limit: number) {}

  full(accountId: number): boolean {
    return (this.#open.get(accountId)?.size ?? 0) >= this.limit;
  }

  /** Records an open socket; false, recording nothing, when the account holds `limit` already. */
  add(accountId: number, socketId: string): boolean {
    if (this.full(accountId)) return false;
    const open = this.#open.get(accountId) ?? new Set<string>();
    this.#open.set(accountId, open.add(socketId));
    return true;
  }

  remove(accountId: number, socketId: string): void {
    const open = this.#open.get(accountId);
    if (!open?.delete(socketId) || open.size > 0) return;
    this.#open.delete(accountId);
  }
}
