import { ApiError } from './errors.js';

/** SQLite's codes for a duplicate key, and PostgreSQL's SQLSTATE unique_violation. */
const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** Is this (possibly wrapped by drizzle) error the store refusing a duplicate key? */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string' && UNIQUE_CODES.has(e.code)) return true;
  }
  return false;
}

/**
 * Runs a write and turns a unique-key clash into `409 conflict` naming the field the caller chose. The
 * unique indexes are the truth (no check-then-insert race); any other error is rethrown untouched.
 */
export async function conflictOnDuplicate<T>(field: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('conflict', {}, { field });
    throw error;
  }
}

/** A `400 bad_request` that says which field of the body is wrong and why (English, for developers). */
export function invalidField(path: string, message: string): ApiError {
  return new ApiError('bad_request', {}, [{ path, message }]);
}

/** A `400 range_too_long`: the date range at `path` spans more than `maxDays` (the message says the bound). */
export function rangeTooLong(path: string, maxDays: number): ApiError {
  return new ApiError('range_too_long', { maxDays }, [{ path, message: `at most ${maxDays} days` }]);
}

/** Is "YYYY-MM-DD" a real calendar day (the schema only checks the shape)? */
export function isCalendarDate(date: string): boolean {
  const time = Date.parse(`${date}T00:00:00.000Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === date;
}
