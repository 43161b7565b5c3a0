import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../shared/errors.js';
import type { TongkeApp } from './app-types.js';
import { ApiError } from './errors.js';

/**
 * The one error handler: every failure leaves as `{ error: { code, message, details? } }` with the
 * message in the caller's language. Unexpected errors are logged with the request and reported as
 * `internal` without their text.
 */
export function installErrorHandler(app: TongkeApp): void {
  const send = (request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, params: Record<string, unknown> = {}, details?: unknown) =>
    reply.status(status).send({ error: { code, message: app.tongke.translate(request.locale, `error.${code}`, params), ...(details === undefined ? {} : { details }) } });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return send(request, reply, error.statusCode, error.code, error.params, error.details);
    if ('validation' in error && error.validation) {
      const details = error.validation.map((v) => ({ path: v.instancePath || (v.params as { missingProperty?: string })?.missingProperty || '', message: v.message }));
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
