/**
 * Receivers of the fan-out bench, in a process of their own (bench/fanout.ts forks a few), as receiving
 * classrooms are other machines: counting hundreds of thousands of packets a second in the benchmarking
 * process made its one JS thread, not the SFU, the limit. Each sink is a loopback UDP socket that counts RTP
 * packets and gaps in the (per-consumer) sequence numbers.
 *
 * Over IPC, one order at a time, each answered: `open` binds `count` sockets on 127.0.0.1 (answers their
 * ports), `window` zeroes the counts and counts from then on only the camera's packets with an index (the
 * payload's last 4 bytes) in [from, to), `count` answers each sink's packets and gaps and this process's CPU
 * time since it counted the window's first packet (a sink process near a core would be the limit again),
 * `close` closes the sockets. The process exits when its parent disconnects, however the parent ended.
 */
import type dgram from 'node:dgram';

import { isRtp, portOf, udpSocket } from '../media/testing/rtp.js';

/** More than one process needs for the bench's largest step split over a few. */
const MAX_SINKS_PER_PROCESS = 1000;

export type ToSinks = { type: 'open'; count: number } | { type: 'window'; from: number; to: number } | { type: 'count' } | { type: 'close' };
export type FromSinks =
  | { type: 'opened'; ports: number[] }
  | { type: 'counts'; received: number[]; gaps: number[]; cpuMs: number }
  | { type: 'done' }
  | { type: 'failed'; message: string };

/** The camera's packets a sink counts: indexes from `from`, before `to`. */
interface CountedWindow {
  readonly from: number;
  readonly to: number;
  /**
   * This process's CPU time when a sink counted the window's first packet. Taken then, not when the parent
   * asks: a saturated process answers the parent only after its backlog of packets.
   */
  cpuAtStart: NodeJS.CpuUsage | null;
}

/** One loopback UDP sink. */
class RtpSink {
  received = 0;
  gaps = 0;
  #last: number | null = null;

  private constructor(
    readonly socket: dgram.Socket,
    window: () => CountedWindow,
  ) {
    socket.on('message', (packet) => {
      if (!isRtp(packet)) return;
      const index = packet.readUInt32BE(packet.length - 4);
      const counting = window();
      if (index < counting.from || index >= counting.to) return;
      counting.cpuAtStart ??= process.cpuUsage();
      this.received++;
      const seq = packet.readUInt16BE(2);
      if (this.#last !== null) {
        const step = (seq - this.#last + 0x10000) % 0x10000;
        // A step back (reordering) is not a gap.
        if (step > 1 && step < 0x8000) this.gaps += step - 1;
      }
      this.#last = seq;
    });
  }

  static async create(window: () => CountedWindow): Promise<RtpSink> {
    return new RtpSink(await udpSocket(), window);
  }

  reset(): void {
    this.received = 0;
    this.gaps = 0;
  }
}

/** The sinks this process holds, and what each order does to them. */
class SinkSet {
  #sinks: RtpSink[] = [];
  /** Nothing is counted before the first window. */
  #window: CountedWindow = { from: 0, to: 0, cpuAtStart: null };

  async open(count: number): Promise<FromSinks> {
    if (!Number.isInteger(count) || count < 1 || count + this.#sinks.length > MAX_SINKS_PER_PROCESS) {
      throw new Error(`cannot open ${count} sinks beside ${this.#sinks.length} (at most ${MAX_SINKS_PER_PROCESS} a process)`);
    }
    const opened = await Promise.all(Array.from({ length: count }, () => RtpSink.create(() => this.#window)));
    this.#sinks.push(...opened);
    return { type: 'opened', ports: opened.map((sink) => portOf(sink.socket)) };
  }

  window(from: number, to: number): FromSinks {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) throw new Error(`not a window: [${from}, ${to})`);
    for (const sink of this.#sinks) sink.reset();
    this.#window = { from, to, cpuAtStart: null };
    return { type: 'done' };
  }

  count(): FromSinks {
    const { cpuAtStart } = this.#window;
    const cpu = cpuAtStart ? process.cpuUsage(cpuAtStart) : { user: 0, system: 0 };
    return { type: 'counts', received: this.#sinks.map((s) => s.received), gaps: this.#sinks.map((s) => s.gaps), cpuMs: (cpu.user + cpu.system) / 1000 };
  }

  close(): FromSinks {
    for (const sink of this.#sinks) sink.socket.close();
    this.#sinks = [];
    return { type: 'done' };
  }
}

function send(message: FromSinks): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

const sinks = new SinkSet();

function answer(order: ToSinks): FromSinks | Promise<FromSinks> {
  switch (order.type) {
    case 'open':
      return sinks.open(order.count);
    case 'window':
      return sinks.window(order.from, order.to);
    case 'count':
      return sinks.count();
    case 'close':
      return sinks.close();
  }
}

process.on('message', (order: ToSinks) => {
  Promise.resolve()
    .then(() => answer(order))
    .catch((error: unknown): FromSinks => ({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .then(send)
    .catch((error: unknown) => {
      console.error('the fan-out sinks could not answer their parent', error);
      process.exit(1);
    });
});
// The sockets die with the process: nothing to close first.
process.on('disconnect', () => process.exit(0));
