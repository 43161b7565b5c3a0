import { EventEmitter } from 'node:events';

import { ActiveSpeaker } from './active-speaker.js';
import type { AdaptationOptions, ReceiverLinkReport } from './adaptation.js';
import { AdaptationLoop } from './adaptation-loop.js';
import { reportConsumer } from './consumer-events.js';
import { LessonMediaError, refusingInvalid } from './errors.js';
import type { LessonMediaEvents, ProducerSource, TransportDirection } from './events.js';
import { withContext, type MediaLogger } from './logger.js';
import type { LessonMediaHost } from './media-worker.js';
import { LessonRouters, type RouterOnAnotherWorker } from './lesson-routers.js';
import { ParticipantMedia, type LessonProducer, type ProducerAppData } from './participant-media.js';
import { ReceivedStream, type ConsumerAppData, type TileSize } from './received-stream.js';
import { RecordingTaps, type RecordingReceiver, type RecordingTapInfo } from './recording-tap.js';
import type { TransportQuality } from './stats.js';
import {
  createPlainTransport,
  createWebRtcTransport,
  isWebRtcTransport,
  plainTransportParameters,
  reportTransportState,
  webRtcTransportParameters,
  type LessonTransport,
  type LessonWebRtcTransport,
  type PlainTransportParameters,
  type PlainTransportRequest,
  type WebRtcTransportParameters,
} from './transports.js';
import type {
  ActiveSpeakerObserver,
  DtlsParameters,
  IceParameters,
  MediaKind,
  Router,
  RtpCapabilities,
  RtpParameters,
} from './types.js';

/** How to make a {@link LessonMedia} (through `MediaWorkerPool.createLessonMedia`). */
export interface LessonMediaOptions {
  /** The live lesson (session) this media belongs to; unique among the pool's live lessons. */
  readonly lessonId: string;
  /** Overrides of the link adaptation thresholds and windows. */
  readonly adaptation?: Partial<AdaptationOptions>;
  /** How often each receiver's link is evaluated, in ms (default 1000). */
  readonly adaptationIntervalMs?: number;
  /** Consumers a worker is given before the lesson's next receivers go to another worker (see lesson-routers.ts). */
  readonly consumersPerWorker?: number;
}

/** A producer as the lesson snapshot lists it. */
export interface ProducerInfo {
  readonly producerId: string;
  readonly participantId: string;
  readonly kind: MediaKind;
  readonly source: ProducerSource;
  readonly paused: boolean;
}

/** What a receiver needs to consume a producer (mediasoup-client's `transport.consume`). */
export interface ConsumerParameters {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: RtpParameters;
  readonly source: ProducerSource;
  /** The participant whose producer this is. */
  readonly participantId: string;
}

/** A consumer's state on the SFU side, for diagnostics and tests. */
export interface ConsumerState {
  readonly consumerId: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  /** Paused by the SFU: not yet resumed by the receiver, tile hidden, or audio only. */
  readonly paused: boolean;
  readonly producerPaused: boolean;
  readonly spatialLayers: number;
  readonly preferredSpatialLayer: number | null;
  readonly currentSpatialLayer: number | null;
  readonly score: number;
}

const SOURCE_KIND: Record<ProducerSource, MediaKind> = { mic: 'audio', camera: 'video', screen: 'video' };

/**
 * The media of one live lesson: a home router on one worker (and, when its receivers outgrow that worker,
 * routers on others: lesson-routers.ts), an active-speaker observer over every microphone, and each
 * participant's transports, producers and consumers. It validates that ids belong to the participant who
 * names them, and reports everything that happens through typed events.
 */
export class LessonMedia extends EventEmitter<LessonMediaEvents> {
  readonly lessonId: string;
  /** The home router (producers, the active-speaker observer, recordings). */
  readonly #router: Router;
  readonly #routers: LessonRouters;
  readonly #logger: MediaLogger;
  readonly #participants = new Map<string, ParticipantMedia>();
  readonly #producers = new Map<string, LessonProducer>();
  readonly #adaptation: AdaptationLoop;
  readonly #speakers: ActiveSpeaker;
  readonly #recordings: RecordingTaps;
  /** Transports a connect was sent for: mediasoup accepts one connect per transport. */
  readonly #connected = new WeakSet<LessonWebRtcTransport>();
  #closed = false;

  /**
   * Used by `MediaWorkerPool.createLessonMedia`, which picks the worker and creates the home router;
   * `another` gives the lesson a router on another worker when its receivers outgrow the ones it has.
   */
  static async create(router: Router, host: LessonMediaHost, logger: MediaLogger, options: LessonMediaOptions, another?: RouterOnAnotherWorker): Promise<LessonMedia> {
    let observer: ActiveSpeakerObserver;
    try {
      observer = await ActiveSpeaker.createObserver(router);
    } catch (error) {
      router.close();
      throw error;
    }
    return new LessonMedia(router, observer, host, logger, options, another);
  }

  private constructor(
    router: Router,
    observer: ActiveSpeakerObserver,
    host: LessonMediaHost,
    logger: MediaLogger,
    options: LessonMediaOptions,
    another: RouterOnAnotherWorker | undefined,
  ) {
    super();
    this.lessonId = options.lessonId;
    this.#router = router;
    this.#routers = new LessonRouters({ router, host }, { consumersPerWorker: options.consumersPerWorker, another, lost: () => this.#end('worker-died') });
    this.#logger = withContext(logger, { lessonId: options.lessonId });
    this.#speakers = new ActiveSpeaker(observer, this, this.#logger);
    this.#recordings = new RecordingTaps(router, host, this);
    this.#adaptation = new AdaptationLoop({
      receivers: () => this.#participants.values(),
      sink: this,
      logger: this.#logger,
      policy: options.adaptation,
      intervalMs: options.adaptationIntervalMs,
    });
    router.once('workerclose', () => this.#end('worker-died'));
  }

  /** The router's RTP capabilities: what clients load their mediasoup-client Device with. */
  get rtpCapabilities(): RtpCapabilities {
    return this.#router.rtpCapabilities;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every live producer of the lesson, for the join snapshot. */
  get producers(): ProducerInfo[] {
    return [...this.#producers.values()].map((producer) => ({
      producerId: producer.id,
      participantId: producer.appData.participantId,
      kind: producer.kind,
      source: producer.appData.source,
      paused: producer.paused,
    }));
  }

  /**
   * Creates the participant's WebRTC transport for one direction (the participant is known to the lesson
   * from its first transport on). A second transport of the same direction replaces the first.
   */
  async createTransport(participantId: string, direction: TransportDirection): Promise<WebRtcTransportParameters> {
    const participant = this.#participantOrNew(participantId);
    const transport = await this.#routers.transport(direction, this.#expectedConsumers, ({ router, host }) => createWebRtcTransport(router, host.listen, { participantId, direction, kind: 'webrtc' }));
    this.#adopt(participant, transport);
    reportTransportState(transport, this);
    return webRtcTransportParameters(transport);
  }

  /**
   * Creates a PlainTransport (plain RTP on loopback or LAN) for RTP tools, load generators and tests; the
   * rest of the API treats it like a WebRTC transport of that direction.
   */
  async createPlainTransport(participantId: string, request: PlainTransportRequest): Promise<PlainTransportParameters> {
    const participant = this.#participantOrNew(participantId);
    const transport = await this.#routers.transport(request.direction, this.#expectedConsumers, ({ router, host }) =>
      createPlainTransport(router, host.listen, request, { participantId, direction: request.direction, kind: 'plain' }),
    );
    this.#adopt(participant, transport);
    return plainTransportParameters(transport);
  }

  /** @throws {LessonMediaError} `already-connected` for a second connect (the worker would refuse it as a fault). */
  async connectTransport(participantId: string, transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.#webRtcTransport(participantId, transportId);
    if (this.#connected.has(transport)) throw new LessonMediaError('already-connected', `transport ${transportId} is connected already`);
    this.#connected.add(transport);
    try {
      await refusingInvalid('dtlsParameters', () => transport.connect({ dtlsParameters }));
    } catch (error) {
      this.#connected.delete(transport);
      throw error;
    }
  }

  /** New ICE credentials after the client's network changed (the client calls `restartIce` with them). */
  async restartIce(participantId: string, transportId: string): Promise<IceParameters> {
    return this.#webRtcTransport(participantId, transportId).restartIce();
  }

  /** Starts receiving a participant's camera, microphone or screen; returns the producer id. */
  async produce(
    participantId: string,
    request: { transportId: string; kind: MediaKind; source: ProducerSource; rtpParameters: RtpParameters },
  ): Promise<string> {
    const { transportId, kind, source, rtpParameters } = request;
    const participant = this.#participant(participantId);
    const transport = participant.transport(transportId, 'send');
    if (SOURCE_KIND[source] !== kind) {
      throw new LessonMediaError('kind-mismatch', `a ${source} producer must be ${SOURCE_KIND[source]}, not ${kind}`);
    }
    if (participant.producerOf(source)) {
      throw new LessonMediaError('duplicate-source', `participant ${participantId} already sends a ${source}`);
    }
    const producer = await refusingInvalid('rtpParameters', () => transport.produce<ProducerAppData>({ kind, rtpParameters, appData: { participantId, source } }));
    this.#assertStillHere(participant, () => producer.close());
    if (participant.producerOf(source)) {
      // A second request for the same source overtook this one while the worker created it.
      producer.close();
      throw new LessonMediaError('duplicate-source', `participant ${participantId} already sends a ${source}`);
    }
    participant.addProducer(producer);
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producerClosed(producer));
    this.emit('producer-created', { participantId, producerId: producer.id, kind, source });
    if (kind === 'audio') this.#speakers.addMicrophone(producer);
    return producer.id;
  }

  /** Mutes a producer (its owner, or a moderator acting on it). */
  async pauseProducer(participantId: string, producerId: string): Promise<void> {
    const producer = this.#participant(participantId).producer(producerId);
    if (producer.paused) return;
    await producer.pause();
    this.emit('producer-paused', { participantId, producerId, paused: true });
  }

  async resumeProducer(participantId: string, producerId: string): Promise<void> {
    const producer = this.#participant(participantId).producer(producerId);
    if (!producer.paused) return;
    await producer.resume();
    this.emit('producer-paused', { participantId, producerId, paused: false });
  }

  /** Ends a producer; everyone consuming it gets 'consumer-closed' with reason 'producer-closed'. */
  closeProducer(participantId: string, producerId: string): void {
    this.#participant(participantId).producer(producerId).close();
  }

  /**
   * Creates a consumer of any producer of the lesson on the participant's recv transport. It starts paused:
   * it runs after {@link resumeConsumer}, while its tile is visible and the participant is not audio only.
   * `maxSpatialLayer` caps the simulcast layers this consumer ever forwards, whatever its tile asks (a
   * broadcast viewer gets the lower layers only); its first frames come from that layer at most.
   * @throws {LessonMediaError} `cannot-consume` when the participant's device cannot decode the producer.
   */
  async consume(participantId: string, request: { producerId: string; rtpCapabilities: RtpCapabilities; maxSpatialLayer?: number | undefined }): Promise<ConsumerParameters> {
    const { producerId, rtpCapabilities, maxSpatialLayer } = request;
    const receiver = this.#participant(participantId);
    const producer = this.#producers.get(producerId);
    if (!producer) throw new LessonMediaError('unknown-producer', `lesson ${this.lessonId} has no producer ${producerId}`);
    const transport = receiver.transportOf('recv');
    if (!transport) throw new LessonMediaError('unknown-transport', `participant ${participantId} has no recv transport`);
    if (!this.#router.canConsume({ producerId, rtpCapabilities })) {
      throw new LessonMediaError('cannot-consume', `participant ${participantId} cannot decode producer ${producerId}`);
    }
    const { participantId: producerParticipantId, source } = producer.appData;
    // Every lesson router has the same codecs: what home can send her, hers can.
    const placed = this.#routers.routerOf(transport.id);
    await this.#routers.bring(producerId, placed);
    this.#assertStillHere(receiver, () => undefined);
    const consumer = await refusingInvalid('rtpCapabilities', () =>
      transport.consume<ConsumerAppData>({
        producerId,
        rtpCapabilities,
        paused: true,
        appData: { participantId, producerParticipantId },
        ...(maxSpatialLayer !== undefined && { preferredLayers: { spatialLayer: maxSpatialLayer } }),
      }),
    );
    this.#assertStillHere(receiver, () => consumer.close());
    this.#routers.consumed(transport.id);
    const stream = new ReceivedStream(consumer, receiver, maxSpatialLayer);
    receiver.addStream(stream);
    reportConsumer(stream, placed.host, this);
    this.emit('consumer-created', { participantId, consumerId: consumer.id, producerId, kind: consumer.kind });
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      source,
      participantId: producerParticipantId,
    };
  }

  /** Ends one of the participant's consumers (it may no longer see that producer); reason 'closed'. */
  closeConsumer(participantId: string, consumerId: string): void {
    this.#participant(participantId).stream(consumerId).consumer.close();
  }

  /** The receiver has set up rendering: the consumer may run (subject to its tile and audio only). */
  async resumeConsumer(participantId: string, consumerId: string): Promise<void> {
    await this.#participant(participantId).stream(consumerId).markReady();
  }

  /**
   * The receiver's tile for a video consumer: hidden or 0-sized pauses it; otherwise its preferred spatial
   * layer follows the height (≤ 240 → 0, ≤ 480 → 1, else the top), capped by link adaptation. Audio ignores it.
   */
  async setTile(participantId: string, consumerId: string, tile: TileSize): Promise<void> {
    await this.#participant(participantId).stream(consumerId).setTile(tile);
  }

  /** Pauses (enabled) or resumes all the participant's video consumers; audio keeps running. */
  async setAudioOnly(participantId: string, enabled: boolean): Promise<void> {
    await this.#participant(participantId).setAudioOnly(enabled);
  }

  /**
   * What the participant's browser measured of its link (loss, estimate, freezes …): link adaptation judges
   * it with the next sample. A report from someone without media yet is of no use and is dropped.
   */
  reportLink(participantId: string, report: ReceiverLinkReport): void {
    if (this.#closed) return;
    this.#participants.get(participantId)?.reportLink(report);
  }

  /** Where one of the participant's consumers stands (pause, layers, score): for diagnostics and tests. */
  consumerState(participantId: string, consumerId: string): ConsumerState {
    const stream = this.#participant(participantId).stream(consumerId);
    const { consumer } = stream;
    return {
      consumerId,
      producerId: consumer.producerId,
      kind: consumer.kind,
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
      spatialLayers: stream.spatialLayers,
      preferredSpatialLayer: consumer.preferredLayers?.spatialLayer ?? null,
      currentSpatialLayer: consumer.currentLayers?.spatialLayer ?? null,
      score: consumer.score.score,
    };
  }

  /**
   * Feeds a producer to a local recorder as plain RTP (a simulcast one: its best layer). The tap is no
   * participant; it starts paused — {@link resumeRecording} once the recorder listens. See recording-tap.ts.
   */
  async recordProducer(producerId: string, receiver: RecordingReceiver): Promise<RecordingTapInfo> {
    if (this.#closed) throw new LessonMediaError('lesson-closed', `lesson ${this.lessonId} media is closed`);
    const producer = this.#producers.get(producerId);
    if (!producer) throw new LessonMediaError('unknown-producer', `lesson ${this.lessonId} has no producer ${producerId}`);
    return this.#recordings.open(producer, receiver);
  }

  resumeRecording(consumerId: string): Promise<void> {
    return this.#recordings.resume(consumerId);
  }

  /** Asks the recorded producer for a key frame (the recorder has no picture yet, or the layer changed). */
  requestKeyFrame(consumerId: string): Promise<void> {
    return this.#recordings.requestKeyFrame(consumerId);
  }

  /** Ends a recording tap; `'recording-closed'` {reason: 'closed'} follows. */
  stopRecording(consumerId: string): void {
    this.#recordings.close(consumerId);
  }

  /** The participant's link quality per transport, from mediasoup's stats. */
  async stats(participantId: string): Promise<TransportQuality[]> {
    return this.#participant(participantId).stats();
  }

  /**
   * Ids of the participant's open transports; none for one unknown here. A site back from a dropped
   * signalling link keeps its media only when these are the transports it still holds.
   */
  transportIds(participantId: string): string[] {
    return this.#participants.get(participantId)?.transportIds ?? [];
  }

  /** Closes the participant's transports, producers and consumers. Unknown participants are ignored. */
  closeParticipant(participantId: string): void {
    const participant = this.#participants.get(participantId);
    if (!participant) return;
    this.#participants.delete(participantId);
    this.#adaptation.forget(participantId);
    participant.close();
  }

  /** Closes the router and everything on it; emits 'closed' {reason: 'closed'}. Safe to call twice. */
  close(): void {
    this.#end('closed');
  }

  #end(reason: 'closed' | 'worker-died'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#adaptation.stop();
    this.#speakers.stop();
    this.#recordings.closeAll(reason);
    // Closing the routers closes every transport, producer and consumer (each reporting its own close);
    // after a worker death that router is closed already.
    this.#routers.close();
    this.#router.close();
    this.#participants.clear();
    this.#producers.clear();
    if (reason === 'worker-died') this.#logger.error({}, 'lesson media lost: its worker died');
    this.emit('closed', { reason });
  }

  #participant(participantId: string): ParticipantMedia {
    if (this.#closed) throw new LessonMediaError('lesson-closed', `lesson ${this.lessonId} media is closed`);
    const participant = this.#participants.get(participantId);
    if (!participant) throw new LessonMediaError('unknown-participant', `no participant ${participantId} in lesson ${this.lessonId}`);
    return participant;
  }

  #participantOrNew(participantId: string): ParticipantMedia {
    if (this.#closed) throw new LessonMediaError('lesson-closed', `lesson ${this.lessonId} media is closed`);
    let participant = this.#participants.get(participantId);
    if (!participant) {
      participant = new ParticipantMedia(participantId);
      this.#participants.set(participantId, participant);
    }
    return participant;
  }

  /** After an await: the lesson or the participant may have gone meanwhile; then undo and refuse. */
  #assertStillHere(participant: ParticipantMedia, undo: () => void): void {
    if (!this.#closed && this.#participants.get(participant.id) === participant) return;
    undo();
    if (this.#closed) throw new LessonMediaError('lesson-closed', `lesson ${this.lessonId} media closed meanwhile`);
    throw new LessonMediaError('unknown-participant', `participant ${participant.id} left meanwhile`);
  }

  /** Consumers a new receiver will hold: one per producer now. */
  get #expectedConsumers(): number {
    return Math.max(1, this.#producers.size);
  }

  #adopt(participant: ParticipantMedia, transport: LessonTransport): void {
    this.#assertStillHere(participant, () => transport.close());
    participant.addTransport(transport);
  }

  #webRtcTransport(participantId: string, transportId: string): LessonWebRtcTransport {
    const transport = this.#participant(participantId).transport(transportId);
    if (!isWebRtcTransport(transport)) {
      throw new LessonMediaError('unknown-transport', `transport ${transportId} is not a WebRTC transport`);
    }
    return transport;
  }

  #producerClosed(producer: LessonProducer): void {
    this.#producers.delete(producer.id);
    this.#routers.forgetProducer(producer.id);
    this.emit('producer-closed', { participantId: producer.appData.participantId, producerId: producer.id });
  }
}
