import { io, type Socket } from 'socket.io-client';
import { asc, eq } from 'drizzle-orm';
import type { TongkeDb } from '../../server/db/store.js';
import { attendanceIntervals, lessonSessions } from '../../server/db/schema/index.js';
import type { OrganisationFixture, PrincipalKey } from './fixtures.js';
import type { Ack, ParticipantChanges, LessonClientToServer, LessonEventName, LessonEventPayload, LessonRequestData, LessonRequestName, LessonRequestPayload, LessonServerToClient } from '../../shared/lesson/protocol.js';

/** A Socket.IO client of the `/lesson` namespace signed in with a session cookie, as a browser would be. */
export class LessonSocket {
  readonly socket: Socket<LessonServerToClient, LessonClientToServer>;
  readonly received: Array<{ event: string; payload: unknown }> = [];

  constructor(baseUrl: string, cookie: string, headers: Record<string, string> = {}) {
    this.socket = io(`${baseUrl}/lesson`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie, ...headers }, reconnection: false, forceNew: true });
    this.socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload }));
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** Resolves with the handshake's refusal (`connect_error`: the code as message, `data.message` for people). */
  refused(): Promise<{ message: string; data?: { code: string; message: string } }> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => reject(new Error('the handshake was accepted')));
      this.socket.once('connect_error', (error) => resolve(error as Error & { data?: { code: string; message: string } }));
    });
  }

  /**
   * Loads the live lesson's capabilities and joins it, as the page does (throws on a refusal). `receive`,
   * `resumeToken` and `resumeMedia` go with the join (the page asks to receive from the join on).
   */
  async joinLesson(
    courseId: number,
    options: Pick<LessonRequestPayload<'lesson:join'>, 'receive' | 'resumeToken' | 'resumeMedia'> = {},
  ): Promise<LessonRequestData<'lesson:join'>> {
    const { routerRtpCapabilities } = await this.request('lesson:capabilities', { courseId });
    return this.request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] }, ...options });
  }

  /** Sends a request and resolves with its ack (ok or error). Any payload may be sent, also malformed ones. */
  ask<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K> | Record<string, unknown> | unknown): Promise<Ack<LessonRequestData<K>>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${name} within 10 s`)), 10_000);
      (this.socket.emit as (event: string, payload: unknown, ack: (result: Ack<LessonRequestData<K>>) => void) => void)(name, payload, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  /**
   * Sends a request written as raw Socket.IO packet JSON, bypassing the client's encoder (which cannot
   * encode some payloads an attacker can write, such as arrays nested 100,000 deep), and resolves with its ack.
   */
  askRaw(event: string, payloadJson: string): Promise<Ack<unknown>> {
    const id = LessonSocket.#rawAckId++;
    const engine = this.socket.io.engine;
    return new Promise((resolve, reject) => {
      const onPacket = (packet: { type: string; data?: unknown }) => {
        const prefix = `3/lesson,${id}`;
        if (packet.type !== 'message' || typeof packet.data !== 'string' || !packet.data.startsWith(prefix)) return;
        clearTimeout(timer);
        engine.off('packet', onPacket);
        resolve((JSON.parse(packet.data.slice(prefix.length)) as [Ack<unknown>])[0]);
      };
      const timer = setTimeout(() => {
        engine.off('packet', onPacket);
        reject(new Error(`no ack for raw ${event} within 10 s`));
      }, 10_000);
      engine.on('packet', onPacket);
      engine.write(`2/lesson,${id}[${JSON.stringify(event)},${payloadJson}]`);
    });
  }

  /** Ack ids of raw requests, far above the ones the client numbers its own from 0. */
  static #rawAckId = 1_000_000;

  /** Sends a request that must succeed and returns its data. */
  async request<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>): Promise<LessonRequestData<K>> {
    const result = await this.ask(name, payload);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  /** Resolves with the first matching event received (already or within the timeout). */
  async nextEvent<K extends LessonEventName>(event: K, match: (payload: LessonEventPayload<K>) => boolean = () => true, timeoutMs = 10_000): Promise<LessonEventPayload<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((r) => r.event === event && match(r.payload as LessonEventPayload<K>));
      if (found) return found.payload as LessonEventPayload<K>;
      if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Resolves with the first entry of `participants:changed`'s `change` list that matches (already or within the timeout). */
  async nextParticipant<C extends keyof ParticipantChanges>(change: C, match: (entry: ParticipantChanges[C][number]) => boolean = () => true, timeoutMs = 10_000): Promise<ParticipantChanges[C][number]> {
    const entries = (changes: ParticipantChanges) => changes[change] as Array<ParticipantChanges[C][number]>;
    const changes = await this.nextEvent('participants:changed', (payload) => entries(payload).some(match), timeoutMs);
    return entries(changes).find(match)!;
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Opens signed-in lesson sockets on a fixture's server (kept in `sockets` to close) and joins its course's
 * lesson. `fixture` is read at each call: tests make the fixture in beforeAll, after the driver.
 */
export function lessonDriver(fixture: () => OrganisationFixture, sockets: LessonSocket[]) {
  const connect = async (principal: PrincipalKey) => {
    const f = fixture();
    const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader());
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const join = (socket: LessonSocket) => socket.joinLesson(fixture().ids.courseId);
  return { connect, join };
}

/**
 * The lesson session's row once its end is recorded. Sites are told a lesson ended as it ends; the store
 * records the end a moment later, so a test that has seen `lesson:ended` waits here before reading it.
 */
export async function recordedEnd(db: TongkeDb, lessonSessionId: number, timeoutMs = 5_000): Promise<typeof lessonSessions.$inferSelect> {
  return settled(`the end of lesson session ${lessonSessionId}`, timeoutMs, async () => {
    const [row] = await db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId));
    return row?.endedAt ? row : null;
  });
}

/**
 * The ended lesson's attendance intervals once every one is closed. Evidence goes through a write buffer
 * that is flushed when the lesson ends, a moment after the session row records the end.
 */
export async function closedAttendance(db: TongkeDb, lessonSessionId: number, timeoutMs = 5_000): Promise<Array<typeof attendanceIntervals.$inferSelect>> {
  return settled(`the attendance of lesson session ${lessonSessionId}`, timeoutMs, async () => {
    const rows = await db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(attendanceIntervals.id));
    return rows.length > 0 && rows.every((r) => r.leftAt !== null) ? rows : null;
  });
}

async function settled<T>(what: string, timeoutMs: number, read: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what} was not recorded within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
