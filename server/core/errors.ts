import type { ErrorCode } from '../../shared/errors.js';
import { ERROR_STATUS } from '../../shared/errors.js';

/**
 * An error meant for the caller: a code from the shared contract, interpolation values for its message,
 * and optional details (e.g. per-row import errors). Anything else that escapes a handler is `internal`.
 */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'ApiError';
    this.statusCode = ERROR_STATUS[code];
  }
}

export const notFound = (): ApiError => new ApiError('not_found');
export const forbidden = (): ApiError => new ApiError('forbidden');
