import type { FastifyBaseLogger as Logger } from 'fastify';
import { Compile } from 'typebox/compile';
import type { ErrorCode } from '../../shared/errors.js';
import { LESSON_REQUESTS, type Ack, type LessonRequestName } from '../../shared/lesson/protocol.js';
import { LessonMediaError, MediaPoolError, type LessonMediaErrorCode } from '../../media/index.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { ApiError } from '../core/errors.js';
import type { HandlerContext, JoinedContext, LessonHandlerTable } from './handlers.js';
import type { LessonRequestQuotas } from './quotas.js';
import type { SiteChannel } from './running-lesson.js';
import type { FeatureServices } from './features/feature.js';

const VALIDATORS = Object.fromEntries(Object.entries(LESSON_REQUESTS).map(([name, spec]) => [name, Compile(spec.payload)])) as {
  [K in LessonRequestName]: ReturnType<typeof Compile>;
};

/**
 * What a refusal of the media layer means to the caller. `unknown-*` ids are not hers (or gone); the rest
 * contradict the request or her state. None of them is a server fault.
 */
export const MEDIA_REFUSAL_CODES: Record<LessonMediaErrorCode, ErrorCode> = {
  'lesson-closed': 'lesson_not_live',
  'unknown-participant': 'not_found',
  'unknown-transport': 'not_found',
  'unknown-producer': 'not_found',
  'unknown-consumer': 'not_found',
  'wrong-direction': 'bad_request',
  'kind-mismatch': 'bad_request',
  'cannot-consume': 'bad_request',
  'invalid-parameters': 'bad_request',
  'duplicate-source': 'conflict',
  'already-connected': 'conflict',
};

/**
 * How a failed request is answered: an ApiError as it is, a media refusal by its reason, and anything
 * else — a TypeError of our own code included — is a bug: `internal`, logged as an error.
 */
export function classifyFailure(error: unknown): { error: ApiError; fault: 'caller' | 'media' | 'server' } {
  if (error instanceof ApiError) return { error, fault: 'caller' };
  if (error instanceof LessonMediaError) return { error: new ApiError(MEDIA_REFUSAL_CODES[error.code]), fault: 'media' };
  if (error instanceof MediaPoolError && error.code === 'lesson-exists') return { error: new ApiError('conflict'), fault: 'media' };
  return { error: new ApiError('internal'), fault: 'server' };
}

/** What receiving a lesson needs: every receive-only participant (observer, broadcast viewer) may ask it. */
const RECEIVING_REQUESTS: readonly LessonRequestName[] = [
  'lesson:capabilities',
  'lesson:join',
  'lesson:leave',
  'transport:create',
  'transport:connect',
  'transport:restart-ice',
  'consumer:create',
  'consumer:resume',
  'consumers:resume',
  'consumer:tile',
  'media:audio-only',
  'quality:report',
];

/**
 * What an observer (听课) may ask once joined: what receiving the lesson needs, and chat (which the chat
 * refuses her unless the lead teacher lets observers chat). Everything else — producing, a send transport,
 * hands, the stage, poll answers, the board, recording, moderation, headcount — is refused before it runs.
 * An allow-list, so that a request added later is refused to observers until it is put here on purpose.
 */
export const OBSERVER_REQUESTS: ReadonlySet<LessonRequestName> = new Set<LessonRequestName>([...RECEIVING_REQUESTS, 'chat:send']);

/** Whether an observer may make this request: one of hers, and a transport only for receiving. */
export function observerMay(name: LessonRequestName, payload: unknown): boolean {
  if (!OBSERVER_REQUESTS.has(name)) return false;
  return name !== 'transport:create' || (payload as { direction: string }).direction === 'recv';
}

/**
 * What a broadcast viewer (直播) may ask: what receiving needs, raising and lowering her own hand, and
 * stepping down from the stage. Once the lead teacher has called her on stage she may also send (a send
 * transport and her producers) like an invited site; back off stage, she receives only again. Chat, polls,
 * the board, recording, moderation and headcount are refused before they run. An allow-list, like the
 * observers': a request added later is refused to viewers until it is put here on purpose.
 */
export const VIEWER_REQUESTS: ReadonlySet<LessonRequestName> = new Set<LessonRequestName>([...RECEIVING_REQUESTS, 'hand:raise', 'hand:lower', 'stage:return']);

/** What a viewer may ask on stage besides (see VIEWER_REQUESTS). */
const VIEWER_ON_STAGE_REQUESTS: ReadonlySet<LessonRequestName> = new Set<LessonRequestName>(['producer:create', 'producer:close', 'producer:pause', 'producer:resume']);

/** Whether a broadcast viewer may make this request now: one of hers, and sending only while on stage. */
export function viewerMay(name: LessonRequestName, payload: unknown, onStage: boolean): boolean {
  if (onStage && VIEWER_ON_STAGE_REQUESTS.has(name)) return true;
  if (!VIEWER_REQUESTS.has(name)) return false;
  return name !== 'transport:create' || onStage || (payload as { direction: string }).direction === 'recv';
}

/** One socket's side of the pipeline: who asks, in which language, and (once joined) where she is. */
export interface RequestSession {
  readonly principal: AuthenticatedPrincipal;
  readonly locale: string;
  readonly channel: SiteChannel;
  /** Set by a successful join; cleared here once she is no longer in that lesson. */
  joined: HandlerContext['joined'];
  /** Several nodes: the proxy routed this socket here by its node hint (the page was sent to this node). */
  readonly sentHere?: boolean;
  readonly log: Logger;
}

export interface RequestPipelineOptions {
  handlers: LessonHandlerTable;
  quotas: LessonRequestQuotas;
  /** The caller's message for an error code (i18n `error.<code>`). */
  message(locale: string, code: ErrorCode, params: Record<string, string | number>): string;
  /** What handlers may read of the rest of Tongke. */
  services: FeatureServices;
}

/**
 * The one way a lesson request is served: validate the payload against the shared schema → check the
 * caller is joined (and the lead teacher, where it moderates) → count it against her rate limit → run →
 * ack `{ ok, data | error }`. Whatever is refused on the way never reaches the lesson, so it changes
 * nothing and is never recorded as evidence. A request without an ack function is dropped unread.
 */
export function lessonRequestPipeline({ handlers, quotas, message, services }: RequestPipelineOptions) {
  return async function serve(session: RequestSession, name: LessonRequestName, payload: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return;
    const reply = ack as (result: Ack<unknown>) => void;
    const fail = (error: ApiError) => {
      const node = error.code === 'lesson_elsewhere' && typeof error.params.node === 'string' ? { node: error.params.node } : {};
      reply({ ok: false, error: { code: error.code, message: message(session.locale, error.code, error.params), ...node } });
    };

    const handler = handlers[name];
    if (!VALIDATORS[name].Check(payload)) return fail(new ApiError('bad_request'));
    const { joined } = session;
    if (joined && (joined.running.lesson.ended || !joined.running.lesson.includes(joined.participant))) session.joined = null;
    if (handler.access !== 'open' && !session.joined) return fail(new ApiError('lesson_not_live'));
    if (handler.access === 'moderator' && !session.joined!.participant.isLeadTeacher) return fail(new ApiError('forbidden'));
    if (session.joined?.participant.kind === 'observer' && !observerMay(name, payload)) return fail(new ApiError('forbidden'));
    if (session.joined?.participant.isViewer && !viewerMay(name, payload, session.joined.participant.onStage)) return fail(new ApiError('forbidden'));
    const wait = await quotas.take(name, session.principal.userId);
    if (wait !== null) return fail(new ApiError('rate_limited', { seconds: wait }));

    const ctx: HandlerContext = {
      principal: session.principal,
      channel: session.channel,
      // Read when the handler reads it: a join that waited on the store must see a join that finished meanwhile.
      get joined() {
        return session.joined;
      },
      joinedAs: (joined) => void (session.joined = joined),
      sentHere: session.sentHere ?? false,
      services,
      log: session.log,
    };
    const run = handler.run as (c: HandlerContext | JoinedContext, p: unknown) => Promise<unknown>;
    let data: unknown;
    try {
      data = await run(ctx, payload);
    } catch (failure) {
      const { error, fault } = classifyFailure(failure);
      if (fault === 'media') session.log.info({ err: failure, request: name }, 'lesson request refused by the media layer');
      if (fault === 'server') session.log.error({ err: failure, request: name }, 'lesson request failed');
      return fail(error);
    }
    reply({ ok: true, data });
  };
}
