/**
 * When a site's media cannot connect directly — a school firewall that drops UDP and the media server's TCP
 * port alike — the lesson is joined again with ICE restricted to the TURN relay (iceTransportPolicy 'relay'),
 * which reaches TURN over TCP or TLS on a port the school allows (443). The browser is remembered for a while,
 * so the next lesson at that school starts on the relay without waiting again; and a classroom can be set to
 * always use it.
 *
 * Why 6 s: a direct path connects in well under 2 s even over ICE-TCP (1.6 s measured with UDP blocked, and
 * village links add a few hundred ms), while Chromium takes ~30 s to declare ICE failed. Only a transport that
 * never connected falls back: one that connected and then broke is the ICE restart's job, so a flapping link
 * does not move a school onto the relay for weeks.
 */

/** How long a transport may stay connecting before its site retries through the relay. */
export const RELAY_FALLBACK_MS = 6_000;
/** How long a browser that needed the relay starts on it (then direct is tried again: the network may have changed). */
export const RELAY_REMEMBER_MS = 14 * 86_400_000;
/** localStorage key of this browser's relay choice. */
export const RELAY_STORAGE_KEY = 'tongke.lesson.relay';

/** The transport states mediasoup-client reports (its ConnectionState). */
export type TransportState = 'new' | 'connecting' | 'connected' | 'failed' | 'disconnected' | 'closed';
export type IcePolicy = 'all' | 'relay';

/** Where this browser's choice is kept (localStorage in the page). */
export interface RelayStore {
  get(): string | null;
  set(value: string | null): void;
}

export interface RelayClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

type Choice = { mode: 'always' } | { mode: 'remembered'; until: number };

/** Whether the ICE servers name a TURN server (a STUN server alone relays nothing). */
export function hasTurnServer(iceServers: readonly RTCIceServer[]): boolean {
  return iceServers.some((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)));
}

/** One media session's watch over its transports' first connection. */
export interface ConnectWatch {
  observe(direction: 'send' | 'recv', state: TransportState): void;
  stop(): void;
}

export class RelayFallback {
  readonly #store: RelayStore;
  readonly #clock: RelayClock;

  constructor(store: RelayStore, clock: RelayClock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** In the page: the choice in localStorage, timers of the window. */
  static inPage(): RelayFallback {
    return new RelayFallback(
      {
        get: () => window.localStorage.getItem(RELAY_STORAGE_KEY),
        set: (value) => (value === null ? window.localStorage.removeItem(RELAY_STORAGE_KEY) : window.localStorage.setItem(RELAY_STORAGE_KEY, value)),
      },
      { now: () => Date.now(), setTimeout: (run, ms) => window.setTimeout(run, ms), clearTimeout: (timer) => window.clearTimeout(timer as number) },
    );
  }

  /** This classroom always connects through the relay (its network allows only TCP 443, say). */
  get always(): boolean {
    return this.#choice()?.mode === 'always';
  }

  /** The setting: always through the relay, or back to trying direct first. */
  setAlways(always: boolean): void {
    this.#store.set(always ? JSON.stringify({ mode: 'always' } satisfies Choice) : null);
  }

  /** The policy a new media session starts with: the relay when chosen or lately needed, and only when there is one. */
  policyFor(iceServers: readonly RTCIceServer[]): IcePolicy {
    if (!hasTurnServer(iceServers)) return 'all';
    const choice = this.#choice();
    if (choice?.mode === 'always') return 'relay';
    if (choice?.mode === 'remembered' && choice.until > this.#clock.now()) return 'relay';
    return 'all';
  }

  /**
   * Watches a media session started with `policy`: the first time one of its transports fails or is still
   * connecting RELAY_FALLBACK_MS after it began, the browser is remembered and `fallBack` is called (once), for
   * the caller to join again through the relay. Nothing to do when it already uses the relay or there is none.
   */
  watch(policy: IcePolicy, iceServers: readonly RTCIceServer[], fallBack: () => void): ConnectWatch {
    const timers = new Map<string, unknown>();
    const connected = new Set<string>();
    let done = policy === 'relay' || !hasTurnServer(iceServers);
    const stop = () => {
      done = true;
      for (const timer of timers.values()) this.#clock.clearTimeout(timer);
      timers.clear();
    };
    const fire = () => {
      if (done) return;
      stop();
      this.#store.set(JSON.stringify({ mode: 'remembered', until: this.#clock.now() + RELAY_REMEMBER_MS } satisfies Choice));
      fallBack();
    };
    return {
      observe: (direction, state) => {
        if (done || connected.has(direction)) return;
        if (state === 'connected') {
          connected.add(direction);
          this.#clock.clearTimeout(timers.get(direction));
          timers.delete(direction);
        } else if (state === 'failed') fire();
        else if (state === 'connecting' && !timers.has(direction)) timers.set(direction, this.#clock.setTimeout(fire, RELAY_FALLBACK_MS));
        else if (state === 'closed') {
          this.#clock.clearTimeout(timers.get(direction));
          timers.delete(direction);
        }
      },
      stop,
    };
  }

  #choice(): Choice | null {
    const raw = this.#store.get();
    if (!raw) return null;
    try {
      const choice = JSON.parse(raw) as Partial<{ mode: string; until: number }>;
      if (choice.mode === 'always') return { mode: 'always' };
      if (choice.mode === 'remembered' && typeof choice.until === 'number') return { mode: 'remembered', until: choice.until };
    } catch (error) {
      console.warn(`ignoring an unreadable ${RELAY_STORAGE_KEY}`, error);
    }
    return null;
  }
}
