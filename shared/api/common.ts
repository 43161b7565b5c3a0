import { Type, type Static } from 'typebox';
import { ERROR_CODES } from '../errors.js';

/** Body of every failed response (see shared/errors.ts). */
export const ApiErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.Enum(ERROR_CODES),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});

/** Error responses every route may give; spread into a route's `response` schema. */
export const ERROR_RESPONSES = {
  400: ApiErrorSchema,
  401: ApiErrorSchema,
  403: ApiErrorSchema,
  404: ApiErrorSchema,
  409: ApiErrorSchema,
  410: ApiErrorSchema,
  423: ApiErrorSchema,
  429: ApiErrorSchema,
  500: ApiErrorSchema,
} as const;

/**
 * A row id: what the stores' integer keys hold (PostgreSQL's integer stops at 2^31 − 1). A larger number is a
 * bad request, not a lookup that fails inside the database.
 */
export const RowId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const IdParams = Type.Object({ id: RowId });
export type IdParams = Static<typeof IdParams>;

export const OkResponse = Type.Object({ ok: Type.Literal(true) });

/** A short human-entered text: trimmed length bounds are checked by the schema. */
export const Name = (maxLength = 100) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
