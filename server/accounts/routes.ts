import type { FastifyReply } from 'fastify';
import { ERROR_RESPONSES, IdParams, OkResponse } from '../../shared/api/common.js';
import {
  CsrfResponse,
  LocaleBody,
  LoginBody,
  MeResponse,
  PairBody,
  PairingCodeResponse,
  StudentLinkBody,
  StudentLinkCreateBody,
  StudentLinkList,
  StudentLinkParams,
  StudentLinkResponse,
} from '../../shared/api/auth.js';
import firstRunRoutes from './first-run-routes.js';
import type { TongkeApp } from '../core/app-types.js';
import { ApiError } from '../core/errors.js';
import { capabilitiesOf } from '../policy/capabilities.js';
import { LOCALE_COOKIE, SESSION_COOKIE, type AuthenticatedPrincipal } from './principal.js';
import type { NewSession } from './service.js';

/** Sign-in, sign-out, who-am-I, CSRF token, device pairing and student links. */
export default async function accountsRoutes(app: TongkeApp) {
  const { accounts, places, config } = app.tongke;
  const secure = config.publicUrl.startsWith('https:');
  await app.register(firstRunRoutes);

  const setSessionCookie = (reply: FastifyReply, session: NewSession) =>
    reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: session.expiresAt });

  const me = async (principal: AuthenticatedPrincipal) => ({
    user: { id: principal.userId, username: principal.username, displayName: principal.displayName, locale: principal.locale },
    grants: (await accounts.grantViewsOf(principal.userId)).map((g) => ({
      id: g.id,
      role: g.role,
      regionId: g.regionId,
      groupId: g.groupId,
      schoolId: g.schoolId,
      classroomId: g.classroomId,
      scopeName: [g.regionName, g.groupName, g.schoolName, g.classroomName].filter(Boolean).join(' · '),
    })),
    sessionKind: principal.sessionKind,
    courseOnly: principal.courseOnly,
    can: capabilitiesOf(principal),
  });

  app.get('/api/auth/csrf', { schema: { tags: ['auth'], response: { 200: CsrfResponse } } }, async (_request, reply) => ({
    token: reply.generateCsrf(),
  }));

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: config.loginRateLimit, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], body: LoginBody, response: { 200: MeResponse, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const session = await accounts.login(request.body.username, request.body.password, request.headers['user-agent'] ?? null);
      setSessionCookie(reply, session);
      const principal = await accounts.principalFor(session.token);
      if (!principal) throw new ApiError('internal');
      return me(principal);
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], response: { 200: OkResponse, ...ERROR_RESPONSES } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await accounts.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], response: { 200: MeResponse, ...ERROR_RESPONSES } } }, async (request) =>
    me(app.requirePrincipal(request)),
  );

  app.put('/api/auth/locale', { schema: { tags: ['auth'], body: LocaleBody, response: { 200: OkResponse, ...ERROR_RESPONSES } } }, async (request, reply) => {
    // Anyone may switch language; a signed-in user keeps the choice on her account.
    if (request.principal) await accounts.setLocale(request.principal.userId, request.body.locale);
    reply.setCookie(LOCALE_COOKIE, request.body.locale, { path: '/', sameSite: 'lax', secure, maxAge: 365 * 24 * 3600 });
    return { ok: true as const };
  });

  app.post(
    '/api/auth/pair',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], body: PairBody, response: { 200: MeResponse, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const session = await accounts.pairDevice(request.body.code, request.headers['user-agent'] ?? null);
      setSessionCookie(reply, session);
      const principal = await accounts.principalFor(session.token);
      if (!principal) throw new ApiError('internal');
      return me(principal);
    },
  );

  app.post(
    '/api/auth/student-link',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], body: StudentLinkBody, response: { 200: MeResponse, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const isEnrolled = (studentId: number, courseId: number) => places.isEnrolled(studentId, courseId);
      const session = await accounts.redeemStudentLink(request.body.token, isEnrolled, request.headers['user-agent'] ?? null);
      setSessionCookie(reply, session);
      const principal = await accounts.principalFor(session.token);
      if (!principal) throw new ApiError('internal');
      return me(principal);
    },
  );

  app.post(
    '/api/classrooms/:id/pairing-code',
    { schema: { tags: ['organisation'], params: IdParams, response: { 200: PairingCodeResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const principal = app.authorize(request, 'classroom.pair', { kind: 'classroom', place: await places.classroom(request.params.id) });
      const { code, expiresAt } = await accounts.createPairingCode(request.params.id, principal.userId);
      return { code, expiresAt: expiresAt.toISOString() };
    },
  );

  app.delete(
    '/api/classrooms/:id/device',
    { schema: { tags: ['organisation'], params: IdParams, response: { 200: OkResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      app.authorize(request, 'classroom.pair', { kind: 'classroom', place: await places.classroom(request.params.id) });
      await accounts.unpairDevice(request.params.id);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/courses/:id/student-links',
    { schema: { tags: ['teaching'], params: IdParams, body: StudentLinkCreateBody, response: { 200: StudentLinkResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const course = await places.course(request.params.id);
      const principal = app.authorize(request, 'course.invite_student', { kind: 'course', course });
      if (!course.studentIds.includes(request.body.studentId)) throw new ApiError('bad_request');
      const { token, expiresAt } = await accounts.createStudentLink(request.body.studentId, course.id, request.body.validDays, principal.userId);
      // The token rides in the fragment: browsers never send it, so it cannot reach an access log.
      return { url: `${config.publicUrl}/join#t=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/courses/:id/student-links',
    { schema: { tags: ['teaching'], params: IdParams, response: { 200: StudentLinkList, ...ERROR_RESPONSES } } },
    async (request) => {
      const course = await places.course(request.params.id);
      app.authorize(request, 'course.invite_student', { kind: 'course', course });
      const iso = (date: Date | null) => date?.toISOString() ?? null;
      return {
        links: (await accounts.studentLinksOf(course.id)).map((l) => ({
          ...l,
          issuedAt: l.issuedAt.toISOString(),
          expiresAt: l.expiresAt.toISOString(),
          revokedAt: iso(l.revokedAt),
        })),
      };
    },
  );

  app.delete(
    '/api/courses/:id/student-links/:linkId',
    { schema: { tags: ['teaching'], params: StudentLinkParams, response: { 200: OkResponse, ...ERROR_RESPONSES } } },
    async (request) => {
      const course = await places.course(request.params.id);
      app.authorize(request, 'course.invite_student', { kind: 'course', course });
      await accounts.revokeStudentLink(course.id, request.params.linkId);
      return { ok: true as const };
    },
  );
}

