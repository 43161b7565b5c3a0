import { Server, type Socket } from 'socket.io';
import { Compile } from 'typebox/compile';
import { pickLocale } from '../../shared/i18n/index.js';
import { LESSON_REQUESTS, type Ack, type LessonClientToServer, type LessonRequestName, type LessonServerToClient } from '../../shared/lesson/protocol.js';
import type { TongkeApp } from '../core/app-types.js';
import { ApiError } from '../core/errors.js';
import { SESSION_COOKIE, LOCALE_COOKIE, type AuthenticatedPrincipal } from '../accounts/principal.js';
import { IN_LESSON_HANDLERS, type HandlerContext, type JoinedContext, type LessonHandlerTable } from './handlers.js';
import { participantIdentity } from './identity.js';
import { can } from '../policy/policy.js';
import { assertRtpCapabilities } from '../../media/index.js';
import type { LessonRegistry } from './registry.js';
import type { LessonsRepository } from './repository.js';
import type { SiteChannel } from './running-lesson.js';
import { endRevokedSockets } from './revocation.js';

type LessonSocket = Socket<LessonClientToServer, LessonServerToClient, Record<string, never>, { principal: AuthenticatedPrincipal; locale: string; channel?: SiteChannel }>;

const VALIDATORS = Object.fromEntries(Object.entries(LESSON_REQUESTS).map(([name, spec]) => [name, Compile(spec.payload)])) as {
  [K in LessonRequestName]: ReturnType<typeof Compile>;
};

/**
 * The Socket.IO gateway of live lessons (namespace `/lesson`). Authenticates the handshake from the
 * session cookie, and runs every request through one wrapper: validate the payload against the shared
 * schema → check the caller is joined (and the lead teacher, where it moderates) → run → ack
 * `{ ok, data | error }`. A bad request changes nothing and leaves the connection healthy.
 */
export function attachLessonGateway(app: TongkeApp, registry: LessonRegistry, repo: LessonsRepository): Server {
  const io = new Server(app.server, { path: '/socket.io', serveClient: false, pingInterval: 5_000, pingTimeout: 5_000, maxHttpBufferSize: 256 * 1024 });
  const namespace = io.of('/lesson');
  const { accounts, places, translate, config } = app.tongke;
  const iceServers = config.turnUrls
    ? [{ urls: config.turnUrls.split(',').map((u) => u.trim()).filter(Boolean), ...(config.turnUsername ? { username: config.turnUsername, credential: config.turnCredential } : {}) }]
    : [];

  namespace.use((socket: LessonSocket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    const token = cookies[SESSION_COOKIE];
    const principal = token ? accounts.principalFor(token) : null;
    if (!principal) return next(new Error('unauthenticated'));
    socket.data.principal = principal;
    socket.data.locale = pickLocale(cookies[LOCALE_COOKIE], principal.locale, socket.request.headers['accept-language'], config.locale);
    next();
  });

  const handlers: Omit<LessonHandlerTable, 'lesson:join'> = {
    ...IN_LESSON_HANDLERS,
    'lesson:start': {
      access: 'open',
      run: async ({ principal }, { courseId, scheduledLessonId }) => {
        if (!can(principal, 'course.teach', { kind: 'course', course: places.course(courseId) })) throw new ApiError('forbidden');
        if (scheduledLessonId !== undefined && !repo.scheduledLessonBelongsTo(scheduledLessonId, courseId)) throw new ApiError('bad_request');
        const running = await registry.start(courseId, principal.userId, scheduledLessonId ?? null);
        return { lessonSessionId: running.lesson.lessonSessionId };
      },
    },
    'lesson:capabilities': {
      access: 'open',
      run: async ({ principal }, { courseId }) => {
        participantIdentity(principal, repo.courseForLesson(courseId), places.course(courseId));
        const running = registry.live(courseId);
        if (!running) throw new ApiError('lesson_not_live');
        return { routerRtpCapabilities: running.media.rtpCapabilities, lessonSessionId: running.lesson.lessonSessionId };
      },
    },
    'lesson:end': {
      access: 'moderator',
      run: async ({ joined, principal }) => {
        // Ending disconnects every site, the teacher's too: acknowledge first, then end.
        const courseId = joined.running.lesson.courseId;
        setImmediate(() => registry.end(courseId, principal.userId, 'ended_by_teacher'));
        return {};
      },
    },
  };

  namespace.on('connection', (socket: LessonSocket) => {
    const log = app.log.child({ socketId: socket.id, userId: socket.data.principal.userId });
    let joined: HandlerContext['joined'] = null;
    const channel: SiteChannel = {
      emit: (event, payload) => void (socket.emit as (e: string, p: unknown) => boolean)(event, payload),
      disconnect: () => void socket.disconnect(true),
    };
    socket.data.channel = channel;

    const join: LessonHandlerTable['lesson:join'] = {
      access: 'open',
      run: async ({ principal }, { courseId, rtpCapabilities }) => {
        assertRtpCapabilities(rtpCapabilities);
        const facts = places.course(courseId);
        const identity = participantIdentity(principal, repo.courseForLesson(courseId), facts);
        const running = registry.live(courseId);
        if (!running) throw new ApiError('lesson_not_live');
        if (joined && joined.running !== running) joined.running.detach(joined.participant.id, channel);
        const { participant, resumed } = running.lesson.join(identity);
        running.attach(participant, channel, rtpCapabilities);
        joined = { running, participant };
        log.info({ lessonSessionId: running.lesson.lessonSessionId, participantId: participant.id, resumed }, 'joined lesson');
        return {
          participantId: participant.id,
          resumeToken: participant.resumeToken,
          resumed,
          routerRtpCapabilities: running.media.rtpCapabilities,
          iceServers,
          snapshot: running.lesson.snapshotFor(participant, running.visibleProducers(participant)),
        };
      },
    };

    for (const name of Object.keys(LESSON_REQUESTS) as LessonRequestName[]) {
      const handler = name === 'lesson:join' ? join : handlers[name];
      (socket.on as (event: string, listener: (payload: unknown, ack: unknown) => void) => void)(name, (payload, ack) => {
        if (typeof ack !== 'function') return; // every request must be acked; a request without one is dropped
        const reply = ack as (result: Ack<unknown>) => void;
        const fail = (error: ApiError) =>
          reply({ ok: false, error: { code: error.code, message: translate(pickLocale(socket.data.locale), `error.${error.code}`, error.params) } });
        if (!VALIDATORS[name].Check(payload)) return fail(new ApiError('bad_request'));
        const ctx: HandlerContext = { principal: socket.data.principal, channel, joined };
        if (joined && (joined.running.lesson.ended || !joined.running.lesson.participants.includes(joined.participant))) joined = ctx.joined = null;
        if (handler.access !== 'open' && !ctx.joined) return fail(new ApiError('lesson_not_live'));
        if (handler.access === 'moderator' && !ctx.joined!.participant.isLeadTeacher) return fail(new ApiError('forbidden'));
        const run = handler.run as (c: HandlerContext | JoinedContext, p: unknown) => Promise<unknown>;
        run(ctx, payload).then(
          (data) => reply({ ok: true, data }),
          (error: unknown) => {
            if (error instanceof ApiError) return fail(error);
            // mediasoup refuses malformed parameters with TypeError: the caller's fault, not the server's.
            if (error instanceof TypeError) {
              log.warn({ err: error, request: name }, 'lesson request refused by the media layer');
              return fail(new ApiError('bad_request'));
            }
            log.error({ err: error, request: name }, 'lesson request failed');
            fail(new ApiError('internal'));
          },
        );
      });
    }

    socket.on('disconnect', (reason) => {
      if (!joined) return;
      log.info({ participantId: joined.participant.id, reason }, 'site disconnected');
      joined.running.detach(joined.participant.id, channel);
    });
  });

  // Sessions the accounts service ends (sign-out, deactivation, …) end their sockets here.
  const stopRevocations = endRevokedSockets(namespace, accounts.revocations, registry, app.log);
  // preClose, not onClose: the HTTP server waits for open WebSockets before onClose hooks run, so live
  // lessons must end and sockets close first, or a shutdown with sites connected never completes.
  app.addHook('preClose', async () => {
    stopRevocations();
    registry.close();
    await io.close();
  });
  return io;
}
