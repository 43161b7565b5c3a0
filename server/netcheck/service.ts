import { assertDtlsParameters, LessonMediaError, MediaPoolError, type MediaWorkerPool, type NetworkProbe, type ProbeProtocol } from '../../media/index.js';
import {
  MAX_OPEN_PROBES_PER_ACCOUNT,
  PROBE_LIFETIME_SECONDS,
  type NetcheckPlan,
  type ProbeKind,
  type ProbeOpened,
  type ProbeState,
} from '../../shared/api/netcheck.js';
import type { TongkeConfig } from '../config.js';
import { ApiError, notFound } from '../core/errors.js';
import { iceServersFor, turnUrls } from '../lessons/turn-credentials.js';

/** What the network check uses of the media layer: probes, and the workers' ports for the admin text. */
export type NetworkProbeFactory = Pick<MediaWorkerPool, 'openNetworkProbe'> & {
  readonly workers: ReadonlyArray<{ readonly alive: boolean; readonly webRtcServerPort: number | null }>;
};

/** How each probe kind is reached: TURN relays to the server over whatever the relay can use. */
const PROTOCOL_OF: Record<ProbeKind, ProbeProtocol> = { udp: 'udp', tcp: 'tcp', turn: 'any' };

interface OpenProbe {
  readonly probe: NetworkProbe;
  readonly userId: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * The server side of the pre-join network check: opens probe transports for signed-in accounts, at most
 * {@link MAX_OPEN_PROBES_PER_ACCOUNT} open per account, each closed after {@link PROBE_LIFETIME_SECONDS}
 * (or when the browser is done, or the app closes). A probe belongs to the account that opened it: to
 * anyone else it does not exist.
 */
export class NetworkCheckService {
  readonly #media: NetworkProbeFactory | null;
  readonly #config: TongkeConfig;
  readonly #probes = new Map<string, OpenProbe>();
  readonly #lifetimeMs: number;

  constructor(media: NetworkProbeFactory | null, config: TongkeConfig, lifetimeMs = PROBE_LIFETIME_SECONDS * 1000) {
    this.#media = media;
    this.#config = config;
    this.#lifetimeMs = lifetimeMs;
  }

  /** Probes open now (tests and health). */
  get openProbeCount(): number {
    return this.#probes.size;
  }

  plan(): NetcheckPlan {
    const ports = [...new Set((this.#media?.workers ?? []).flatMap((worker) => (worker.alive && worker.webRtcServerPort !== null ? [worker.webRtcServerPort] : [])))];
    return {
      turnConfigured: turnUrls(this.#config).length > 0,
      mediaPorts: { udp: ports, tcp: ports },
      turnUrls: turnUrls(this.#config),
      mediaAvailable: this.#media !== null,
    };
  }

  /**
   * Opens a probe of `kind` for the account.
   * @throws {ApiError} `rate_limited` with as many probes open already, `conflict` when this server cannot
   *   offer the kind (no media workers, ICE over TCP off, no TURN configured).
   */
  async open(userId: number, kind: ProbeKind): Promise<ProbeOpened> {
    const media = this.#media;
    if (!media) throw new ApiError('conflict');
    const open = [...this.#probes.values()].filter((entry) => entry.userId === userId).length;
    if (open >= MAX_OPEN_PROBES_PER_ACCOUNT) throw new ApiError('rate_limited', { seconds: Math.ceil(this.#lifetimeMs / 1000) });
    // The same servers, with a credential of her own, as her next join will get.
    const iceServers = iceServersFor(this.#config, userId);
    if (kind === 'turn' && iceServers.length === 0) throw new ApiError('conflict');
    let probe: NetworkProbe;
    try {
      probe = await media.openNetworkProbe(PROTOCOL_OF[kind]);
    } catch (error) {
      if (error instanceof MediaPoolError && error.code !== 'pool-closed') throw new ApiError('conflict');
      throw error;
    }
    const timer = setTimeout(() => probe.close(), this.#lifetimeMs);
    timer.unref();
    this.#probes.set(probe.id, { probe, userId, timer });
    probe.once('closed', () => {
      clearTimeout(timer);
      this.#probes.delete(probe.id);
    });
    const { id, iceParameters, iceCandidates, dtlsParameters, sctpParameters, rtpCapabilities } = probe.parameters;
    return {
      probeId: id,
      kind,
      iceParameters,
      iceCandidates,
      dtlsParameters,
      sctpParameters,
      routerRtpCapabilities: rtpCapabilities,
      iceServers: kind === 'turn' ? iceServers : [],
      iceTransportPolicy: kind === 'turn' ? 'relay' : 'all',
      expiresInSeconds: Math.ceil(this.#lifetimeMs / 1000),
    };
  }

  /**
   * The browser's DTLS parameters for its probe.
   * @throws {ApiError} `not_found` for a probe that is not the account's (or closed already), `bad_request`
   *   for parameters mediasoup refuses, `conflict` for a second connect.
   */
  async connect(userId: number, probeId: string, dtlsParameters: unknown): Promise<void> {
    const probe = this.#own(userId, probeId);
    try {
      assertDtlsParameters(dtlsParameters);
      await probe.connect(dtlsParameters);
    } catch (error) {
      if (error instanceof LessonMediaError) throw new ApiError(error.code === 'already-connected' ? 'conflict' : 'bad_request');
      throw error;
    }
  }

  state(userId: number, probeId: string): ProbeState {
    return this.#own(userId, probeId).state;
  }

  close(userId: number, probeId: string): void {
    this.#own(userId, probeId).close();
  }

  /** Closes every probe (the app is closing). */
  closeAll(): void {
    for (const { probe } of [...this.#probes.values()]) probe.close();
  }

  #own(userId: number, probeId: string): NetworkProbe {
    const entry = this.#probes.get(probeId);
    if (!entry || entry.userId !== userId) throw notFound();
    return entry.probe;
  }
}
