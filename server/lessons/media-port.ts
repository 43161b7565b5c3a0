import type { EventEmitter } from 'node:events';
import type { MediaSource } from '../../shared/lesson/model.js';

/*
 * What the lesson gateway needs of one lesson's media (implemented by media/'s LessonMedia). Kept as an
 * interface so the server depends on the shape, not on mediasoup.
 */

export interface TransportOptionsOut {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown;
  dtlsParameters: unknown;
}

export interface ConsumerOptionsOut {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
}

export interface LessonMediaEvents {
  'producer-closed': [{ participantId: string; producerId: string }];
  'consumer-closed': [{ participantId: string; consumerId: string; producerId: string; reason: string }];
  'consumer-score': [{ participantId: string; consumerId: string; score: number; producerScore: number }];
  'consumer-layers': [{ participantId: string; consumerId: string; spatialLayer: number | null; temporalLayer: number | null }];
  advice: [{ participantId: string; advice: 'lowered' | 'audio_only_suggested' | 'recovered' }];
  'active-speaker': [{ participantId: string | null }];
  closed: [{ reason: 'closed' | 'worker-died' }];
}

export interface LessonMediaPort extends Pick<EventEmitter<LessonMediaEvents>, 'on' | 'off'> {
  readonly rtpCapabilities: unknown;
  createTransport(participantId: string, direction: 'send' | 'recv'): Promise<TransportOptionsOut>;
  connectTransport(participantId: string, transportId: string, dtlsParameters: unknown): Promise<void>;
  restartIce(participantId: string, transportId: string): Promise<unknown>;
  produce(participantId: string, options: { transportId: string; kind: 'audio' | 'video'; source: MediaSource; rtpParameters: unknown }): Promise<string>;
  pauseProducer(participantId: string, producerId: string): Promise<void>;
  resumeProducer(participantId: string, producerId: string): Promise<void>;
  closeProducer(participantId: string, producerId: string): void;
  consume(participantId: string, options: { producerId: string; rtpCapabilities: unknown }): Promise<ConsumerOptionsOut>;
  resumeConsumer(participantId: string, consumerId: string): Promise<void>;
  closeConsumer(participantId: string, consumerId: string): void;
  setTile(participantId: string, consumerId: string, tile: { width: number; height: number; visible: boolean }): Promise<void>;
  setAudioOnly(participantId: string, enabled: boolean): Promise<void>;
  closeParticipant(participantId: string): void;
  close(): void;
}

/** Makes the media of a lesson (on the least-loaded live worker). */
export interface LessonMediaFactory {
  createLessonMedia(options: { lessonId: string }): Promise<LessonMediaPort>;
}
