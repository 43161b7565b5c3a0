/** Why the pool could not serve a request. */
export type MediaPoolErrorCode =
  | 'pool-closed'
  | 'no-worker-alive'
  | 'lesson-exists'
  /** A network probe over TCP was asked of workers that do not accept ICE over TCP. */
  | 'tcp-disabled';

/** Error thrown by {@link MediaWorkerPool} methods, with a machine-readable `code`. */
export class MediaPoolError extends Error {
  readonly code: MediaPoolErrorCode;

  constructor(code: MediaPoolErrorCode, message: string) {
    super(message);
    this.name = 'MediaPoolError';
    this.code = code;
  }
}

/**
 * Why a lesson's media request was refused. The `unknown-*` codes mean the id does not exist *for that
 * participant* (it may belong to someone else), so the gateway can answer `not_found`; the rest are
 * requests that contradict the participant's state (`bad_request` / `conflict`).
 */
export type LessonMediaErrorCode =
  | 'lesson-closed'
  | 'unknown-participant'
  | 'unknown-transport'
  | 'unknown-producer'
  | 'unknown-consumer'
  | 'wrong-direction'
  | 'kind-mismatch'
  | 'duplicate-source'
  | 'cannot-consume'
  | 'invalid-parameters'
  | 'already-connected';

/**
 * Error thrown by {@link LessonMedia} methods (and the parameter checks) for requests that cannot be
 * served. mediasoup's own refusals of what a browser sent (TypeError, UnsupportedError) are turned into
 * `invalid-parameters` at the call that passed them, so anything else escaping media/ is a real fault.
 */
export class LessonMediaError extends Error {
  readonly code: LessonMediaErrorCode;

  constructor(code: LessonMediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LessonMediaError';
    this.code = code;
  }
}

/**
 * Runs a mediasoup call that carries parameters from the browser: mediasoup refuses malformed ones with
 * TypeError (its own validation and the worker's) or UnsupportedError (no common codec), which are the
 * caller's fault and become `invalid-parameters`. Only wrap such calls, so that our own bugs stay bugs.
 */
export async function refusingInvalid<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
      throw new LessonMediaError('invalid-parameters', `${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
