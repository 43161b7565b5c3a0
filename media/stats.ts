import type { TransportDirection } from './events.js';
import type { LessonTransport } from './transports.js';
import type { Consumer, Producer } from './types.js';

/** One transport's link quality as the SFU measures it: the raw material of quality samples. */
export interface TransportQuality {
  readonly transportId: string;
  readonly direction: TransportDirection;
  /** Bits per second the SFU receives on this transport (all RTP, RTX and RTCP). */
  readonly recvBitrate: number;
  /** Bits per second the SFU sends on this transport. */
  readonly sendBitrate: number;
  /** Mean round-trip time of its streams, when the RTCP reports allow measuring it. */
  readonly rttMs?: number;
  /** Mean packet loss of its streams in percent: what the SFU lost receiving, or the receiver reported lost. */
  readonly packetLossPct?: number;
}

interface StreamStat {
  type: string;
  fractionLost: number;
  roundTripTime?: number;
}

/** RTCP's fraction lost is a fixed-point fraction out of 256. */
const FRACTION_LOST_SCALE = 256;

/**
 * Measures one transport. On a send transport the streams are its producers' inbound streams; on a recv
 * transport, its consumers' outbound streams (what the receiver reported back).
 */
export async function transportQuality(
  transport: LessonTransport,
  direction: TransportDirection,
  streams: { producers: readonly Producer[]; consumers: readonly Consumer[] },
): Promise<TransportQuality> {
  const [transportStats, streamStats] = await Promise.all([
    transport.getStats(),
    direction === 'send' ? producerStreamStats(streams.producers) : consumerStreamStats(streams.consumers),
  ]);
  const stat = transportStats[0];
  const rtts = streamStats.flatMap((entry) => (entry.roundTripTime && entry.roundTripTime > 0 ? [entry.roundTripTime] : []));
  const losses = streamStats.map((entry) => (entry.fractionLost * 100) / FRACTION_LOST_SCALE);
  return {
    transportId: transport.id,
    direction,
    recvBitrate: stat?.recvBitrate ?? 0,
    sendBitrate: stat?.sendBitrate ?? 0,
    ...(rtts.length > 0 ? { rttMs: round(mean(rtts)) } : {}),
    ...(losses.length > 0 ? { packetLossPct: round(mean(losses)) } : {}),
  };
}

async function producerStreamStats(producers: readonly Producer[]): Promise<StreamStat[]> {
  const all = await Promise.all(producers.filter((producer) => !producer.closed).map((producer) => producer.getStats()));
  return all.flat();
}

async function consumerStreamStats(consumers: readonly Consumer[]): Promise<StreamStat[]> {
  const all = await Promise.all(consumers.filter((consumer) => !consumer.closed).map((consumer) => consumer.getStats()));
  // A consumer's stats also carry its producer's inbound stream; only the outbound one is this link.
  return all.flat().filter((entry) => entry.type === 'outbound-rtp');
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
