import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pickLocale } from '../../shared/i18n/index.js';
import { ApiError } from '../core/errors.js';
import { can } from '../policy/policy.js';
import type { TongkeApp } from '../core/app-types.js';
import { LOCALE_COOKIE, SESSION_COOKIE } from './principal.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication for every request: reads the session cookie into `request.principal`, picks the caller's
 * language, and refuses every state-changing request without a valid CSRF token (header `x-csrf-token`,
 * from GET /api/auth/csrf). Decorates `requirePrincipal` and `authorize`, which every route uses.
 */
export default fp(
  async function authentication(app: TongkeApp) {
    await app.register(cookie, { secret: app.tongke.config.sessionSecret });
    await app.register(csrf, {
      cookieKey: 'tongke_csrf',
      cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: app.tongke.config.publicUrl.startsWith('https:') },
      getToken: (request: FastifyRequest) => request.headers['x-csrf-token'] as string | undefined,
    });

    app.decorateRequest('principal', null);
    app.decorateRequest('locale', app.tongke.config.locale);

    app.addHook('onRequest', async (request: FastifyRequest) => {
      const token = request.cookies[SESSION_COOKIE];
      request.principal = token ? await app.tongke.accounts.principalFor(token) : null;
      request.locale = pickLocale(request.cookies[LOCALE_COOKIE], request.principal?.locale, request.headers['accept-language'], app.tongke.config.locale);
    });

    // Every state-changing request, whatever its path: deciding by the raw URL let `/%61pi/...` (which the
    // router decodes to `/api/...`) skip the check. Socket.IO's polling POSTs never reach Fastify.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      if (!STATE_CHANGING.has(request.method)) return done();
      app.csrfProtection(request, reply, done);
    });

    app.decorate('requirePrincipal', (request: FastifyRequest) => {
      if (!request.principal) throw new ApiError('unauthenticated');
      return request.principal;
    });

    app.decorate('authorize', (request: FastifyRequest, action, target) => {
      const principal = app.requirePrincipal(request);
      if (!can(principal, action, target)) throw new ApiError('forbidden');
      return principal;
    });
  },
  { name: 'authentication', dependencies: ['tongke-context'] },
);
