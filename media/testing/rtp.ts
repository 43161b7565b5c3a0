/**
 * Test-only helpers: real RTP, RTCP and STUN packets on loopback UDP, so the integration tests drive a
 * real mediasoup worker the way a browser would, without a browser. Never imported by production code.
 */
import { createHmac } from 'node:crypto';
import dgram from 'node:dgram';
import { once, type EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export const LOOPBACK = '127.0.0.1';
export const OPUS_PAYLOAD_TYPE = 100;
export const VP8_PAYLOAD_TYPE = 101;
/** Header extension id the test producers use for RFC 6464 audio levels. */
export const AUDIO_LEVEL_EXTENSION_ID = 1;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the first event payload that matches. */
export function eventMatching<T>(emitter: EventEmitter, event: string, matches: (payload: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      emitter.off(event, listener);
      resolve(payload);
    };
    emitter.on(event, listener);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function udpSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, LOOPBACK);
  await once(socket, 'listening');
  return socket;
}

export function portOf(socket: dgram.Socket): number {
  return (socket.address() as AddressInfo).port;
}

/** RTCP packet types 192–223 share the RTP port under rtcp-mux (RFC 5761). */
export function isRtp(packet: Buffer): boolean {
  const secondByte = packet[1] ?? 0;
  return packet.length >= 12 && (packet[0] ?? 0) >> 6 === 2 && (secondByte < 192 || secondByte > 223);
}

export interface RtpPacketFields {
  payloadType: number;
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  marker?: boolean;
  /** One-byte header extensions (RFC 8285), each 1–16 bytes. */
  extensions?: ReadonlyArray<{ id: number; data: Buffer }>;
  payload: Buffer;
}

export function rtpPacket(fields: RtpPacketFields): Buffer {
  const extensions = fields.extensions ?? [];
  const header = Buffer.alloc(12);
  header[0] = 0x80 | (extensions.length > 0 ? 0x10 : 0);
  header[1] = (fields.marker ? 0x80 : 0) | fields.payloadType;
  header.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  header.writeUInt32BE(fields.timestamp >>> 0, 4);
  header.writeUInt32BE(fields.ssrc >>> 0, 8);
  if (extensions.length === 0) return Buffer.concat([header, fields.payload]);
  const elements = Buffer.concat(extensions.map(({ id, data }) => Buffer.concat([Buffer.from([(id << 4) | (data.length - 1)]), data])));
  const padded = Buffer.concat([elements, Buffer.alloc((4 - (elements.length % 4)) % 4)]);
  const extensionHeader = Buffer.alloc(4);
  extensionHeader.writeUInt16BE(0xbede, 0);
  extensionHeader.writeUInt16BE(padded.length / 4, 2);
  return Buffer.concat([header, extensionHeader, padded, fields.payload]);
}

/** An Opus packet carrying an RFC 6464 audio level: 0 is the loudest, 127 silence (−dBov). */
export function opusPacket(ssrc: number, index: number, level: number): Buffer {
  return rtpPacket({
    payloadType: OPUS_PAYLOAD_TYPE,
    ssrc,
    sequenceNumber: 1000 + index,
    timestamp: 960 * index,
    extensions: [{ id: AUDIO_LEVEL_EXTENSION_ID, data: Buffer.from([(level < 127 ? 0x80 : 0) | level]) }],
    payload: Buffer.from([0xf8, 0xff, 0xfe]),
  });
}

/** RTP clock ticks between frames at 25 frames per second (90 kHz video clock). */
export const VP8_TICKS_PER_FRAME = 3600;

/**
 * A one-packet VP8 frame with the payload descriptor mediasoup needs to switch simulcast layers
 * (picture id, TL0PICIDX, temporal layer 0). Every frame is marked a key frame, so any layer can start.
 */
export function vp8Packet(ssrc: number, index: number): Buffer {
  const pictureId = index & 0x7fff;
  const descriptor = Buffer.from([0x90, 0xe0, 0x80 | (pictureId >> 8), pictureId & 0xff, index & 0xff, 0x00]);
  // VP8 payload header: bit 0 (P) clear = key frame; then a key frame's start code and a 16×16 size.
  const frame = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x10, 0x00, 0x10, 0x00]);
  return rtpPacket({
    payloadType: VP8_PAYLOAD_TYPE,
    ssrc,
    sequenceNumber: index,
    timestamp: VP8_TICKS_PER_FRAME * index,
    marker: true,
    payload: Buffer.concat([descriptor, frame]),
  });
}

/** Sends `packet(i)` every `intervalMs` to loopback `port` until stopped. */
export function startSending(socket: dgram.Socket, port: number, intervalMs: number, packet: (index: number) => Buffer[]): () => void {
  let index = 0;
  const timer = setInterval(() => {
    for (const buffer of packet(index)) socket.send(buffer, port, LOOPBACK);
    index++;
  }, intervalMs);
  return () => clearInterval(timer);
}

const NTP_UNIX_OFFSET_S = 2_208_988_800;

/**
 * An RTCP sender report (RFC 3550 §6.4.1) mapping wall-clock time to an RTP timestamp. A browser sends
 * them for every simulcast stream; mediasoup needs them before it switches a consumer between streams.
 */
export function senderReport(ssrc: number, wallClockMs: number, rtpTimestamp: number, packetCount: number): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x80;
  packet[1] = 200;
  packet.writeUInt16BE(6, 2);
  packet.writeUInt32BE(ssrc >>> 0, 4);
  packet.writeUInt32BE(Math.floor(wallClockMs / 1000) + NTP_UNIX_OFFSET_S, 8);
  packet.writeUInt32BE(Math.floor(((wallClockMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  packet.writeUInt32BE(rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(packetCount >>> 0, 20);
  packet.writeUInt32BE((packetCount * 50) >>> 0, 24);
  return packet;
}

/**
 * A simulcast camera at 25 frames per second: one VP8 packet per layer per frame, and a sender report per
 * layer twice a second, all with one clock.
 */
export function simulcastFrame(ssrcs: readonly number[], index: number): Buffer[] {
  const frames = ssrcs.map((ssrc) => vp8Packet(ssrc, index));
  if (index % 12 !== 0) return frames;
  return [...frames, ...ssrcs.map((ssrc) => senderReport(ssrc, Date.now(), VP8_TICKS_PER_FRAME * index, index + 1))];
}

/** An RTCP receiver report (RFC 3550 §6.4.2) about one source, as a receiving browser sends it. */
export function receiverReport(fields: { senderSsrc: number; sourceSsrc: number; fractionLost: number; totalLost: number; highestSequence: number }): Buffer {
  const packet = Buffer.alloc(32);
  packet[0] = 0x81; // V=2, one report block
  packet[1] = 201;
  packet.writeUInt16BE(7, 2);
  packet.writeUInt32BE(fields.senderSsrc >>> 0, 4);
  packet.writeUInt32BE(fields.sourceSsrc >>> 0, 8);
  packet[12] = fields.fractionLost;
  packet.writeUIntBE(fields.totalLost, 13, 3);
  packet.writeUInt32BE(fields.highestSequence >>> 0, 16);
  return packet; // jitter, LSR and DLSR stay 0
}

const STUN_MAGIC_COOKIE = 0x2112a442;

/**
 * A STUN Binding request as an ICE agent sends it to mediasoup (RFC 8445): USERNAME "server:client",
 * PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY keyed with the server's ICE password, FINGERPRINT.
 */
export function stunBindingRequest(serverUfrag: string, serverPassword: string): Buffer {
  const attribute = (type: number, value: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(type, 0);
    header.writeUInt16BE(value.length, 2);
    return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  };
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e7f00ff, 0);
  const attributes = Buffer.concat([
    attribute(0x0006, Buffer.from(`${serverUfrag}:tongketest`)),
    attribute(0x0024, priority),
    attribute(0x802a, Buffer.alloc(8, 7)),
    attribute(0x0025, Buffer.alloc(0)),
  ]);
  const header = (length: number) => {
    const buffer = Buffer.alloc(20);
    buffer.writeUInt16BE(0x0001, 0);
    buffer.writeUInt16BE(length, 2);
    buffer.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
    Buffer.from('tongke-tx-id').copy(buffer, 8);
    return buffer;
  };
  // MESSAGE-INTEGRITY covers the message with the length counting itself; FINGERPRINT then covers that too.
  const withIntegrityLength = attributes.length + 24;
  const hmac = createHmac('sha1', serverPassword).update(Buffer.concat([header(withIntegrityLength), attributes])).digest();
  const integrity = attribute(0x0008, hmac);
  const fingerprintInput = Buffer.concat([header(withIntegrityLength + 8), attributes, integrity]);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(fingerprintInput) ^ 0x5354554e) >>> 0, 0);
  return Buffer.concat([fingerprintInput, attribute(0x8028, fingerprint)]);
}
