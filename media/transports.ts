import type { LessonEventSink, TransportDirection } from './events.js';
import type { TransportListen } from './media-worker.js';
import type { DtlsParameters, IceCandidate, IceParameters, PlainTransport, Router, WebRtcTransport } from './types.js';

/**
 * Cap on what one participant may send (its camera, possibly 3 simulcast layers, plus a screen share):
 * enough for 720p + screen, and a bound on what a misbehaving client can push into a worker.
 */
export const SEND_MAX_INCOMING_BITRATE = 3_500_000;

/**
 * Where mediasoup's bandwidth estimation starts towards a receiver (mediasoup's own default is 600 kbps).
 * A village school's downlink is often 2–4 Mbps shared by a classroom; starting at 600 kbps means the
 * first seconds are the middle layer rather than a burst of 720p that the link drops.
 */
export const INITIAL_OUTGOING_BITRATE = 600_000;

/** appData of every transport a lesson makes. */
export interface TransportAppData {
  [key: string]: unknown;
  participantId: string;
  direction: TransportDirection;
  /** WebRTC for browsers; plain RTP for tools and tests. */
  kind: 'webrtc' | 'plain';
}

export type LessonWebRtcTransport = WebRtcTransport<TransportAppData>;
export type LessonPlainTransport = PlainTransport<TransportAppData>;
export type LessonTransport = LessonWebRtcTransport | LessonPlainTransport;

/** What a browser needs to set up its side of a WebRTC transport (mediasoup-client's `createSendTransport`). */
export interface WebRtcTransportParameters {
  readonly id: string;
  readonly iceParameters: IceParameters;
  readonly iceCandidates: IceCandidate[];
  readonly dtlsParameters: DtlsParameters;
}

/** Where to send RTP to a PlainTransport, or where it sends RTP from. */
export interface PlainTransportParameters {
  readonly id: string;
  readonly ip: string;
  readonly port: number;
}

/** How a PlainTransport connects: a send one learns its peer from the first packet; a recv one is told. */
export type PlainTransportRequest =
  | { readonly direction: 'send' }
  | { readonly direction: 'recv'; readonly remote: { readonly ip: string; readonly port: number } };

/**
 * Creates a WebRtcTransport on the worker's WebRtcServer (one UDP + one TCP port for the whole worker, so
 * a school firewall needs few rules), or on a port of its own when the server is missing. UDP is preferred;
 * TCP is there for schools whose firewall blocks UDP. A send transport gets {@link SEND_MAX_INCOMING_BITRATE}.
 */
export async function createWebRtcTransport(
  router: Router,
  listen: TransportListen,
  appData: TransportAppData,
): Promise<LessonWebRtcTransport> {
  const options = {
    enableUdp: true,
    enableTcp: listen.enableTcp,
    preferUdp: true,
    initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
    appData,
  };
  const server = listen.webRtcServer && !listen.webRtcServer.closed ? listen.webRtcServer : undefined;
  const transport = server
    ? await router.createWebRtcTransport<TransportAppData>({ ...options, webRtcServer: server })
    : await router.createWebRtcTransport<TransportAppData>({ ...options, listenIps: [listen.listenIp] });
  if (appData.direction === 'send') {
    try {
      await transport.setMaxIncomingBitrate(SEND_MAX_INCOMING_BITRATE);
    } catch (error) {
      transport.close();
      throw error;
    }
  }
  return transport;
}

/**
 * Creates a PlainTransport (RTP over UDP, rtcp-mux, no ICE/DTLS/SRTP) with a port from the RTC range.
 * Not for browsers: for RTP tools (ffmpeg, GStreamer), load generators and the integration tests.
 */
export async function createPlainTransport(
  router: Router,
  listen: TransportListen,
  request: PlainTransportRequest,
  appData: TransportAppData,
): Promise<LessonPlainTransport> {
  const transport = await router.createPlainTransport<TransportAppData>({
    listenIp: listen.listenIp,
    rtcpMux: true,
    comedia: request.direction === 'send',
    appData,
  });
  if (request.direction === 'recv') {
    try {
      await transport.connect({ ip: request.remote.ip, port: request.remote.port });
    } catch (error) {
      transport.close();
      throw error;
    }
  }
  return transport;
}

export function isWebRtcTransport(transport: LessonTransport): transport is LessonWebRtcTransport {
  return transport.appData.kind === 'webrtc';
}

export function webRtcTransportParameters(transport: LessonWebRtcTransport): WebRtcTransportParameters {
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
}

export function plainTransportParameters(transport: LessonPlainTransport): PlainTransportParameters {
  return { id: transport.id, ip: transport.tuple.localIp, port: transport.tuple.localPort };
}

/** Reports a WebRtcTransport's ICE and DTLS state changes upward. */
export function reportTransportState(transport: LessonWebRtcTransport, sink: LessonEventSink): void {
  const { participantId, direction } = transport.appData;
  const transportId = transport.id;
  transport.on('icestatechange', (ice) => sink.emit('transport-state', { participantId, transportId, direction, ice }));
  transport.on('dtlsstatechange', (dtls) => sink.emit('transport-state', { participantId, transportId, direction, dtls }));
}

/** Runs `listener` once when the transport closes, whatever closed it. */
export function onTransportClose(transport: LessonTransport, listener: () => void): void {
  if (isWebRtcTransport(transport)) transport.observer.once('close', listener);
  else transport.observer.once('close', listener);
}
