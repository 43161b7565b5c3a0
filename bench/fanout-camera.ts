/**
 * The fan-out bench's camera, in a process of its own (forked by bench/fanout.ts), as the teacher's browser is
 * another machine: its 30 fps timer no longer waits behind the benchmarking process's work, so at large N
 * the camera still sends at its nominal rate and the worker alone is measured.
 *
 * Over IPC, one order at a time, each answered: `start` sends VP8 to the given loopback port from a new
 * socket (sequence numbers from 0), `sent` answers how many packets it has sent since, `stop` stops and answers
 * the same. It stops by itself after {@link MAX_SENDING_MS}, and exits when its parent disconnects.
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

export type ToCamera = { type: 'start'; port: number; camera: CameraSpec } | { type: 'sent' } | { type: 'stop' };
export type FromCamera = { type: 'sent'; sent: number } | { type: 'failed'; message: string };

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
  readonly #timer: NodeJS.Timeout;
  readonly #deadline: NodeJS.Timeout;

  private constructor(
    readonly socket: dgram.Socket,
    port: number,
    camera: CameraSpec,
  ) {
    this.#timer = setInterval(() => {
      for (const packet of vp8Frame(camera, this.#frame++)) {
        socket.send(packet, port, LOOPBACK);
        this.sent++;
      }
    }, 1000 / camera.framesPerSecond);
    this.#deadline = setTimeout(() => this.stop(), MAX_SENDING_MS);
  }

  static async start(port: number, camera: CameraSpec): Promise<Sending> {
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) throw new Error(`not a port: ${port}`);
    // A first packet carries a 10-byte key-frame header; more than 1 200 bytes would not fit a real path's MTU.
    const sane = camera.framesPerSecond >= 1 && camera.framesPerSecond <= 60 && camera.packetsPerFrame >= 1 && camera.packetsPerFrame <= 10 && camera.payloadBytes >= 10 && camera.payloadBytes <= 1200;
    if (!sane) throw new Error(`not a camera this bench sends: ${JSON.stringify(camera)}`);
    return new Sending(await udpSocket(), port, camera);
  }

  /** Safe to call twice. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#deadline);
    this.socket.close();
  }
}

let sending: Sending | null = null;

async function answer(order: ToCamera): Promise<FromCamera> {
  switch (order.type) {
    case 'start':
      if (sending) throw new Error('the camera is already sending');
      sending = await Sending.start(order.port, order.camera);
      return { type: 'sent', sent: 0 };
    case 'sent':
      if (!sending) throw new Error('the camera is not sending');
      return { type: 'sent', sent: sending.sent };
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
