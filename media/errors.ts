/** Why the pool could not serve a request. */
export type MediaPoolErrorCode = 'pool-closed' | 'no-worker-alive' | 'lesson-exists';

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
  | 'cannot-consume';

/**
 * Error thrown by {@link LessonMedia} methods for requests that cannot be served. Errors mediasoup
 * raises itself (invalid RTP parameters, a transport closed mid-request) are passed through unchanged.
 */
export class LessonMediaError extends Error {
  readonly code: LessonMediaErrorCode;

  constructor(code: LessonMediaErrorCode, message: string) {
    super(message);
    this.name = 'LessonMediaError';
    this.code = code;
  }
}
