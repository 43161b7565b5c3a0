import { Server, type Socket } from 'socket.io';
import { pickLocale } from '../../shared/i18n/index.js';
import { LESSON_REQUESTS, type LessonClientToServer, type LessonRequestName, type LessonServerToClient } from '../../shared/lesson/protocol.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { TongkeApp } from '../core/app-types.js';
import { ApiError } from '../core/errors.js';
import { SESSION_COOKIE, LOCALE_COOKIE, type AuthenticatedPrincipal } from '../accounts/principal.js';
import { IN_LESSON_HANDLERS, type LessonHandlerTable } from './handlers.js';
import { participantIdentity } from './identity.js';
import { can } from '../policy/policy.js';
import { assertRtpCapabilities } from '../../media/index.js';
import type { LessonRegistry } from './registry.js';
import type { LessonsRepository } from './repository.js';
import { handshakeError, originAllowed, SocketsPerAccount } from './handshake.js';
import { LessonRequestQuotas, MAX_LESSON_SOCKETS_PER_ACCOUNT } from './quotas.js';
import { lessonRequestPipeline, type RequestSession } from './request-pipeline.js';
import { endRevokedSockets } from './revocation.js';
import type { SiteChannel } from './running-lesson.js';
import { CourseScopes } from './course-scope.js';
import type { LessonRooms } from './lesson-rooms.js';
import { openReceivingAtJoin } from './join-receiving.js';
import type { FeatureServices } from './features/feature.js';
import type { RunningLesson } from './running-lesson.js';
import { researchMemberIdentity } from '../research/sessions/membership.js';
import { iceServersFor } from './turn-credentials.js';
import { LOCAL_PLACEMENT, type LessonPlacement } from './placement-port.js';
import { NODE_HINT } from '../../shared/lesson/protocol.js';

/**
 * The lesson socket's heartbeat: a ping every 10 s, and 15 s to answer it. A village link stalls for several
 * seconds at a time (NETWORK-LAB.md: at 40 % loss the old 5 s + 5 s dropped a classroom whose audio might
 * have survived), so a socket is declared dead only after 15–25 s of silence: a 10 s stall never trips it.
 * A link that really went down is seen sooner anyway: the browser's `offline` event drops the socket at once.
 * Declaring it dead late costs little now that a dropped socket no longer takes the site's media with it
 * (kept-media.ts), and it stays well within the reconnect grace period after which she has left.
 */
export const LESSON_HEARTBEAT = { pingInterval: 10_000, pingTimeout: 15_000 } as const;

type LessonSocket = Socket<LessonClientToServer, LessonServerToClient, Record<string, never>, { principal: AuthenticatedPrincipal; locale: string; channel?: SiteChannel }>;

/**
 * The Socket.IO gateway of live lessons (namespace `/lesson`). Authenticates the handshake from the
 * session cookie (from a page of ours: Origin check; a few sockets per account, a new one closing the
 * oldest), and runs every request through the one pipeline of request-pipeline.ts: validate →
 * joined/moderator → rate limit → run → ack `{ ok, data | error }`. A bad request changes nothing and
 * leaves the connection healthy.
 */
export function attachLessonGateway(app: TongkeApp, registry: LessonRegistry, repo: LessonsRepository, rooms: LessonRooms, services: FeatureServices, placement: LessonPlacement = LOCAL_PLACEMENT): Server {
  const io = new Server(app.server, { path: '/socket.io', serveClient: false, ...LESSON_HEARTBEAT, maxHttpBufferSize: 256 * 1024 });
  const namespace = io.of('/lesson');
  rooms.bind(namespace);
  const { accounts, places, translate, config } = app.tongke;

  const scopes = new CourseScopes(repo, (courseId) => places.course(courseId));
  /**
   * How the principal takes part in the course's lesson. Only one who is none of its participants needs
   * where her grants sit (whether she may observe it as a colleague or researcher): read only then.
   */
  const message = (locale: string, code: ErrorCode, params: Record<string, string | number> = {}) => translate(pickLocale(locale), `error.${code}`, params);
  const sockets = new SocketsPerAccount(MAX_LESSON_SOCKETS_PER_ACCOUNT);

  /**
   * How she takes part in the course's live session: as in its lessons (or as an observer, 听课), or — when it
   * is a teaching-research meeting (协同教研) — as a member of it (teachers only). Her grants' places are read
   * only when they can matter (a meeting, or someone who is none of the course's own), so a lesson's join
   * burst costs no more than before.
   * @throws {ApiError} `forbidden`, and `lesson_not_live` when nothing of the course is live.
   */
  const identityIn = async (principal: AuthenticatedPrincipal, courseId: number): Promise<{ running: RunningLesson; identity: ReturnType<typeof participantIdentity> }> => {
    // Several nodes: a lesson another node runs sends her there; one whose node died is re-placed here.
    if (!registry.live(courseId)) await placement.bringHere(courseId);
    const { course, facts } = await scopes.for(principal, courseId, registry.live(courseId));
    const placesMatter = Boolean(registry.live(courseId)?.lesson.research) || !can(principal, 'course.join', { kind: 'course', course: facts });
    const herPlaces = placesMatter ? await places.placesOf(principal.grants) : [];
    // Nothing waits from here on: the lesson is read after the store answered.
    const running = registry.live(courseId);
    const meeting = running?.lesson.research;
    const identity = meeting
      ? researchMemberIdentity(principal, course, facts, herPlaces, meeting.convenerId)
      : participantIdentity(principal, course, facts, herPlaces, running?.lesson.broadcast ?? false);
    if (!running) throw new ApiError('lesson_not_live');
    return { running, identity };
  };

  // Before the session cookie is read: a page on another site must not ride on the user's cookie.
  namespace.use((socket: LessonSocket, next) => {
    const { headers } = socket.request;
    if (originAllowed(headers, config.publicUrl)) return next();
    app.log.warn({ origin: headers.origin, host: headers.host }, 'lesson socket refused: foreign Origin');
    next(handshakeError('origin_not_allowed', message(pickLocale(headers['accept-language'], config.locale), 'origin_not_allowed')));
  });

  namespace.use((socket: LessonSocket, next) => {
    const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
    const token = cookies[SESSION_COOKIE];
    const authenticate = async () => {
      const principal = token ? await accounts.principalFor(token) : null;
      if (!principal) return next(new Error('unauthenticated'));
      socket.data.principal = principal;
      socket.data.locale = pickLocale(cookies[LOCALE_COOKIE], principal.locale, socket.request.headers['accept-language'], config.locale);
      next();
    };
    authenticate().catch((error: unknown) => {
      app.log.error({ err: error }, 'lesson socket refused: its session could not be read');
      next(new Error('internal'));
    });
  });

  const handlers: Omit<LessonHandlerTable, 'lesson:join'> = {
    ...IN_LESSON_HANDLERS,
    'lesson:start': {
      access: 'open',
      run: async ({ principal, sentHere }, { courseId, scheduledLessonId, broadcast }) => {
        if (!can(principal, 'course.teach', { kind: 'course', course: await places.course(courseId) })) throw new ApiError('forbidden');
        if (scheduledLessonId !== undefined && !(await repo.scheduledLessonIsOn(scheduledLessonId, courseId))) throw new ApiError('bad_request');
        if (!registry.live(courseId)) {
          await placement.bringHere(courseId);
          if (!registry.live(courseId)) await placement.placeStart(courseId, sentHere);
        }
        // A teaching-research meeting on the course holds its one live session: say so, not "joined it".
        if (registry.live(courseId)?.lesson.research) throw new ApiError('research_session_running');
        const running = await registry.start(courseId, principal.userId, scheduledLessonId ?? null, new Date(), null, { broadcast: broadcast ?? false });
        return { lessonSessionId: running.lesson.lessonSessionId };
      },
    },
    'lesson:capabilities': {
      access: 'open',
      run: async ({ principal }, { courseId }) => {
        const { running } = await identityIn(principal, courseId);
        return { routerRtpCapabilities: running.media.rtpCapabilities, lessonSessionId: running.lesson.lessonSessionId };
      },
    },
    'lesson:end': {
      access: 'moderator',
      run: async ({ joined, principal, log }) => {
        // Ending disconnects every site, the teacher's too: acknowledge first, then end.
        const courseId = joined.running.lesson.courseId;
        setImmediate(() => {
          registry.end(courseId, principal.userId, 'ended_by_teacher').catch((error: unknown) => log.error({ err: error, courseId }, 'ending the lesson failed'));
        });
        return {};
      },
    },
  };

  const join: LessonHandlerTable['lesson:join'] = {
    access: 'open',
    run: async (ctx, { courseId, rtpCapabilities, receive, resumeMedia }) => {
      const { principal, channel, joinedAs, log } = ctx;
      assertRtpCapabilities(rtpCapabilities);
      const opened = await identityIn(principal, courseId);
      // Her observation (听课) of this lesson is opened as she joins it (once per lesson).
      if (opened.identity.kind === 'observer') await ctx.services.observationOpened(opened.running.lesson.lessonSessionId, principal.userId);
      // Nothing waits from here on: the lesson, and the one she may be in already, are read after the store answered.
      const running = registry.live(courseId);
      if (running !== opened.running) throw new ApiError('lesson_not_live');
      const { identity } = opened;
      const { joined } = ctx;
      // Off to another lesson: her media in the one she leaves is of no more use.
      if (joined && joined.running !== running) joined.running.detach(joined.participant.id, channel, { keepMedia: false });
      const { participant, resumed } = running.lesson.join(identity);
      const resumedMedia = running.attach(participant, channel, rtpCapabilities, resumed ? resumeMedia?.transportIds : undefined);
      joinedAs({ running, participant });
      log.info({ lessonSessionId: running.lesson.lessonSessionId, participantId: participant.id, resumed, mediaKept: resumedMedia !== null }, 'joined lesson');
      // The lesson as she joins it, before the receiving side is made: in a burst, read after it would list
      // everyone joining meanwhile in every ack (K² bytes). What changes meanwhile reaches her as events
      // sent before this ack, which the client applies after the snapshot (see `receive` in the protocol).
      const snapshot = running.lesson.snapshotFor(participant, running.visibleProducers(participant));
      // Kept media has its recv transport and consumers already: the snapshot is enough to catch up.
      const receiving = receive && !resumedMedia ? await openReceivingAtJoin(running, participant, log) : undefined;
      return {
        participantId: participant.id,
        resumeToken: participant.resumeToken,
        resumed,
        routerRtpCapabilities: running.media.rtpCapabilities,
        // Her own TURN credential, valid from this join: a rejoin after a long lesson gets a fresh one.
        iceServers: iceServersFor(config, principal.userId),
        snapshot,
        ...(receiving && { receiving }),
        ...(resumedMedia && { resumedMedia }),
      };
    },
  };

  const serve = lessonRequestPipeline({ handlers: { ...handlers, 'lesson:join': join }, quotas: new LessonRequestQuotas(), message, services });

  namespace.on('connection', (socket: LessonSocket) => {
    const { principal } = socket.data;
    sockets.add(principal.userId, socket.id, () => void socket.disconnect(true));
    const session: RequestSession = {
      principal,
      locale: socket.data.locale,
      channel: rooms.channelOf(socket),
      joined: null,
      // The page's node hint, which the proxy routes by (see server/cluster/nginx-config.ts).
      sentHere: socket.handshake.query[NODE_HINT] === config.nodeId,
      log: app.log.child({ socketId: socket.id, userId: principal.userId }),
    };
    // Revocation finds the socket's participant by its channel.
    socket.data.channel = session.channel;

    for (const name of Object.keys(LESSON_REQUESTS) as LessonRequestName[]) {
      (socket.on as (event: string, listener: (payload: unknown, ack: unknown) => void) => void)(name, (payload, ack) => {
        serve(session, name, payload, ack).catch((error: unknown) => session.log.error({ err: error, request: name }, 'lesson request could not be answered'));
      });
    }

    socket.on('disconnect', (reason) => {
      sockets.remove(principal.userId, socket.id);
      const { joined } = session;
      if (!joined) return;
      session.log.info({ participantId: joined.participant.id, reason }, 'site disconnected');
      joined.running.detach(joined.participant.id, session.channel);
    });
  });

  // Sessions the accounts service ends (sign-out, deactivation, …) end their sockets here.
  const stopRevocations = endRevokedSockets(namespace, accounts.revocations, registry, app.log);
  // preClose, not onClose: the HTTP server waits for open WebSockets before onClose hooks run, so live
  // lessons must end and sockets close first, or a shutdown with sites connected never completes.
  app.addHook('preClose', async () => {
    stopRevocations();
    await registry.close();
    await io.close();
  });
  return io;
}
