/**
 * The media layer: mediasoup workers, routers and what runs on them. It knows nothing of sockets,
 * HTTP or the database, and it is the only place that imports 'mediasoup'.
 */
export { DEFAULT_MEDIA_CODECS } from './codecs.js';
export {
  MediaPoolError,
  MediaWorkerPool,
  type MediaLogger,
  type MediaPoolErrorCode,
  type MediaWorkerPoolEvents,
  type MediaWorkerPoolOptions,
  type MediaWorkerStatus,
  type MediaWorkerUsage,
} from './worker-pool.js';
export type * from './types.js';
