/**
 * The K classrooms of the join-burst bench, in a process of their own (forked by bench/join-burst.ts), as
 * real classrooms are other machines: their Socket.IO encoding and parsing no longer shares the server's
 * event loop, so the server's loop delay is its own. Over IPC (bench/helper-process.ts), one order at a
 * time, each answered: `burst` with a {@link BurstOrder} connects every socket (`ready`), `go` joins all at
 * once (`done` with each join's latency and phase times), `leave` leaves the lesson (`left`), so that the next
 * burst starts from an empty lesson. The process exits when its parent disconnects.
 *
 * One join is what the page does up to receiving every producer: lesson:capabilities → lesson:join with
 * `receive` (the recv transport and a paused consumer per producer come in its ack) → consumers:resume.
 */
import { LessonSocket } from '../test/support/lesson-socket.js';

export interface BurstOrder {
  baseUrl: string;
  courseId: number;
  /** One session cookie per client. */
  cookies: string[];
}
export type ToClients = { type: 'burst'; order: BurstOrder } | { type: 'go' } | { type: 'leave' };
export type FromClients =
  | { type: 'ready' }
  | { type: 'done'; latencies: number[]; phases: Record<string, number[]> }
  | { type: 'left' }
  | { type: 'failed'; message: string };

/** Times one phase of a join into `phases`. */
async function phase<T>(phases: Record<string, number[]>, name: string, run: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  try {
    return await run();
  } finally {
    (phases[name] ??= []).push(performance.now() - startedAt);
  }
}

async function join(socket: LessonSocket, courseId: number, phases: Record<string, number[]>): Promise<void> {
  const { routerRtpCapabilities } = await phase(phases, 'capabilities', () => socket.request('lesson:capabilities', { courseId }));
  // The router's capabilities stand in for a device's: Node has no WebRTC stack (and so no DTLS).
  const rtpCapabilities = routerRtpCapabilities as { codecs: [] };
  if (PER_REQUEST) return joinPerRequest(socket, courseId, rtpCapabilities, phases);
  const joined = await phase(phases, 'join', () => socket.request('lesson:join', { courseId, rtpCapabilities, receive: true }));
  if (joined.snapshot.producers.length === 0) throw new Error('the lesson has no producers to consume: the teacher is not sending');
  const consumers = joined.receiving?.consumers ?? [];
  if (consumers.length !== joined.snapshot.producers.length) throw new Error(`the join ack carried ${consumers.length} consumers for ${joined.snapshot.producers.length} producers`);
  await phase(phases, 'resume', () => socket.request('consumers:resume', { consumerIds: consumers.map((c) => c.id) }));
}

/**
 * `TONGKE_BENCH_JOIN=per-request`: the join as it was before the receiving side moved into it (recv
 * transport, then consumer:create and consumer:resume per producer), to compare the two on one machine.
 */
const PER_REQUEST = process.env.TONGKE_BENCH_JOIN === 'per-request';

async function joinPerRequest(socket: LessonSocket, courseId: number, rtpCapabilities: { codecs: [] }, phases: Record<string, number[]>): Promise<void> {
  const joined = await phase(phases, 'join', () => socket.request('lesson:join', { courseId, rtpCapabilities }));
  if (joined.snapshot.producers.length === 0) throw new Error('the lesson has no producers to consume: the teacher is not sending');
  await phase(phases, 'transport', () => socket.request('transport:create', { direction: 'recv' }));
  await phase(phases, 'consume', () =>
    Promise.all(
      joined.snapshot.producers.map(async (producer) => {
        const consumer = await socket.request('consumer:create', { producerId: producer.id });
        await socket.request('consumer:resume', { consumerId: consumer.id });
      }),
    ),
  );
}

function send(message: FromClients): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

/** The burst's clients, once `burst` has connected them. */
let burst: { order: BurstOrder; sockets: LessonSocket[] } | null = null;

function connected(): { order: BurstOrder; sockets: LessonSocket[] } {
  if (!burst) throw new Error('no burst: the clients were not given one');
  return burst;
}

async function answer(order: ToClients): Promise<FromClients> {
  switch (order.type) {
    case 'burst': {
      const sockets = order.order.cookies.map((cookie) => new LessonSocket(order.order.baseUrl, cookie));
      burst = { order: order.order, sockets };
      // Connecting is not part of the join: a client is connected before the lesson goes live.
      await Promise.all(sockets.map((s) => s.connected()));
      return { type: 'ready' };
    }
    case 'go': {
      const { order: burstOrder, sockets } = connected();
      const phases: Record<string, number[]> = {};
      const latencies = await Promise.all(
        sockets.map(async (socket) => {
          const startedAt = performance.now();
          await join(socket, burstOrder.courseId, phases);
          return performance.now() - startedAt;
        }),
      );
      return { type: 'done', latencies, phases };
    }
    case 'leave': {
      const { sockets } = connected();
      await Promise.all(sockets.map((s) => (s.socket.connected ? s.ask('lesson:leave', {}).catch((error: unknown) => console.error('leave failed', error)) : undefined)));
      return { type: 'left' };
    }
  }
}

process.on('message', (order: ToClients) => {
  answer(order)
    .catch((error: unknown): FromClients => ({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .then(send)
    .catch((error: unknown) => {
      console.error('the join-burst clients could not answer their parent', error);
      process.exit(1);
    });
});
// The sockets close with the process.
process.on('disconnect', () => {
  for (const s of burst?.sockets ?? []) s.close();
  process.exit(0);
});
