/**
 * The fan-out bench's camera, in a process of its own (forked by bench/fanout.ts), as the teacher's browser is
 * another machine: its 30 fps timer no longer waits behind the benchmarking process's work, so at large N
 * the camera still sends at its nominal rate and the worker alone is measured.
 *
 * Over IPC, one order at a time, each answered: `start` sends `frames` VP8 frames to the given loopback port
 * from a new socket (sequence numbers from 0), then stops; `reached` answers once a given number of packets is
 * sent, with the time on this process's clock; `stop` stops early and answers how many were sent. Each
 * packet ends with its index (4 bytes), which mediasoup forwards untouched in the payload: a sink counts a
 * measurement window by index, whatever the timing of the processes. It stops by itself after
 * {@link MAX_SENDING_MS}, and exits when its parent disconnects.
 */
import type dgram from 'node:dgram';

import { LOOPBACK, VP8_PAYLOAD_TYPE, rtpPacket, udpSocket } from '../media/testing/rtp.js';

/** What the camera sends: the benchmark says, so its figures and this process agree. */
export interface CameraSpec {
  ssrc: number;
  framesPerSecond: number;
  /** VP8 packets a frame, each `payloadBytes` long. */
  packetsPerFrame: number;
  payloadBytes: number;
}
/** Longer than any warm-up and measurement window: a camera nobody stops does not send for ever. */
const MAX_SENDING_MS = 60_000;

export type ToCamera = { type: 'start'; port: number; camera: CameraSpec; frames: number } | { type: 'reached'; packets: number } | { type: 'stop' };
export type FromCamera = { type: 'sent'; sent: number } | { type: 'reached'; atMs: number } | { type: 'failed'; message: string };

/** One VP8 frame split over `packetsPerFrame` packets; every frame a key frame so a new receiver starts at once. */
function vp8Frame(camera: CameraSpec, frame: number): Buffer[] {
  const pictureId = frame & 0x7fff;
  return Array.from({ length: camera.packetsPerFrame }, (_, part) => {
    const first = part === 0;
    // Payload descriptor: X, S (start of partition) on the first packet, picture id, TL0PICIDX, TID 0.
    const descriptor = Buffer.from([first ? 0x90 : 0x80, 0xe0, 0x80 | (pictureId >> 8), pictureId & 0xff, frame & 0xff, 0x00]);
    const body = Buffer.alloc(camera.payloadBytes, 0x55);
    // Key-frame payload header (P bit clear), start code and a 640×360 size on the first packet.
    if (first) Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]).copy(body);
    body.writeUInt32BE(frame * camera.packetsPerFrame + part, body.length - 4);
    return rtpPacket({
      payloadType: VP8_PAYLOAD_TYPE,
      ssrc: camera.ssrc,
      sequenceNumber: frame * camera.packetsPerFrame + part,
      timestamp: Math.round(frame * (90_000 / camera.framesPerSecond)),
      marker: part === camera.packetsPerFrame - 1,
      payload: Buffer.concat([descriptor, body]),
    });
  });
}

/** The camera while it sends: its socket, timer and count. */
class Sending {
  sent = 0;
  #frame = 0;
  #stopped = false;
  /** Packets handed to the socket whose send has not completed: the socket closes after them. */
  #inFlight = 0;
  /** Who waits for a number of packets to be sent: one at a time, as orders are. */
  #waiter: { packets: number; resolve: (atMs: number) => void; reject: (error: Error) => void } | null = null;
  readonly #timer: NodeJS.Timeout;
  readonly #deadline: NodeJS.Timeout;

  private constructor(
    readonly socket: dgram.Socket,
    port: number,
    camera: CameraSpec,
    frames: number,
  ) {
    this.#timer = setInterval(() => {
      for (const packet of vp8Frame(camera, this.#frame++)) this.#send(packet, port);
      if (this.#frame >= frames) this.stop();
    }, 1000 / camera.framesPerSecond);
    this.#deadline = setTimeout(() => this.stop(), MAX_SENDING_MS);
  }

  static async start(port: number, camera: CameraSpec, frames: number): Promise<Sending> {
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new Error(`not a port: ${port}`);
    // A first packet carries a 10-byte key-frame header, every packet its 4-byte index; more than 1 200 bytes would not fit a real path's MTU.
    const sane = camera.framesPerSecond >= 1 && camera.framesPerSecond <= 60 && camera.packetsPerFrame >= 1 && camera.packetsPerFrame <= 10 && camera.payloadBytes >= 14 && camera.payloadBytes <= 1200;
    if (!sane) throw new Error(`not a camera this bench sends: ${JSON.stringify(camera)}`);
    // Indexes within the 16-bit sequence numbers, and within MAX_SENDING_MS.
    if (!Number.isInteger(frames) || frames < 1 || frames * camera.packetsPerFrame > 0xffff) throw new Error(`cannot send ${frames} frames`);
    return new Sending(await udpSocket(), port, camera, frames);
  }

  /** Resolves with this process's clock once `packets` are sent; rejects if the camera stops before. */
  reached(packets: number): Promise<number> {
    if (this.sent >= packets) return Promise.resolve(performance.now());
    if (this.#stopped && this.#inFlight === 0) return Promise.reject(new Error(`the camera stopped after ${this.sent} packets, before ${packets}`));
    return new Promise((resolve, reject) => {
      this.#waiter = { packets, resolve, reject };
    });
  }

  /** Counts a packet as sent once the socket has sent it: closing the socket drops sends still queued. */
  #send(packet: Buffer, port: number): void {
    this.#inFlight++;
    this.socket.send(packet, port, LOOPBACK, (error) => {
      this.#inFlight--;
      if (error) console.error('the fan-out camera could not send a packet', error);
      else this.sent++;
      if (this.#waiter && this.sent >= this.#waiter.packets) {
        this.#waiter.resolve(performance.now());
        this.#waiter = null;
      }
      this.#closeOnceSent();
    });
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Safe to call twice. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#deadline);
    this.#closeOnceSent();
  }

  /** Once stopped and every packet sent: closes the socket, and a waiter still waiting will wait in vain. */
  #closeOnceSent(): void {
    if (!this.#stopped || this.#inFlight > 0) return;
    this.socket.close();
    this.#waiter?.reject(new Error(`the camera stopped after ${this.sent} packets, before ${this.#waiter.packets}`));
    this.#waiter = null;
  }
}

let sending: Sending | null = null;

async function answer(order: ToCamera): Promise<FromCamera> {
  switch (order.type) {
    case 'start':
      if (sending && !sending.stopped) throw new Error('the camera is already sending');
      sending = await Sending.start(order.port, order.camera, order.frames);
      return { type: 'sent', sent: 0 };
    case 'reached':
      if (!sending) throw new Error('the camera is not sending');
      return { type: 'reached', atMs: await sending.reached(order.packets) };
    case 'stop': {
      if (!sending) throw new Error('the camera is not sending');
      const { sent } = sending;
      sending.stop();
      sending = null;
      return { type: 'sent', sent };
    }
  }
}

function send(message: FromCamera): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

process.on('message', (order: ToCamera) => {
  answer(order)
    .catch((error: unknown): FromCamera => ({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .then(send)
    .catch((error: unknown) => {
      console.error('the fan-out camera could not answer its parent', error);
      process.exit(1);
    });
});
process.on('disconnect', () => process.exit(0));
