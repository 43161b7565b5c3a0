import { ERROR_CODES, type ErrorCode } from '../../shared/errors.js';

/** Client-side failures that never reach the server get a code of their own. */
export type ClientErrorCode = ErrorCode | 'network';

/** A failed API call: the server's code, its message (already in the user's language) and any details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Reports upload progress (0…1); the request then goes through XMLHttpRequest, which can report it. */
  onUploadProgress?: (fraction: number) => void;
  /** The request outlives the page (a last report sent on `pagehide`). */
  keepalive?: boolean;
}

export interface ApiClientOptions {
  /** Texts for failures the server could not describe (no connection, a non-JSON answer). */
  describe: (code: 'network' | 'internal') => string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RawResponse {
  status: number;
  text: string;
}

/**
 * JSON over fetch with the session cookie and the CSRF header on every state-changing call. Failures are
 * thrown as `ApiError`; a call refused as `unauthenticated` also tells the `onUnauthenticated` listener,
 * and a stale CSRF token is refreshed and the call retried once.
 */
export class ApiClient {
  #csrfToken: string | null = null;
  #onUnauthenticated: (() => void) | null = null;
  readonly #describe: ApiClientOptions['describe'];

  constructor(options: ApiClientOptions) {
    this.#describe = options.describe;
  }

  /** Called when the server says the session is gone (the session manager sends the user to /login). */
  set onUnauthenticated(listener: (() => void) | null) {
    this.#onUnauthenticated = listener;
  }

  /** Fetches a fresh CSRF token; call at start and after signing in or out. */
  async refreshCsrf(): Promise<void> {
    const { token } = await this.request<{ token: string }>('GET', '/api/auth/csrf');
    this.#csrfToken = token;
  }

  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return this.request<T>('GET', path, { query });
  }
  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}, retried = false): Promise<T> {
    const url = path + queryString(options.query);
    const headers: Record<string, string> = { accept: 'application/json' };
    // A Blob (a picked file) goes as its raw bytes: a large upload as base64 JSON would be a third larger.
    const raw = options.body instanceof Blob;
    if (options.body !== undefined) headers['content-type'] = raw ? 'application/octet-stream' : 'application/json';
    if (method !== 'GET') {
      if (this.#csrfToken === null) await this.refreshCsrf();
      if (this.#csrfToken !== null) headers['x-csrf-token'] = this.#csrfToken;
    }
    const body = options.body === undefined ? undefined : raw ? (options.body as Blob) : JSON.stringify(options.body);

    let response: RawResponse;
    try {
      response = options.onUploadProgress
        ? await sendWithProgress(method, url, headers, body, options.onUploadProgress)
        : await sendWithFetch(method, url, headers, body, options.keepalive ?? false);
    } catch (cause) {
      console.error(`${method} ${path} did not reach the server`, cause);
      throw new ApiError(0, 'network', this.#describe('network'));
    }

    const payload = parseJson(response.text);
    if (response.status >= 200 && response.status < 300) return payload as T;

    const error = this.#toError(response.status, payload);
    if (error.code === 'csrf_invalid' && !retried) {
      await this.refreshCsrf();
      return this.request<T>(method, path, options, true);
    }
    if (error.code === 'unauthenticated') this.#onUnauthenticated?.();
    throw error;
  }

  #toError(status: number, payload: unknown): ApiError {
    if (isErrorBody(payload)) return new ApiError(status, payload.error.code, payload.error.message, payload.error.details);
    return new ApiError(status, 'internal', this.#describe('internal'));
  }
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function sendWithFetch(method: Method, url: string, headers: Record<string, string>, body: string | Blob | undefined, keepalive: boolean): Promise<RawResponse> {
  const response = await fetch(url, { method, headers, body, credentials: 'same-origin', keepalive });
  return { status: response.status, text: await response.text() };
}

function sendWithProgress(
  method: Method,
  url: string,
  headers: Record<string, string>,
  body: string | Blob | undefined,
  onProgress: (fraction: number) => void,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      onProgress(1);
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => reject(new Error('network error'));
    xhr.onabort = () => reject(new Error('request aborted'));
    xhr.send(body ?? null);
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A non-JSON body (a proxy's HTML error page) has nothing we can show; the status decides.
    return undefined;
  }
}

function isErrorBody(value: unknown): value is { error: { code: ErrorCode; message: string; details?: unknown } } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  if (typeof error !== 'object' || error === null || !('code' in error) || !('message' in error)) return false;
  return typeof error.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(error.code);
}
