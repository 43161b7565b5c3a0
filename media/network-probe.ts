import { EventEmitter } from 'node:events';

import { LessonMediaError, MediaPoolError, refusingInvalid } from './errors.js';
import type { TransportListen } from './media-worker.js';
import type {
  DtlsParameters,
  DtlsState,
  IceCandidate,
  IceParameters,
  IceState,
  Router,
  RtpCapabilities,
  WebRtcTransport,
} from './types.js';

/**
 * How a probe may be reached: only over UDP, only over ICE-TCP, or either (the TURN probe: the browser
 * relays through TURN, and the relay reaches the media server however it can).
 */
export type ProbeProtocol = 'udp' | 'tcp' | 'any';

/** The SCTP side of a probe (mediasoup-client needs it to open the data channel that completes DTLS). */
export interface ProbeSctpParameters {
  readonly port: number;
  readonly OS: number;
  readonly MIS: number;
  readonly maxMessageSize: number;
}

/** What a browser needs to connect to a probe (mediasoup-client's `createSendTransport`). */
export interface NetworkProbeParameters {
  readonly id: string;
  readonly iceParameters: IceParameters;
  readonly iceCandidates: IceCandidate[];
  readonly dtlsParameters: DtlsParameters;
  readonly sctpParameters: ProbeSctpParameters;
  /** The probe router's capabilities (mediasoup-client's `Device.load`). */
  readonly rtpCapabilities: RtpCapabilities;
}

/** Where a probe's connection stands, as the media server sees it. */
export interface NetworkProbeState {
  readonly ice: IceState;
  readonly dtls: DtlsState;
  /** The protocol of the ICE pair in use, once one is selected. */
  readonly protocol: 'udp' | 'tcp' | null;
}

export interface NetworkProbeEvents {
  closed: [];
}

/**
 * A short-lived WebRtcTransport on a router of its own, on the same ports a lesson uses (the worker's
 * WebRtcServer), that a browser connects to before joining to learn whether media can reach the server
 * over UDP, over TCP, or through TURN. It carries no media: a data channel is enough for ICE and DTLS to
 * complete. Closing it closes its router; safe to call twice.
 */
export class NetworkProbe extends EventEmitter<NetworkProbeEvents> {
  readonly protocol: ProbeProtocol;
  readonly #router: Router;
  readonly #transport: WebRtcTransport;
  #connected = false;

  /**
   * Makes the probe's transport on `router`, which the probe then owns.
   * @throws {MediaPoolError} `tcp-disabled` when `protocol` is 'tcp' and the worker does not accept ICE over TCP.
   */
  static async open(router: Router, listen: TransportListen, protocol: ProbeProtocol): Promise<NetworkProbe> {
    if (protocol === 'tcp' && !listen.enableTcp) {
      router.close();
      throw new MediaPoolError('tcp-disabled', 'this media server does not accept ICE over TCP');
    }
    const options = {
      enableUdp: protocol !== 'tcp',
      enableTcp: protocol !== 'udp' && listen.enableTcp,
      preferUdp: true,
      enableSctp: true,
      // A probe carries a handshake, not media: the smallest SCTP it can have.
      numSctpStreams: { OS: 1, MIS: 1 },
      maxSctpMessageSize: 1024,
    };
    const server = listen.webRtcServer && !listen.webRtcServer.closed ? listen.webRtcServer : undefined;
    try {
      const transport = server
        ? await router.createWebRtcTransport({ ...options, webRtcServer: server })
        : await router.createWebRtcTransport({ ...options, listenIps: [listen.listenIp] });
      return new NetworkProbe(router, transport, protocol);
    } catch (error) {
      router.close();
      throw error;
    }
  }

  private constructor(router: Router, transport: WebRtcTransport, protocol: ProbeProtocol) {
    super();
    this.#router = router;
    this.#transport = transport;
    this.protocol = protocol;
    // Whatever closes the router (the worker dying, the pool closing) closes the probe.
    router.observer.once('close', () => this.emit('closed'));
  }

  get id(): string {
    return this.#transport.id;
  }

  get closed(): boolean {
    return this.#router.closed;
  }

  get parameters(): NetworkProbeParameters {
    const transport = this.#transport;
    const sctp = transport.sctpParameters;
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      sctpParameters: { port: sctp?.port ?? 5000, OS: sctp?.OS ?? 1, MIS: sctp?.MIS ?? 1, maxMessageSize: sctp?.maxMessageSize ?? 1024 },
      rtpCapabilities: this.#router.rtpCapabilities,
    };
  }

  get state(): NetworkProbeState {
    const tuple = this.#transport.iceSelectedTuple;
    return { ice: this.#transport.iceState, dtls: this.#transport.dtlsState, protocol: tuple ? tuple.protocol : null };
  }

  /**
   * The browser's DTLS parameters; ICE and DTLS then run on their own.
   * @throws {LessonMediaError} `invalid-parameters` when mediasoup refuses them, `already-connected` for a second call.
   */
  async connect(dtlsParameters: DtlsParameters): Promise<void> {
    if (this.#connected) throw new LessonMediaError('already-connected', `probe ${this.id} is connected already`);
    this.#connected = true;
    await refusingInvalid('probe connect', () => this.#transport.connect({ dtlsParameters }));
  }

  close(): void {
    if (this.#router.closed) return;
    this.#router.close();
  }
}
