import type { LessonRequestData, LessonRequestName, LessonRequestPayload } from '../../shared/lesson/protocol.js';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import { ApiError } from '../core/errors.js';
import { assertDtlsParameters } from '../../media/index.js';
import { linkQualityLevel } from '../evidence/metrics.js';
import { receiverLinkReport } from './link-report.js';
import type { LessonParticipant } from './participant.js';
import type { RunningLesson, SiteChannel } from './running-lesson.js';
import { FEATURE_HANDLERS } from './features/index.js';
import type { FeatureServices } from './features/feature.js';
import { assertMayAddVideo } from '../research/sessions/membership.js';

/** What a handler gets: who asks, on which channel, and (once joined) her lesson and participant. */
export interface HandlerContext {
  principal: AuthenticatedPrincipal;
  channel: SiteChannel;
  joined: { running: RunningLesson; participant: LessonParticipant } | null;
  /** Binds the caller's socket to the lesson she has just joined (for `lesson:join`). */
  joinedAs(joined: NonNullable<HandlerContext['joined']>): void;
  /** Several nodes: the page was sent to this node (its socket came with this node's hint). */
  sentHere: boolean;
  /** What handlers may read of the rest of Tongke (the store). */
  services: FeatureServices;
  log: Logger;
}
export interface JoinedContext extends HandlerContext {
  joined: NonNullable<HandlerContext['joined']>;
}

/**
 * A request handler and who may call it: `open` before joining, `joined` for any participant, `moderator`
 * for the lead teacher only. The gateway validates the payload and checks this before running it.
 */
export type LessonHandler<K extends LessonRequestName> =
  | { access: 'open'; run(ctx: HandlerContext, payload: LessonRequestPayload<K>): Promise<LessonRequestData<K>> }
  | { access: 'joined' | 'moderator'; run(ctx: JoinedContext, payload: LessonRequestPayload<K>): Promise<LessonRequestData<K>> };

export type LessonHandlerTable = { [K in LessonRequestName]: LessonHandler<K> };

const target = (ctx: JoinedContext, participantId: string): LessonParticipant => ctx.joined.running.lesson.participant(participantId);
const none = {};

/** The in-lesson handlers (capabilities, join, start and end live in the gateway, which knows the registry). */
export const IN_LESSON_HANDLERS: Omit<LessonHandlerTable, 'lesson:capabilities' | 'lesson:join' | 'lesson:start' | 'lesson:end'> = {
  'lesson:leave': {
    access: 'joined',
    run: async ({ joined }) => {
      joined.running.lesson.leave(joined.participant.id, 'left');
      return none;
    },
  },
  'lesson:lock': { access: 'moderator', run: async ({ joined }, { locked }) => (joined.running.lesson.setLocked(locked), none) },

  'transport:create': { access: 'joined', run: ({ joined }, { direction }) => joined.running.media.createTransport(joined.participant.id, direction) },
  'transport:connect': {
    access: 'joined',
    run: async ({ joined }, { transportId, dtlsParameters }) => {
      assertDtlsParameters(dtlsParameters);
      await joined.running.media.connectTransport(joined.participant.id, transportId, dtlsParameters);
      return none;
    },
  },
  'transport:restart-ice': {
    access: 'joined',
    run: async ({ joined }, { transportId }) => ({ iceParameters: await joined.running.media.restartIce(joined.participant.id, transportId) }),
  },

  'producer:create': {
    access: 'joined',
    run: async ({ joined }, payload) => {
      const { participant } = joined;
      // Screen sharing is for the lead teacher and for a site on stage.
      if (payload.source === 'screen' && !participant.isLeadTeacher && !participant.onStage) throw new ApiError('forbidden');
      // Everyone in a teaching-research meeting may send, up to the stage limit of video at once.
      if (joined.running.lesson.research && payload.kind === 'video') assertMayAddVideo(participant, joined.running.lesson.participants);
      return { producerId: await joined.running.produce(participant, payload) };
    },
  },
  'producer:close': { access: 'joined', run: async ({ joined }, { producerId }) => (joined.running.closeProducer(joined.participant, producerId), none) },
  'producer:pause': { access: 'joined', run: async ({ joined }, { producerId }) => (await joined.running.setProducerPaused(joined.participant, producerId, true), none) },
  'producer:resume': { access: 'joined', run: async ({ joined }, { producerId }) => (await joined.running.setProducerPaused(joined.participant, producerId, false), none) },

  'consumer:create': { access: 'joined', run: ({ joined }, { producerId }) => joined.running.consume(joined.participant, producerId) },
  'consumer:resume': {
    access: 'joined',
    run: async ({ joined }, { consumerId }) => {
      joined.running.ownConsumer(joined.participant, consumerId);
      await joined.running.media.resumeConsumer(joined.participant.id, consumerId);
      return none;
    },
  },
  'consumers:resume': {
    access: 'joined',
    run: async ({ joined }, { consumerIds }) => {
      // All hers, or nothing is resumed.
      for (const consumerId of consumerIds) joined.running.ownConsumer(joined.participant, consumerId);
      await Promise.all(consumerIds.map((consumerId) => joined.running.media.resumeConsumer(joined.participant.id, consumerId)));
      return none;
    },
  },
  'consumer:tile': {
    access: 'joined',
    run: async ({ joined }, { consumerId, ...tile }) => {
      joined.running.ownConsumer(joined.participant, consumerId);
      await joined.running.media.setTile(joined.participant.id, consumerId, tile);
      return none;
    },
  },
  'media:audio-only': {
    access: 'joined',
    run: async ({ joined }, { enabled }) => {
      await joined.running.media.setAudioOnly(joined.participant.id, enabled);
      joined.running.lesson.setAudioOnly(joined.participant.id, enabled);
      return none;
    },
  },

  'moderate:mute': {
    access: 'moderator',
    run: async (ctx, { participantId }) => {
      const { running, participant: teacher } = ctx.joined;
      const targets = participantId === 'all' ? running.lesson.participants.filter((p) => p.id !== teacher.id) : [target(ctx, participantId)];
      for (const p of targets) await running.mute(p);
      return none;
    },
  },
  'moderate:stop-camera': { access: 'moderator', run: async (ctx, { participantId }) => (ctx.joined.running.stopCamera(target(ctx, participantId)), none) },
  'moderate:remove': {
    access: 'moderator',
    run: async (ctx, { participantId }) => {
      const removed = target(ctx, participantId);
      if (removed.id === ctx.joined.participant.id) throw new ApiError('bad_request');
      ctx.joined.running.remove(removed);
      return none;
    },
  },

  'moderate:readmit': { access: 'moderator', run: async ({ joined }, { userId }) => (joined.running.lesson.readmit(userId), none) },

  ...FEATURE_HANDLERS,

  'quality:report': {
    access: 'joined',
    run: async ({ joined }, report) => {
      joined.running.lesson.setQuality(joined.participant.id, linkQualityLevel(report));
      // Link adaptation lowers (or raises) only this site's video from what its own link does.
      joined.running.media.reportLink(joined.participant.id, receiverLinkReport(report));
      return none;
    },
  },
  'classroom:headcount': { access: 'joined', run: async ({ joined }, { count }) => (joined.running.lesson.setHeadcount(joined.participant.id, count), none) },
};
