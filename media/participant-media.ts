import type { LinkSample, ReceiverLinkReport } from './adaptation.js';
import { LessonMediaError } from './errors.js';
import type { ProducerSource, TransportDirection } from './events.js';
import type { ReceivedStream, ReceiverPreferences } from './received-stream.js';
import { transportQuality, type TransportQuality } from './stats.js';
import { onTransportClose, type LessonTransport } from './transports.js';
import type { Producer } from './types.js';

/** appData of every producer a lesson makes. */
export interface ProducerAppData {
  [key: string]: unknown;
  participantId: string;
  source: ProducerSource;
}

export type LessonProducer = Producer<ProducerAppData>;

/**
 * The media of one participant of a live lesson: at most one transport per direction, its producers and
 * its consumers (as {@link ReceivedStream}s), and how it wants to receive. Objects leave these maps by
 * themselves when mediasoup closes them, whatever the cause.
 */
export class ParticipantMedia implements ReceiverPreferences {
  readonly id: string;
  audioOnly = false;
  layerCeiling: number | undefined = undefined;
  /** The browser's latest link report not yet sampled by adaptation. */
  #linkReport: ReceiverLinkReport | undefined;
  readonly #transports = new Map<string, LessonTransport>();
  readonly #producers = new Map<string, LessonProducer>();
  readonly #streams = new Map<string, ReceivedStream>();

  constructor(id: string) {
    this.id = id;
  }

  get producers(): LessonProducer[] {
    return [...this.#producers.values()];
  }

  get streams(): ReceivedStream[] {
    return [...this.#streams.values()];
  }

  /** The participant's transport of this direction, if it has one. */
  transportOf(direction: TransportDirection): LessonTransport | undefined {
    return [...this.#transports.values()].find((transport) => transport.appData.direction === direction);
  }

  /** Ids of the participant's open transports (a reconnecting site resumes them by id). */
  get transportIds(): string[] {
    return [...this.#transports.values()].filter((transport) => !transport.closed).map((transport) => transport.id);
  }

  /** @throws {LessonMediaError} `unknown-transport`, or `wrong-direction` when `direction` is given and differs. */
  transport(transportId: string, direction?: TransportDirection): LessonTransport {
    const transport = this.#transports.get(transportId);
    if (!transport) throw new LessonMediaError('unknown-transport', `participant ${this.id} has no transport ${transportId}`);
    if (direction && transport.appData.direction !== direction) {
      throw new LessonMediaError('wrong-direction', `transport ${transportId} is not a ${direction} transport`);
    }
    return transport;
  }

  /** @throws {LessonMediaError} `unknown-producer` */
  producer(producerId: string): LessonProducer {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new LessonMediaError('unknown-producer', `participant ${this.id} has no producer ${producerId}`);
    return producer;
  }

  producerOf(source: ProducerSource): LessonProducer | undefined {
    return this.producers.find((producer) => producer.appData.source === source);
  }

  /** @throws {LessonMediaError} `unknown-consumer` */
  stream(consumerId: string): ReceivedStream {
    const stream = this.#streams.get(consumerId);
    if (!stream) throw new LessonMediaError('unknown-consumer', `participant ${this.id} has no consumer ${consumerId}`);
    return stream;
  }

  /** Registers a new transport; the previous one of the same direction closes (a client that rebuilt it). */
  addTransport(transport: LessonTransport): void {
    this.transportOf(transport.appData.direction)?.close();
    this.#transports.set(transport.id, transport);
    onTransportClose(transport, () => this.#transports.delete(transport.id));
  }

  addProducer(producer: LessonProducer): void {
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => this.#producers.delete(producer.id));
  }

  addStream(stream: ReceivedStream): void {
    const { consumer } = stream;
    this.#streams.set(consumer.id, stream);
    consumer.observer.once('close', () => this.#streams.delete(consumer.id));
  }

  /** Pauses (enabled) or resumes every video stream this participant receives. */
  async setAudioOnly(enabled: boolean): Promise<void> {
    this.audioOnly = enabled;
    await this.applyToVideo();
  }

  /** Sets the ceiling link adaptation decided and brings every video stream in line. */
  async setLayerCeiling(ceiling: number | undefined): Promise<void> {
    this.layerCeiling = ceiling;
    await this.applyToVideo();
  }

  async applyToVideo(): Promise<void> {
    const video = this.streams.filter((stream) => stream.consumer.kind === 'video');
    await Promise.all(video.map((stream) => stream.apply()));
  }

  /**
   * Keeps what the participant's browser reported of its link for the next adaptation sample. Two reports
   * before one sample (timers drift): the latest figures, with both reports' freezes.
   */
  reportLink(report: ReceiverLinkReport): void {
    const unsampled = this.#linkReport;
    if (!unsampled) {
      this.#linkReport = report;
      return;
    }
    const sum = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
    const freezeCount = sum(unsampled.freezeCount, report.freezeCount);
    const freezeMs = sum(unsampled.freezeMs, report.freezeMs);
    this.#linkReport = { ...report, ...(freezeCount !== undefined && { freezeCount }), ...(freezeMs !== undefined && { freezeMs }) };
  }

  /**
   * The receiving link as adaptation sees it: scores, layers and frame-rate thinning of the running video
   * streams, and the browser's report since the last sample (each report is judged once, so its freezes
   * are not counted twice).
   */
  linkSample(): LinkSample {
    const running = this.streams.filter((stream) => stream.consumer.kind === 'video' && stream.running);
    const report = this.#linkReport;
    this.#linkReport = undefined;
    return {
      scores: running.map((stream) => stream.consumer.score.score),
      topLayer: Math.max(0, ...running.map((stream) => stream.targetSpatialLayer)),
      tileLayers: running.map((stream) => stream.tileSpatialLayer),
      temporalCut: running.some((stream) => stream.temporalCut),
      ...(report && { report }),
    };
  }

  /** Link quality of each of the participant's transports. */
  async stats(): Promise<TransportQuality[]> {
    const transports = [...this.#transports.values()].filter((transport) => !transport.closed);
    return Promise.all(
      transports.map((transport) =>
        transportQuality(transport, transport.appData.direction, {
          producers: this.producers,
          consumers: this.streams.map((stream) => stream.consumer),
        }),
      ),
    );
  }

  /** Closes every transport, and with them every producer and consumer of this participant. */
  close(): void {
    for (const transport of [...this.#transports.values()]) transport.close();
  }
}
