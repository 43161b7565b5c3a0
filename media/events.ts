import type { EventEmitter } from 'node:events';

import type { AdaptationAdvice } from './adaptation.js';
import type { DtlsState, IceState, MediaKind } from './types.js';

/** What a producer carries; the wire contract's MediaSource has the same values. */
export type ProducerSource = 'camera' | 'mic' | 'screen';
export const PRODUCER_SOURCES: readonly ProducerSource[] = ['camera', 'mic', 'screen'];

/** A participant's transport sends media to the SFU or receives media from it. */
export type TransportDirection = 'send' | 'recv';

/** Why a consumer went away: its producer closed, or it (or its transport, participant, lesson) was closed. */
export type ConsumerCloseReason = 'producer-closed' | 'closed';

/** Why a lesson's media ended. After 'worker-died' the server creates a new LessonMedia and has clients rebuild. */
export type LessonMediaCloseReason = 'closed' | 'worker-died';

/**
 * Events of a {@link LessonMedia}, with their payloads. Everything the gateway tells clients about media,
 * and everything the evidence recorder keeps, comes from here.
 */
export interface LessonMediaEvents {
  /** A participant started sending a camera, microphone or screen. */
  'producer-created': [event: { participantId: string; producerId: string; kind: MediaKind; source: ProducerSource }];
  /** A producer ended (closed by its participant, or its transport or participant was closed). */
  'producer-closed': [event: { participantId: string; producerId: string }];
  /** A producer was paused (muted) or resumed. */
  'producer-paused': [event: { participantId: string; producerId: string; paused: boolean }];
  /** A participant (the receiver) got a consumer of someone's producer. */
  'consumer-created': [event: { participantId: string; consumerId: string; producerId: string; kind: MediaKind }];
  /** A receiver's consumer ended. */
  'consumer-closed': [event: { participantId: string; consumerId: string; producerId: string; reason: ConsumerCloseReason }];
  /** The quality (0–10) of the stream to the receiver, and of its source, changed. */
  'consumer-score': [event: { participantId: string; consumerId: string; score: number; producerScore: number }];
  /** The layers actually sent to the receiver changed; null when nothing is being sent. */
  'consumer-layers': [
    event: { participantId: string; consumerId: string; spatialLayer: number | null; temporalLayer: number | null },
  ];
  /** The receiver's link adaptation stepped: layers lowered, audio only suggested, or recovered. */
  advice: [event: { participantId: string; advice: AdaptationAdvice }];
  /** The dominant speaker changed; null when the speaker's microphone went away or was muted. */
  'active-speaker': [event: { participantId: string | null }];
  /** A WebRTC transport's ICE or DTLS state changed (only the field that changed is set). */
  'transport-state': [
    event: { participantId: string; transportId: string; direction: TransportDirection; ice?: IceState; dtls?: DtlsState },
  ];
  /** A recording tap's first RTP packet left for its recorder (the wall instant of the track's time 0). */
  'recording-flowing': [event: { consumerId: string; producerId: string; at: Date }];
  /** A recording tap ended: its producer closed, it was closed, or the worker under it died. */
  'recording-closed': [event: { consumerId: string; producerId: string; reason: 'producer-closed' | 'closed' | 'worker-died' }];
  /** The lesson's media ended; every transport, producer and consumer is gone. Emitted once. */
  closed: [event: { reason: LessonMediaCloseReason }];
}

/** Where the parts of a LessonMedia report their events: the LessonMedia itself. */
export type LessonEventSink = Pick<EventEmitter<LessonMediaEvents>, 'emit'>;
