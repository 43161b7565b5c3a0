/**
 * Receivers of the fan-out bench, in a process of their own (bench/fanout.ts forks a few), as receiving
 * classrooms are other machines: counting hundreds of thousands of packets a second in the benchmarking
 * process made its one JS thread, not the SFU, the limit. Each sink is a loopback UDP socket that counts RTP
 * packets and gaps in the (per-consumer) sequence numbers.
 *
 * Over IPC, one order at a time, each answered: `open` binds `count` sockets on 127.0.0.1 (answers their
 * ports), `reset` zeroes the counts, `count` answers each sink's packets and gaps and this process's CPU
 * time since the reset (a sink process near a core would be the limit again), `close` closes the sockets. The process exits when its parent disconnects, however the parent ended.
 */
import type dgram from 'node:dgram';

import { isRtp, portOf, udpSocket } from '../media/testing/rtp.js';

/** More than one process needs for the bench's largest step split over a few. */
const MAX_SINKS_PER_PROCESS = 1000;

export type ToSinks = { type: 'open'; count: number } | { type: 'reset' } | { type: 'count' } | { type: 'close' };
export type FromSinks =
  | { type: 'opened'; ports: number[] }
  | { type: 'counts'; received: number[]; gaps: number[]; cpuMs: number }
  | { type: 'done' }
  | { type: 'failed'; message: string };

/** One loopback UDP sink. */
class RtpSink {
  received = 0;
  gaps = 0;
  #last: number | null = null;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (packet) => {
      if (!isRtp(packet)) return;
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

  static async create(): Promise<RtpSink> {
    return new RtpSink(await udpSocket());
  }

  reset(): void {
    this.received = 0;
    this.gaps = 0;
  }
}

/** The sinks this process holds, and what each order does to them. */
class SinkSet {
  #sinks: RtpSink[] = [];
  #cpuSinceReset = process.cpuUsage();

  async open(count: number): Promise<FromSinks> {
    if (!Number.isInteger(count) || count < 1 || count + this.#sinks.length > MAX_SINKS_PER_PROCESS) {
      throw new Error(`cannot open ${count} sinks beside ${this.#sinks.length} (at most ${MAX_SINKS_PER_PROCESS} a process)`);
    }
    const opened = await Promise.all(Array.from({ length: count }, () => RtpSink.create()));
    this.#sinks.push(...opened);
    return { type: 'opened', ports: opened.map((sink) => portOf(sink.socket)) };
  }

  reset(): FromSinks {
    for (const sink of this.#sinks) sink.reset();
    this.#cpuSinceReset = process.cpuUsage();
    return { type: 'done' };
  }

  count(): FromSinks {
    const cpu = process.cpuUsage(this.#cpuSinceReset);
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
    case 'reset':
      return sinks.reset();
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
