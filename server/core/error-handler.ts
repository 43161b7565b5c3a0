import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/errors.js';
import type { TongkeApp } from './app-types.js';
import { ApiError } from './errors.js';
import { describeRuleProblem, describeSchemaErrors } from './validation-messages.js';

/**
 * The one error handler: every failure leaves as `{ error: { code, message, details? } }` with the
 * message in the caller's language. Unexpected errors are logged with the request and reported as
 * `internal` without their text.
 */
export function installErrorHandler(app: TongkeApp): void {
  const send = (request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, params: Record<string, unknown> = {}, details?: unknown) =>
    reply.status(status).send({ error: { code, message: app.tongke.translate(request.locale, `error.${code}`, params), ...(details === undefined ? {} : { details }) } });

  /**
   * `invalidField`'s problems carry an English reason for developers; the user reads it in her language.
   * A problem that only names its field (`{ path }`) is the error's own message, shown beside that field.
   */
  const localDetails = (error: ApiError, request: FastifyRequest): unknown =>
    Array.isArray(error.details)
      ? error.details.map((d: unknown) => {
          if (isRuleProblem(d)) return describeRuleProblem(d.path, d.message, request.locale, app.tongke.translate);
          if (isFieldOnly(d)) return { path: d.path, message: app.tongke.translate(request.locale, `error.${error.code}`, error.params) };
          return d;
        })
      : error.details;

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return send(request, reply, error.statusCode, error.code, error.params, localDetails(error, request));
    if ('validation' in error && error.validation) {
      // Per field, in the caller's language and naming the field by its label (never Ajv's English or a regex).
      const details = describeSchemaErrors(error.validation, request.locale, app.tongke.translate);
      return send(request, reply, 400, 'bad_request', {}, details);
    }
    const status = error.statusCode ?? 500;
    if (error.code?.startsWith('FST_CSRF')) return send(request, reply, 403, 'csrf_invalid');
    if (status === 429) return send(request, reply, 429, 'rate_limited', { seconds: Number(reply.getHeader('retry-after') ?? 60) });
    if (status >= 400 && status < 500) return send(request, reply, status, status === 404 ? 'not_found' : 'bad_request');
    request.log.error({ err: error }, 'request failed');
    return send(request, reply, 500, 'internal');
  });
}

function isRuleProblem(detail: unknown): detail is { path: string; message: string } {
  return typeof detail === 'object' && detail !== null && 'path' in detail && typeof detail.path === 'string' && 'message' in detail && typeof detail.message === 'string';
}

function isFieldOnly(detail: unknown): detail is { path: string } {
  return typeof detail === 'object' && detail !== null && 'path' in detail && typeof detail.path === 'string' && !('message' in detail);
}
