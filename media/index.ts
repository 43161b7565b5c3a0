/**
 * The media layer: mediasoup workers, lesson routers and what runs on them. It knows nothing of sockets,
 * HTTP or the database, and it is the only place that imports 'mediasoup'. See media/README.md.
 */
export { DEFAULT_MEDIA_CODECS } from './codecs.js';
export {
  DEFAULT_ADAPTATION_OPTIONS,
  LinkAdaptationPolicy,
  type AdaptationAdvice,
  type AdaptationDecision,
  type AdaptationOptions,
  type LinkSample,
  type ReceiverLinkReport,
} from './adaptation.js';
export { LessonMediaError, MediaPoolError, type LessonMediaErrorCode, type MediaPoolErrorCode } from './errors.js';
export {
  PRODUCER_SOURCES,
  type ConsumerCloseReason,
  type LessonMediaCloseReason,
  type LessonMediaEvents,
  type ProducerSource,
  type TransportDirection,
} from './events.js';
export {
  LessonMedia,
  type ConsumerParameters,
  type ConsumerState,
  type LessonMediaOptions,
  type ProducerInfo,
} from './lesson-media.js';
export { DEFAULT_CONSUMERS_PER_WORKER } from './lesson-routers.js';
export type { MediaLogger } from './logger.js';
export { NetworkProbe, type NetworkProbeParameters, type NetworkProbeState, type ProbeProtocol, type ProbeSctpParameters } from './network-probe.js';
export type { TileSize } from './received-stream.js';
export type { RecordedCodec, RecordingReceiver, RecordingTapCloseReason, RecordingTapInfo } from './recording-tap.js';
export type { TransportQuality } from './stats.js';
export {
  INITIAL_OUTGOING_BITRATE,
  SEND_MAX_INCOMING_BITRATE,
  type PlainTransportParameters,
  type PlainTransportRequest,
  type WebRtcTransportParameters,
} from './transports.js';
export {
  MediaWorkerPool,
  type MediaWorkerPoolEvents,
  type MediaWorkerPoolOptions,
  type MediaWorkerStatus,
  type MediaWorkerUsage,
} from './worker-pool.js';
export type * from './types.js';
export { assertDtlsParameters, assertRtpCapabilities, assertRtpParameters } from './parameters.js';
