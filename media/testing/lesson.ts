/** Test-only helpers to put plain-RTP participants into a LessonMedia. Never imported by production code. */
import type dgram from 'node:dgram';

import type { LessonMedia } from '../lesson-media.js';
import type { MediaLogger } from '../logger.js';
import type { RtpCapabilities, RtpParameters } from '../types.js';
import { AUDIO_LEVEL_EXTENSION_ID, AUDIO_LEVEL_URI, LOOPBACK, OPUS_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE, isRtp, portOf, udpSocket } from './rtp.js';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function recordingLogger(entries: LogEntry[]): MediaLogger {
  return {
    info: (obj, msg) => entries.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => entries.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => entries.push({ level: 'error', obj, msg }),
  };
}

/** Opus as a browser sends it, with the RFC 6464 audio level the active-speaker observer reads. */
export function opusParameters(ssrc: number): RtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: OPUS_PAYLOAD_TYPE }],
    headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXTENSION_ID }],
    encodings: [{ ssrc }],
  };
}

/** VP8 with one encoding per simulcast layer (lowest first): 3 for the lead teacher, 2 for a classroom. */
export function vp8Parameters(ssrcs: readonly number[]): RtpParameters {
  return {
    codecs: [{ mimeType: 'video/VP8', clockRate: 90000, payloadType: VP8_PAYLOAD_TYPE }],
    encodings: ssrcs.map((ssrc) => ({ ssrc })),
  };
}

/**
 * What a plain RTP receiver can do: the router's codecs without congestion-control feedback (transport-cc,
 * REMB). A consumer that expects such feedback and never gets it stays at the lowest simulcast layer, as
 * mediasoup's bandwidth estimation never grows; a plain receiver lets the preferred layer apply directly.
 */
export function plainRtpCapabilities(routerCapabilities: RtpCapabilities): RtpCapabilities {
  const congestionControl = new Set(['transport-cc', 'goog-remb']);
  return {
    codecs: (routerCapabilities.codecs ?? []).map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter((feedback) => !congestionControl.has(feedback.type)),
    })),
    headerExtensions: (routerCapabilities.headerExtensions ?? []).filter(
      (extension) => !/transport-wide-cc|abs-send-time/.test(extension.uri),
    ),
  };
}

/** A participant that sends plain RTP from a local socket into its send PlainTransport. */
export interface PlainSender {
  readonly socket: dgram.Socket;
  readonly transportId: string;
  /** Port of the PlainTransport to send RTP to. */
  readonly port: number;
}

export async function plainSender(lesson: LessonMedia, participantId: string, sockets: dgram.Socket[]): Promise<PlainSender> {
  const socket = await udpSocket();
  sockets.push(socket);
  const { id, port } = await lesson.createPlainTransport(participantId, { direction: 'send' });
  return { socket, transportId: id, port };
}

/** A participant that receives plain RTP on a local socket from its recv PlainTransport. */
export interface PlainReceiver {
  readonly socket: dgram.Socket;
  readonly transportId: string;
  /** Port of the PlainTransport (where RTCP feedback goes). */
  readonly port: number;
  /** RTP packets received so far, per SSRC. */
  readonly received: Map<number, number>;
}

export async function plainReceiver(lesson: LessonMedia, participantId: string, sockets: dgram.Socket[]): Promise<PlainReceiver> {
  const socket = await udpSocket();
  sockets.push(socket);
  const received = new Map<number, number>();
  socket.on('message', (packet) => {
    if (!isRtp(packet)) return;
    const ssrc = packet.readUInt32BE(8);
    received.set(ssrc, (received.get(ssrc) ?? 0) + 1);
  });
  const { id, port } = await lesson.createPlainTransport(participantId, {
    direction: 'recv',
    remote: { ip: LOOPBACK, port: portOf(socket) },
  });
  return { socket, transportId: id, port, received };
}

export function totalReceived(receiver: PlainReceiver): number {
  return [...receiver.received.values()].reduce((sum, count) => sum + count, 0);
}
