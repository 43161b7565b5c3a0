import type { LessonMedia, MediaWorkerPool } from '../../media/index.js';

/*
 * What the lesson gateway uses of the media layer: one lesson's media, and the pool that makes them.
 * Narrowed to the members the server calls, so the server's dependency on media/ is visible in one place.
 */
export type LessonMediaPort = Pick<
  LessonMedia,
  | 'on'
  | 'rtpCapabilities'
  | 'createTransport'
  | 'connectTransport'
  | 'restartIce'
  | 'produce'
  | 'pauseProducer'
  | 'resumeProducer'
  | 'closeProducer'
  | 'consume'
  | 'resumeConsumer'
  | 'closeConsumer'
  | 'setTile'
  | 'setAudioOnly'
  | 'reportLink'
  | 'stats'
  | 'closeParticipant'
  | 'transportIds'
  | 'close'
  | 'producers'
  | 'recordProducer'
  | 'resumeRecording'
  | 'requestKeyFrame'
  | 'stopRecording'
>;

/** Makes the media of a lesson (on the least-loaded live worker). */
export type LessonMediaFactory = Pick<MediaWorkerPool, 'createLessonMedia'>;
