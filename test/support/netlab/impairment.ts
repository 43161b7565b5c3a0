/**
 * What one direction of a lab link does to the IP packets that cross it, and the pure logic that does it
 * (no sockets, no timers of its own: the forwarder feeds it packets and a clock). The kernel here has no
 * netem, so delay, jitter, loss, the rate limit and the firewall-like filters all live in userspace.
 */

/** One direction's impairment. Every field is optional in a setting; missing means "none". */
export interface Impairment {
  /** One-way delay added to every packet, in ms. */
  delayMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] per packet (packets are never reordered). */
  jitterMs: number;
  /** Share of packets dropped at random, 0..1. */
  loss: number;
  /** Rate limit in kbit/s; 0 means unlimited. */
  rateKbit: number;
  /** Tail-drop queue in front of the rate limit, in bytes (a packet that does not fit is dropped). */
  queueBytes: number;
  /** Drop every UDP packet (a school firewall: packets vanish, sendto() does not fail). */
  dropUdp: boolean;
  /** When set, only TCP to or from these ports passes; everything else (UDP, ICMP, other TCP) is dropped. */
  allowTcpPorts: number[] | null;
  /** Drop everything (the link is down). */
  down: boolean;
}

export const NO_IMPAIRMENT: Impairment = Object.freeze({
  delayMs: 0,
  jitterMs: 0,
  loss: 0,
  rateKbit: 0,
  queueBytes: 64 * 1024,
  dropUdp: false,
  allowTcpPorts: null,
  down: false,
}) as Impairment;

/** Why a packet did not cross. */
export type DropReason = 'down' | 'filter' | 'loss' | 'queue';

/** What one direction counted since it was made (the lab's own test reads these). */
export interface DirectionCounters {
  forwarded: number;
  forwardedBytes: number;
  dropped: Record<DropReason, number>;
}

const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** The IP protocol and, for TCP/UDP, the ports of an IPv4 packet; null for anything else (IPv6 included). */
export function classify(packet: Uint8Array): { protocol: number; srcPort: number; dstPort: number } | null {
  if (packet.length < 20 || packet[0]! >> 4 !== 4) return null;
  const protocol = packet[9]!;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const fragmentOffset = ((packet[6]! & 0x1f) << 8) | packet[7]!;
  if ((protocol === PROTO_TCP || protocol === PROTO_UDP) && fragmentOffset === 0 && packet.length >= headerLength + 4) {
    const srcPort = (packet[headerLength]! << 8) | packet[headerLength + 1]!;
    const dstPort = (packet[headerLength + 2]! << 8) | packet[headerLength + 3]!;
    return { protocol, srcPort, dstPort };
  }
  return { protocol, srcPort: 0, dstPort: 0 };
}

/** Whether the filters (dropUdp, allowTcpPorts) let the packet through. */
export function passesFilter(impairment: Impairment, packet: Uint8Array): boolean {
  const info = classify(packet);
  if (impairment.allowTcpPorts !== null) {
    if (!info || info.protocol !== PROTO_TCP) return false;
    return impairment.allowTcpPorts.includes(info.srcPort) || impairment.allowTcpPorts.includes(info.dstPort);
  }
  if (impairment.dropUdp && info?.protocol === PROTO_UDP) return false;
  return true;
}

/**
 * One direction of the link: decides per packet whether it is dropped and when it leaves. The rate limit
 * is a virtual transmitter — `#busyUntil` is when the bytes already accepted have been sent — so the
 * queue's fill is (busyUntil − now) × rate and a packet that would overflow `queueBytes` is tail-dropped.
 * Departure times never go backwards, so jitter delays without reordering.
 */
export class ImpairedDirection {
  #impairment: Impairment = { ...NO_IMPAIRMENT };
  #busyUntil = 0;
  #lastDeparture = 0;
  readonly counters: DirectionCounters = { forwarded: 0, forwardedBytes: 0, dropped: { down: 0, filter: 0, loss: 0, queue: 0 } };

  constructor(private readonly random: () => number = Math.random) {}

  get impairment(): Impairment {
    return this.#impairment;
  }

  set(impairment: Partial<Impairment>): void {
    this.#impairment = { ...NO_IMPAIRMENT, ...impairment };
  }

  /** When the packet leaves (ms, same clock as `now`), or why it is dropped. */
  admit(packet: Uint8Array, now: number): { departAt: number } | { dropped: DropReason } {
    const imp = this.#impairment;
    const drop = (reason: DropReason) => {
      this.counters.dropped[reason] += 1;
      return { dropped: reason };
    };
    if (imp.down) return drop('down');
    if (!passesFilter(imp, packet)) return drop('filter');
    if (imp.loss > 0 && this.random() < imp.loss) return drop('loss');
    let sentAt = now;
    if (imp.rateKbit > 0) {
      const bytesPerMs = imp.rateKbit / 8;
      const start = Math.max(now, this.#busyUntil);
      if ((start - now) * bytesPerMs + packet.length > imp.queueBytes) return drop('queue');
      this.#busyUntil = start + packet.length / bytesPerMs;
      sentAt = this.#busyUntil;
    }
    const jitter = imp.jitterMs > 0 ? this.random() * imp.jitterMs : 0;
    const departAt = Math.max(sentAt + imp.delayMs + jitter, this.#lastDeparture);
    this.#lastDeparture = departAt;
    this.counters.forwarded += 1;
    this.counters.forwardedBytes += packet.length;
    return { departAt };
  }
}
