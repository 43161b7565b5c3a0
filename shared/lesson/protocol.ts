import { Type, type Static, type TSchema } from 'typebox';
import type { ErrorCode } from '../errors.js';
import { RowId } from '../api/common.js';
import { Id, Strict } from './strict.js';
import { CHAT_EVENTS, CHAT_REQUESTS } from './features/chat.js';
import { HAND_EVENTS, HAND_REQUESTS } from './features/hands.js';
import { POLL_EVENTS, POLL_REQUESTS } from './features/polls.js';
import { STAGE_REQUESTS } from './features/stage.js';
import { BOARD_EVENTS, BOARD_REQUESTS } from './features/board.js';
import { RECORDING_EVENTS, RECORDING_REQUESTS } from './features/recording.js';
import { OBSERVING_EVENTS, OBSERVING_REQUESTS } from './features/observing.js';
import { BROADCAST_EVENTS } from './features/broadcast.js';
import { LessonSnapshot, MEDIA_SOURCES, ParticipantView, ProducerView, QUALITY_LEVELS, RemovedSite } from './model.js';

/*
 * The Socket.IO contract of a live lesson. Every client→server message is a request with an ack
 * `{ ok: true, data } | { ok: false, error: { code, message } }`; the server validates each payload against
 * the schema here before anything else happens. Server→client messages are events without acks.
 * The socket connects to namespace `/lesson` with the session cookie (or the device/student-link session
 * cookie); the first request must be `lesson:join`.
 */

/** Loose shapes of mediasoup's parameter objects: the SFU validates them fully. */
const MediaObject = (required: Record<string, TSchema>) => Type.Object(required, { additionalProperties: true });
export const RtpCapabilities = MediaObject({ codecs: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 100 }) });
export const DtlsParameters = MediaObject({
  fingerprints: Type.Array(Type.Object({ algorithm: Type.String(), value: Type.String() }), { minItems: 1, maxItems: 10 }),
});
export const RtpParameters = MediaObject({ codecs: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 20 }) });

export const TransportOptions = Type.Object({
  id: Type.String(),
  iceParameters: Type.Unknown(),
  iceCandidates: Type.Unknown(),
  dtlsParameters: Type.Unknown(),
});

export const ConsumerOptions = Type.Object({
  id: Type.String(),
  producerId: Type.String(),
  participantId: Type.String(),
  kind: Type.Enum(['audio', 'video']),
  source: Type.Enum(MEDIA_SOURCES),
  rtpParameters: Type.Unknown(),
});

export const IceServer = Type.Object({
  urls: Type.Array(Type.String()),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});

/** Client → server requests: payload schema and ack data schema of each. */
export const LESSON_REQUESTS = {
  /**
   * Before joining: the live lesson's router capabilities, to load the mediasoup-client Device whose own
   * capabilities `lesson:join` then carries. Fails with lesson_not_live while the lesson has not started.
   */
  'lesson:capabilities': {
    payload: Strict({ courseId: RowId }),
    data: Type.Object({ routerRtpCapabilities: Type.Unknown(), lessonSessionId: Type.Integer() }),
  },
  /** Join the live lesson of a course (lead teacher, receiving classroom, student, assistant or admin observer). */
  'lesson:join': {
    payload: Strict({
      courseId: RowId,
      /** From an earlier join: rejoin as the same participant within the grace period. */
      resumeToken: Type.Optional(Type.String({ maxLength: 200 })),
      rtpCapabilities: RtpCapabilities,
      /**
       * Receive from the join on: the ack then carries the recv transport and a consumer (paused) of every
       * producer she may receive now, saving a round trip per transport and per producer. Producers that
       * appear later are offered with `producer:new` and consumed with `consumer:create` as before.
       * The snapshot is the lesson as she joined; events sent while her receiving side was made arrive
       * before the ack and are newer than its snapshot: a client applies them after it, in order.
       */
      receive: Type.Optional(Type.Boolean()),
      /**
       * Back from a dropped signalling link with media that kept flowing: the transports this client still
       * holds (open, ICE not failed). The server resumes them when it still has exactly these for her.
       */
      resumeMedia: Type.Optional(Strict({ transportIds: Type.Array(Id, { minItems: 1, maxItems: 2 }) })),
    }),
    data: Type.Object({
      participantId: Type.String(),
      resumeToken: Type.String(),
      /** True when this join resumed an existing participant. */
      resumed: Type.Boolean(),
      routerRtpCapabilities: Type.Unknown(),
      iceServers: Type.Array(IceServer),
      snapshot: LessonSnapshot,
      /** With `receive`: the recv transport's options and the consumers made for the snapshot's producers. */
      receiving: Type.Optional(Type.Object({ transport: TransportOptions, consumers: Type.Array(ConsumerOptions) })),
      /**
       * The answer to `resumeMedia`: her transports, producers and consumers survived the drop and are hers
       * again (no `receiving` then). Consumers she holds that are not listed closed meanwhile; producers of
       * the snapshot she has no consumer of are asked for with `consumer:create`. Absent: the media is gone
       * (grace over, ICE/DTLS failed, worker rebuilt, other transports) and the client builds it afresh.
       */
      resumedMedia: Type.Optional(Type.Object({ transportIds: Type.Array(Type.String()), producerIds: Type.Array(Type.String()), consumerIds: Type.Array(Type.String()) })),
    }),
  },
  /**
   * Lead teacher: start the course's lesson now (scheduled or ad hoc). Others see "live now". With
   * `broadcast` it is broadcast live (直播): besides its sites, anyone signed in within the host's region may
   * watch it as a receive-only viewer. A lesson already live keeps the way it was started.
   */
  'lesson:start': {
    payload: Strict({ courseId: RowId, scheduledLessonId: Type.Optional(RowId), broadcast: Type.Optional(Type.Boolean()) }),
    data: Type.Object({ lessonSessionId: Type.Integer() }),
  },
  /** Lead teacher: end the lesson for everyone. */
  'lesson:end': { payload: Strict({}), data: Type.Object({}) },
  'lesson:leave': { payload: Strict({}), data: Type.Object({}) },
  'lesson:lock': { payload: Strict({ locked: Type.Boolean() }), data: Type.Object({}) },

  'transport:create': {
    payload: Strict({ direction: Type.Enum(['send', 'recv']) }),
    data: TransportOptions,
  },
  'transport:connect': { payload: Strict({ transportId: Id, dtlsParameters: DtlsParameters }), data: Type.Object({}) },
  'transport:restart-ice': { payload: Strict({ transportId: Id }), data: Type.Object({ iceParameters: Type.Unknown() }) },

  'producer:create': {
    payload: Strict({ transportId: Id, kind: Type.Enum(['audio', 'video']), source: Type.Enum(MEDIA_SOURCES), rtpParameters: RtpParameters }),
    data: Type.Object({ producerId: Type.String() }),
  },
  'producer:close': { payload: Strict({ producerId: Id }), data: Type.Object({}) },
  /** Mute/unmute one's own mic or camera (pauses the producer). */
  'producer:pause': { payload: Strict({ producerId: Id }), data: Type.Object({}) },
  'producer:resume': { payload: Strict({ producerId: Id }), data: Type.Object({}) },

  /** Consume a producer listed in the snapshot or a `producer:new` event; the consumer starts paused. */
  'consumer:create': { payload: Strict({ producerId: Id }), data: ConsumerOptions },
  /** The client is ready to render: resume. */
  'consumer:resume': { payload: Strict({ consumerId: Id }), data: Type.Object({}) },
  /** The client is ready to render several of its consumers (those of the join ack): resume them all. */
  'consumers:resume': { payload: Strict({ consumerIds: Type.Array(Id, { minItems: 1, maxItems: 100 }) }), data: Type.Object({}) },
  /** The tile's size on screen (0×0 or hidden = pause); the server picks layers from it. */
  'consumer:tile': {
    payload: Strict({ consumerId: Id, width: Type.Integer({ minimum: 0, maximum: 10000 }), height: Type.Integer({ minimum: 0, maximum: 10000 }), visible: Type.Boolean() }),
    data: Type.Object({}),
  },
  /** Receive audio only (a bad link), or video again. */
  'media:audio-only': { payload: Strict({ enabled: Type.Boolean() }), data: Type.Object({}) },

  ...HAND_REQUESTS,
  ...RECORDING_REQUESTS,
  ...STAGE_REQUESTS,
  /** Lead teacher: mute one participant's mic, or everyone's but her own. */
  'moderate:mute': { payload: Strict({ participantId: Type.Union([Id, Type.Literal('all')]) }), data: Type.Object({}) },
  'moderate:stop-camera': { payload: Strict({ participantId: Id }), data: Type.Object({}) },
  'moderate:remove': { payload: Strict({ participantId: Id }), data: Type.Object({}) },
  /** Lead teacher: let a removed site (by its account) join this lesson again. */
  'moderate:readmit': { payload: Strict({ userId: RowId }), data: Type.Object({}) },

  ...CHAT_REQUESTS,
  ...BOARD_REQUESTS,

  ...POLL_REQUESTS,

  ...OBSERVING_REQUESTS,

  /** A site's link as the browser measures it, about once a second: what link adaptation decides from. */
  'quality:report': {
    payload: Strict({
      rttMs: Type.Optional(Type.Number({ minimum: 0, maximum: 60000 })),
      packetLossPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      recvBitrate: Type.Optional(Type.Integer({ minimum: 0 })),
      sendBitrate: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Loss of the received video since the last report (inbound-rtp of kind video), in percent. */
      videoLossPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      /** The receiving transport's bandwidth estimate (candidate-pair availableIncomingBitrate), bit/s. */
      availableIncomingBitrate: Type.Optional(Type.Integer({ minimum: 0 })),
      /** Video freezes the browser counted since the last report, and how long they lasted in all (ms). */
      freezeCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
      freezeMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
      /** Decoded frames per second and frame height of the largest video received (what the site sees). */
      framesPerSecond: Type.Optional(Type.Number({ minimum: 0, maximum: 240 })),
      frameHeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 4320 })),
    }),
    data: Type.Object({}),
  },
  /** Assistant teacher / classroom: students present in the room. */
  'classroom:headcount': { payload: Strict({ count: Type.Integer({ minimum: 0, maximum: 500 }) }), data: Type.Object({}) },
} as const;

export type LessonRequestName = keyof typeof LESSON_REQUESTS;
export type LessonRequestPayload<K extends LessonRequestName> = Static<(typeof LESSON_REQUESTS)[K]['payload']>;
export type LessonRequestData<K extends LessonRequestName> = Static<(typeof LESSON_REQUESTS)[K]['data']>;

/** Every ack. */
/**
 * Several nodes: the query parameter of the lesson socket naming the node it must reach (set from a
 * `lesson_elsewhere` refusal); the reverse proxy routes by it, and a node knows a page was sent to it.
 */
export const NODE_HINT = 'node';

/** A refusal carries its code and text; `lesson_elsewhere` also names the node (TONGKE_NODE_ID) that runs the lesson. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; node?: string } };

/** A participant who left the lesson, and why. */
export const ParticipantLeft = Type.Object({ participantId: Type.String(), reason: Type.Enum(['left', 'removed', 'connection_lost', 'lesson_ended']) });
export type ParticipantLeft = Static<typeof ParticipantLeft>;

/** The payload of `participants:changed`. */
export const ParticipantChanges = Type.Object({
  joined: Type.Array(ParticipantView),
  updated: Type.Array(ParticipantView),
  left: Type.Array(ParticipantLeft),
});
export type ParticipantChanges = Static<typeof ParticipantChanges>;

/** Server → client events and their payloads. */
export const LESSON_EVENTS = {
  /**
   * Who joined, changed (mic, camera, stage, hand, connection, quality, audio-only, headcount) or left since
   * the last one, each participant once with her latest view. Sent at once after a lone change and at most
   * every ~50 ms during a burst, so that K sites joining together cost each site a few messages, not K.
   * A participant is in at most one of the lists; `left` may name one the receiver never saw. Each site
   * hears of those its snapshot shows it (see LessonSnapshot.participants) and of itself; `joined` or
   * `updated` may bring one it was not shown before (she went on stage).
   */
  'participants:changed': ParticipantChanges,
  /** A producer this participant may now consume. */
  'producer:new': ProducerView,
  'producer:closed': Type.Object({ producerId: Type.String() }),
  'producer:paused': Type.Object({ producerId: Type.String(), paused: Type.Boolean() }),
  /** The server closed one of my consumers (its producer went, or I may no longer see it). */
  'consumer:closed': Type.Object({ consumerId: Type.String() }),
  'consumer:score': Type.Object({ consumerId: Type.String(), score: Type.Integer(), producerScore: Type.Integer() }),
  'consumer:layers': Type.Object({ consumerId: Type.String(), spatialLayer: Type.Union([Type.Integer(), Type.Null()]), temporalLayer: Type.Union([Type.Integer(), Type.Null()]) }),
  /** My link is poor: the server has lowered layers and suggests audio only. */
  'media:advice': Type.Object({ advice: Type.Enum(['lowered', 'audio_only_suggested', 'recovered']), quality: Type.Enum(QUALITY_LEVELS) }),
  /** The media server restarted: rebuild transports and producers, then consume again. */
  'media:rebuild': Type.Object({ routerRtpCapabilities: Type.Unknown() }),
  'speaker:active': Type.Object({ participantId: Type.Union([Type.String(), Type.Null()]) }),
  ...HAND_EVENTS,
  ...RECORDING_EVENTS,
  ...CHAT_EVENTS,
  ...POLL_EVENTS,
  ...BOARD_EVENTS,
  ...OBSERVING_EVENTS,
  ...BROADCAST_EVENTS,
  'lesson:locked': Type.Object({ locked: Type.Boolean() }),
  /** To the lead teacher: the sites removed from the lesson, after a removal or a readmission. */
  'lesson:removed': Type.Object({ removed: Type.Array(RemovedSite) }),
  /** The lead teacher muted my mic / stopped my camera. */
  'moderation:applied': Type.Object({ action: Type.Enum(['muted', 'camera_stopped', 'removed']) }),
  /** The lesson is over; `reason` says why (timed_out: nobody ended it; media_failed: its media server died). */
  'lesson:ended': Type.Object({
    lessonSessionId: Type.Integer(),
    endedAt: Type.String(),
    reason: Type.Optional(Type.Enum(['ended_by_teacher', 'timed_out', 'server_restart', 'media_failed'])),
  }),
} as const;

export type LessonEventName = keyof typeof LESSON_EVENTS;
export type LessonEventPayload<K extends LessonEventName> = Static<(typeof LESSON_EVENTS)[K]>;

/** Socket.IO typing: `Server<LessonClientToServer, LessonServerToClient>` and the client's `Socket`. */
export type LessonClientToServer = {
  [K in LessonRequestName]: (payload: LessonRequestPayload<K>, ack: (result: Ack<LessonRequestData<K>>) => void) => void;
};
export type LessonServerToClient = {
  [K in LessonEventName]: (payload: LessonEventPayload<K>) => void;
};

/** Namespace-wide events not tied to one lesson: which courses are live now (for home pages). */
export const LIVE_EVENTS = {
  'live:changed': Type.Object({ courseId: Type.Integer(), lessonSessionId: Type.Union([Type.Integer(), Type.Null()]) }),
} as const;
