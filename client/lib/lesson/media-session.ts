import { Device, type types } from 'mediasoup-client';
import type { MediaSource } from '../../../shared/lesson/model.js';
import type { LessonRequestData } from '../../../shared/lesson/protocol.js';
import type { LessonConnection } from './connection.js';
import { ConsumerResumes } from './consumer-resumes.js';
import {
  CAMERA_CODEC_OPTIONS,
  CAMERA_ENCODINGS,
  MIC_CODEC_OPTIONS,
  SCREEN_ENCODINGS,
  type SenderProfile,
} from './encodings.js';
import type { IcePolicy } from './relay-fallback.js';

/** A loaded mediasoup-client Device and the router capabilities it was loaded with. */
export interface LoadedDevice {
  device: Device;
  /** The router's capabilities as JSON: a new router (media rebuilt) needs a new Device. */
  routerKey: string;
}

export async function loadDevice(routerRtpCapabilities: unknown): Promise<LoadedDevice> {
  const device = await Device.factory();
  // The server's capabilities come from mediasoup's router as the contract describes them.
  await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
  return { device, routerKey: JSON.stringify(routerRtpCapabilities) };
}

/** One received track: what the lesson state keeps for a consumer. */
export interface ReceivedTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  track: MediaStreamTrack;
}

export interface MediaSessionListeners {
  /** The browser's side of a consumer ended (its transport closed). */
  onConsumerGone(consumerId: string): void;
  /** A transport's ICE/DTLS state, for the connection indicator. */
  onTransportState(direction: 'send' | 'recv', state: types.ConnectionState): void;
}

/** What the media needs of the lesson connection: its requests (transports, producers, consumers, ICE restarts). */
export type MediaSignalling = Pick<LessonConnection, 'request'>;

type TransportOptions = LessonRequestData<'transport:create'>;
type ConsumerOptions = LessonRequestData<'consumer:create'>;

/** The server's transport options are mediasoup's own; the contract types them loosely. */
function transportOptions(options: TransportOptions, iceServers: RTCIceServer[], iceTransportPolicy: IcePolicy): types.TransportOptions {
  return {
    id: options.id,
    iceParameters: options.iceParameters as types.IceParameters,
    iceCandidates: options.iceCandidates as types.IceCandidate[],
    dtlsParameters: options.dtlsParameters as types.DtlsParameters,
    iceServers,
    iceTransportPolicy,
  };
}

/** A `disconnected` transport often recovers by itself; restart ICE only if it is still down after this. */
const ICE_RESTART_GRACE_MS = 1_500;

/**
 * The media of one joined connection: a send and a recv transport on one Device, the site's producers
 * (camera, mic, screen) and its consumers. It outlives a dropped signalling link: the rejoin offers its
 * transports (`resumableTransportIds`) and, when the server kept them, goes on with it (`reconcile`). A
 * media rebuild, or a rejoin the server answers without its media, starts a new MediaSession; local
 * tracks outlive it, since producers never stop them.
 */
export class MediaSession {
  readonly #device: Device;
  readonly #connection: MediaSignalling;
  readonly #listeners: MediaSessionListeners;
  readonly #iceServers: RTCIceServer[];
  readonly #icePolicy: IcePolicy;
  #send: types.Transport | null = null;
  #sendPending: Promise<types.Transport> | null = null;
  #recv: types.Transport | null = null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #restarting = new Set<string>();
  /** Tiles mounted together (after a join) resume their consumers in one request. */
  readonly #resumes: ConsumerResumes;
  #closed = false;

  /** `icePolicy` 'relay': only through the TURN servers (see relay-fallback.ts). */
  constructor(device: Device, connection: MediaSignalling, iceServers: RTCIceServer[], icePolicy: IcePolicy, listeners: MediaSessionListeners) {
    this.#device = device;
    this.#connection = connection;
    this.#iceServers = iceServers;
    this.#icePolicy = icePolicy;
    this.#listeners = listeners;
    this.#resumes = new ConsumerResumes(
      (name, payload) => connection.request(name, payload),
      (consumerId) => this.#consumers.has(consumerId),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The recv transport exists: producers can be consumed. */
  get receiving(): boolean {
    return this.#recv !== null && !this.#closed;
  }

  canSend(kind: 'audio' | 'video'): boolean {
    return this.#device.canProduce(kind);
  }

  /**
   * Sets up the recv transport (before consuming anything): from the options the join ack carried, else
   * (a server that made none) asks for one.
   */
  async openReceiving(given?: TransportOptions): Promise<void> {
    const options = given ?? (await this.#connection.request('transport:create', { direction: 'recv' }));
    this.#assertOpen();
    const transport = this.#device.createRecvTransport(transportOptions(options, this.#iceServers, this.#icePolicy));
    this.#wire(transport, 'recv');
    this.#recv = transport;
  }

  producerId(source: MediaSource): string | null {
    return this.#producers.get(source)?.id ?? null;
  }

  /** Sends a track as the site's camera, mic or screen (replacing an earlier one of that source). */
  async produce(source: MediaSource, track: MediaStreamTrack, profile: SenderProfile): Promise<string> {
    const transport = await this.#sendTransport();
    this.#producers.get(source)?.close();
    const options: types.ProducerOptions =
      source === 'mic'
        ? { track, codecOptions: MIC_CODEC_OPTIONS }
        : source === 'camera'
          ? { track, encodings: CAMERA_ENCODINGS[profile], codecOptions: CAMERA_CODEC_OPTIONS }
          : { track, encodings: SCREEN_ENCODINGS };
    // Tracks belong to the page (preview, next connection): closing a producer must not stop them.
    const producer = await transport.produce({ ...options, stopTracks: false, appData: { source } });
    if (this.#closed) {
      producer.close();
      this.#assertOpen();
    }
    this.#producers.set(source, producer);
    return producer.id;
  }

  /** Mutes or unmutes a producer here and on the server (the mic button). */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    if (paused) producer.pause();
    else producer.resume();
    await this.#connection.request(paused ? 'producer:pause' : 'producer:resume', { producerId: producer.id });
  }

  /** Stops sending a source and tells the server. */
  async closeProducer(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    this.forgetProducer(source);
    await this.#connection.request('producer:close', { producerId: producer.id });
  }

  /** The server already closed this producer (the teacher stopped the camera): close our side only. */
  forgetProducer(source: MediaSource): void {
    this.#producers.get(source)?.close();
    this.#producers.delete(source);
  }

  /** Pauses our side to match a pause the server applied (the teacher muted this site). */
  markPaused(source: MediaSource): void {
    this.#producers.get(source)?.pause();
  }

  /** Asks the server for a consumer of a producer and sets it up here (it starts paused on the server). */
  async consume(producerId: string): Promise<ReceivedTrack> {
    if (!this.#recv) throw new Error('consume() before openReceiving()');
    const options: ConsumerOptions = await this.#connection.request('consumer:create', { producerId });
    this.#assertOpen();
    return this.receive(options);
  }

  /** Sets up here a consumer the server has made (paused there): one of the join ack's, or consumer:create's. */
  async receive(options: ConsumerOptions): Promise<ReceivedTrack> {
    if (!this.#recv) throw new Error('receive() before openReceiving()');
    const { producerId } = options;
    const consumer = await this.#recv.consume({
      id: options.id,
      producerId: options.producerId,
      kind: options.kind,
      rtpParameters: options.rtpParameters as types.RtpParameters,
      appData: { participantId: options.participantId, source: options.source },
    });
    if (this.#closed) {
      consumer.close();
      this.#assertOpen();
    }
    this.#consumers.set(consumer.id, consumer);
    consumer.on('transportclose', () => {
      this.#consumers.delete(consumer.id);
      this.#listeners.onConsumerGone(consumer.id);
    });
    return { consumerId: consumer.id, producerId, participantId: options.participantId, kind: options.kind, source: options.source, track: consumer.track };
  }

  /** The element that shows it is in the page: let the server start sending (with the others of this task). */
  async resumeConsumer(consumerId: string): Promise<void> {
    if (!this.#consumers.has(consumerId)) return;
    await this.#resumes.resume(consumerId);
  }

  hasConsumer(consumerId: string): boolean {
    return this.#consumers.has(consumerId);
  }

  /** The server closed a consumer (or its producer went): close our side. */
  closeConsumer(consumerId: string): void {
    this.#consumers.get(consumerId)?.close();
    this.#consumers.delete(consumerId);
  }

  /** Stats of both transports, for the link-quality report. */
  async stats(): Promise<{ send: RTCStatsReport | null; recv: RTCStatsReport | null }> {
    const [send, recv] = await Promise.all([this.#send?.getStats() ?? null, this.#recv?.getStats() ?? null]);
    return { send, recv };
  }

  /**
   * The transports to offer a rejoin after a dropped link, or null when this media cannot go on: closed,
   * no recv transport yet, or a transport whose ICE/DTLS failed (then the server's copy is no use either).
   */
  resumableTransportIds(): string[] | null {
    if (this.#closed || !this.#recv) return null;
    const transports = [this.#recv, this.#send].filter((t) => t !== null);
    if (transports.some((t) => t.closed || t.connectionState === 'failed' || t.connectionState === 'closed')) return null;
    return transports.map((t) => t.id);
  }

  /**
   * Back in step with the server after a resumed join: what it no longer holds (closed while the link was
   * down) is closed here too. Returns the consumers and the sources that went.
   */
  reconcile(kept: { producerIds: readonly string[]; consumerIds: readonly string[] }): { consumerIds: string[]; sources: MediaSource[] } {
    const consumerIds = [...this.#consumers.keys()].filter((id) => !kept.consumerIds.includes(id));
    for (const id of consumerIds) this.closeConsumer(id);
    const sources = [...this.#producers].filter(([, producer]) => !kept.producerIds.includes(producer.id)).map(([source]) => source);
    for (const source of sources) this.forgetProducer(source);
    return { consumerIds, sources };
  }

  /** After a resumed join: a transport that went down while the socket was too gets its ICE restarted now. */
  restartIceIfDown(): void {
    for (const transport of [this.#send, this.#recv]) {
      if (transport && (transport.connectionState === 'disconnected' || transport.connectionState === 'failed')) void this.#restartIce(transport);
    }
  }

  /** Closes both transports (and with them every producer and consumer); safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#send?.close();
    this.#recv?.close();
    this.#producers.clear();
    this.#consumers.clear();
  }

  async #sendTransport(): Promise<types.Transport> {
    if (this.#send) return this.#send;
    this.#sendPending ??= (async () => {
      const options = await this.#connection.request('transport:create', { direction: 'send' });
      this.#assertOpen();
      const transport = this.#device.createSendTransport(transportOptions(options, this.#iceServers, this.#icePolicy));
      this.#wire(transport, 'send');
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source as MediaSource;
        this.#connection
          .request('producer:create', { transportId: transport.id, kind, source, rtpParameters })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
      this.#send = transport;
      return transport;
    })();
    try {
      return await this.#sendPending;
    } finally {
      this.#sendPending = null;
    }
  }

  #wire(transport: types.Transport, direction: 'send' | 'recv'): void {
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#connection.request('transport:connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      this.#listeners.onTransportState(direction, state);
      if (state === 'failed') void this.#restartIce(transport);
      if (state === 'disconnected') {
        setTimeout(() => {
          if (transport.connectionState === 'disconnected') void this.#restartIce(transport);
        }, ICE_RESTART_GRACE_MS);
      }
    });
  }

  /** New ICE credentials from the server, then an ICE restart here (the path changed or broke). */
  async #restartIce(transport: types.Transport): Promise<void> {
    if (this.#closed || transport.closed || this.#restarting.has(transport.id)) return;
    this.#restarting.add(transport.id);
    try {
      const { iceParameters } = await this.#connection.request('transport:restart-ice', { transportId: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
    } catch (error) {
      // While the socket is down the rejoin rebuilds everything anyway; otherwise the next state change retries.
      console.warn(`ICE restart of the ${transport.direction} transport failed`, error);
    } finally {
      this.#restarting.delete(transport.id);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaSessionClosed();
  }
}

/** The session closed while a request was on its way (a reconnect started over): nothing to report. */
export class MediaSessionClosed extends Error {
  constructor() {
    super('the media session was closed meanwhile');
    this.name = 'MediaSessionClosed';
  }
}
