import { io, type Socket } from 'socket.io-client';
import { ERROR_STATUS, type ErrorCode } from '../../../shared/errors.js';
import type {
  Ack,
  LessonClientToServer,
  LessonEventName,
  LessonEventPayload,
  LessonRequestData,
  LessonRequestName,
  LessonRequestPayload,
  LessonServerToClient,
} from '../../../shared/lesson/protocol.js';
import { NODE_HINT } from '../../../shared/lesson/protocol.js';
import { ApiError } from '../api.js';
import { HeldEvents } from './held-events.js';

type LessonSocket = Socket<LessonServerToClient, LessonClientToServer>;

/** How long a request may wait for its ack before it counts as lost on the way. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Why the link went away, as the session needs to know it. */
export type LinkLoss =
  /** The network or the server dropped: Socket.IO reconnects by itself. */
  | 'transient'
  /** The server closed this connection on purpose (lesson ended, removed, joined elsewhere): no reconnect. */
  | 'closed_by_server';

export interface ConnectionListeners {
  /** Connected, first time or after a reconnect: the site has to (re)join. */
  onConnected(): void;
  onLost(loss: LinkLoss): void;
  /**
   * A connection attempt failed. `retrying` is false when the server refused the handshake (the session
   * cookie is gone: `unauthenticated`; a foreign origin; too many open lessons); Socket.IO then does not
   * try again. `explanation` is the server's text for people, when it gave one.
   */
  onConnectError(message: string, retrying: boolean, explanation?: string): void;
}

/**
 * The Socket.IO link of a live lesson (namespace `/lesson`, cookie auth, websocket only), typed with the
 * shared contract. `request()` resolves the ack's data or throws an `ApiError` with the server's code and
 * message; requests are refused at once while the link is down rather than queued for a later connection,
 * where they would arrive before the site has rejoined.
 */
export class LessonConnection {
  readonly #socket: LessonSocket;
  readonly #offlineMessage: string;
  readonly #held = new HeldEvents();
  #onBrowserOffline = () => this.dropLink();
  #closed = false;

  /** `url`: the namespace's address (the page's own origin; tests give a server's). */
  constructor(listeners: ConnectionListeners, offlineMessage: string, url = '/lesson') {
    this.#offlineMessage = offlineMessage;
    this.#socket = io(url, {
      path: '/socket.io',
      withCredentials: true,
      transports: ['websocket'],
      autoConnect: false,
      // A village link comes back within seconds more often than not: retry quickly, never give up.
      reconnectionDelay: 500,
      reconnectionDelayMax: 3_000,
      timeout: 8_000,
    });
    this.#socket.on('connect', () => listeners.onConnected());
    this.#socket.on('disconnect', (reason) => {
      // What came before the drop (the lesson's end, a removal) counts: the join in flight fails anyway.
      this.#held.flush();
      listeners.onLost(reason === 'io server disconnect' ? 'closed_by_server' : 'transient');
    });
    // A refusal by the server (foreign origin, too many open lessons) explains itself in `data.message`.
    this.#socket.on('connect_error', (error: Error & { data?: { message?: unknown } }) => {
      // The node it was sent to cannot be reached (it died): any node will do, and sends it on or takes the lesson over.
      this.#sendTo(null);
      listeners.onConnectError(error.message, this.#socket.active, typeof error.data?.message === 'string' ? error.data.message : undefined);
    });
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** Closed on purpose (`close()`): requests still in flight then fail without anyone to tell. */
  get closed(): boolean {
    return this.#closed;
  }

  open(): void {
    this.#closed = false;
    // The browser knows before any heartbeat does that the network is gone: start reconnecting at once.
    window.addEventListener('offline', this.#onBrowserOffline);
    this.#socket.connect();
  }

  /** Closes for good (leaving the page, lesson over); safe to call twice. */
  close(): void {
    this.#closed = true;
    window.removeEventListener('offline', this.#onBrowserOffline);
    this.#socket.disconnect();
  }

  /**
   * Treats the link as broken now: closes the underlying transport the way a network failure would, so
   * Socket.IO's own reconnection (with its back-off) takes over.
   */
  dropLink(): void {
    if (this.#socket.connected) this.#socket.io.engine.close();
  }

  /** Sends a request of the contract and waits for its ack. */
  async request<K extends LessonRequestName>(name: K, payload: LessonRequestPayload<K>): Promise<LessonRequestData<K>> {
    if (!this.#socket.connected) throw new ApiError(0, 'network', this.#offlineMessage);
    // Socket.IO's typings cannot follow a generic event name through `emitWithAck`; the contract types both ends.
    const timed = this.#socket.timeout(REQUEST_TIMEOUT_MS);
    const emit = timed.emitWithAck.bind(timed) as unknown as (event: K, body: LessonRequestPayload<K>) => Promise<Ack<LessonRequestData<K>>>;
    let ack: Ack<LessonRequestData<K>>;
    try {
      ack = await emit(name, payload);
    } catch (cause) {
      if (!this.#closed) console.warn(`lesson request ${name} got no answer`, cause);
      throw new ApiError(0, 'network', this.#offlineMessage);
    }
    if (ack.ok) return ack.data;
    if (ack.error.code === 'lesson_elsewhere' && ack.error.node) {
      // Several nodes: the lesson runs on another one. Reconnect there; the session joins again once connected.
      this.#sendTo(ack.error.node);
      this.dropLink();
      throw new ApiError(0, 'network', this.#offlineMessage);
    }
    throw new ApiError(statusOf(ack.error.code), ack.error.code, ack.error.message);
  }

  /**
   * Holds server events until the returned function is called (a join in flight: they are newer than the
   * snapshot its ack will carry). When the link drops, what was held is applied at once.
   */
  holdEvents(): () => void {
    return this.#held.hold();
  }

  /** The node the lesson socket asks the proxy for (null: any), from the next connection on. */
  get nodeHint(): string | null {
    const hint = (this.#socket.io.opts.query as Record<string, string> | undefined)?.[NODE_HINT];
    return hint ?? null;
  }

  #sendTo(node: string | null): void {
    const query = { ...(this.#socket.io.opts.query as Record<string, string> | undefined) };
    if (node === null) delete query[NODE_HINT];
    else query[NODE_HINT] = node;
    this.#socket.io.opts.query = query;
  }

  /** Listens to a server event; returns the function that stops listening. */
  on<K extends LessonEventName>(event: K, listener: (payload: LessonEventPayload<K>) => void): () => void {
    const on = this.#socket.on as (event: K, listener: (payload: LessonEventPayload<K>) => void) => LessonSocket;
    const off = this.#socket.off as (event: K, listener: (payload: LessonEventPayload<K>) => void) => LessonSocket;
    const deliver = (payload: LessonEventPayload<K>) => this.#held.deliver(() => listener(payload));
    on.call(this.#socket, event, deliver);
    return () => void off.call(this.#socket, event, deliver);
  }
}

function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code] ?? 500;
}
