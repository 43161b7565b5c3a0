import { EventEmitter } from 'node:events';
import { createWorker, type types as mediasoup } from 'mediasoup';

import type { MediaLogger } from './logger.js';
import type { Router, TransportListenIp, WebRtcServer, WorkerLogLevel } from './types.js';

/** Where a lesson's transports listen: the worker's WebRtcServer, else a port of their own. */
export interface TransportListen {
  /** The worker's WebRtcServer; `undefined` when it could not be created. */
  readonly webRtcServer: WebRtcServer | undefined;
  /** For PlainTransports, and for WebRtcTransports when there is no WebRtcServer (a port from the RTC range). */
  readonly listenIp: TransportListenIp;
  /** Whether WebRTC transports also offer ICE over TCP. */
  readonly enableTcp: boolean;
}

/** What a {@link LessonMedia} needs from a worker it runs on. */
export interface LessonMediaHost {
  readonly listen: TransportListen;
  readonly alive: boolean;
  /** Consumers open on the worker, every lesson's: its load. */
  readonly consumerCount: number;
  consumerOpened(): void;
  consumerClosed(): void;
}

/** How to start one worker process. */
export interface MediaWorkerSettings {
  readonly index: number;
  readonly logLevel: WorkerLogLevel;
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  readonly listenIp: TransportListenIp;
  readonly webRtcServerPort: number;
  readonly enableTcp: boolean;
}

/** Events of a {@link MediaWorker}. */
export interface MediaWorkerEvents {
  /** The process exited unexpectedly; every router on it is already closed. */
  died: [error: Error];
}

/**
 * One mediasoup worker process and its WebRtcServer, with the load placed on it. A replacement process is
 * a new MediaWorker, so counts of a dead process can never leak into its successor.
 */
export class MediaWorker extends EventEmitter<MediaWorkerEvents> implements LessonMediaHost {
  readonly index: number;
  readonly listen: TransportListen;
  readonly routers = new Set<Router>();
  /** Ids of the live lessons whose router runs here. */
  readonly lessonIds = new Set<string>();
  readonly #worker: mediasoup.Worker;
  readonly #serverPort: number;
  #consumers = 0;

  /**
   * Starts the process, then its WebRtcServer. A server that cannot listen (port taken) is logged and
   * left out: the worker still serves, with per-transport ports.
   */
  static async start(settings: MediaWorkerSettings, logger: MediaLogger): Promise<MediaWorker> {
    const { index, logLevel, rtcMinPort, rtcMaxPort, listenIp, webRtcServerPort: port, enableTcp } = settings;
    const worker = await createWorker({ logLevel, rtcMinPort, rtcMaxPort, appData: { index } });
    let webRtcServer: WebRtcServer | undefined;
    try {
      const protocols = enableTcp ? (['udp', 'tcp'] as const) : (['udp'] as const);
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: protocols.map((protocol) => ({ protocol, ip: listenIp.ip, announcedIp: listenIp.announcedIp, port })),
        appData: { index },
      });
    } catch (error) {
      logger.warn(
        { workerIndex: index, pid: worker.pid, port, err: error },
        'WebRtcServer could not listen; this worker gives each WebRTC transport its own port from the RTC range',
      );
    }
    return new MediaWorker(index, worker, { webRtcServer, listenIp, enableTcp }, port);
  }

  private constructor(index: number, worker: mediasoup.Worker, listen: TransportListen, serverPort: number) {
    super();
    this.index = index;
    this.#worker = worker;
    this.listen = listen;
    this.#serverPort = serverPort;
    worker.once('died', (error) => {
      this.routers.clear();
      this.emit('died', error);
    });
  }

  get pid(): number {
    return this.#worker.pid;
  }

  get alive(): boolean {
    return !this.#worker.closed && !this.#worker.died;
  }

  /** Consumers open on this worker: the measure of its load. */
  get consumerCount(): number {
    return this.#consumers;
  }

  /** The WebRtcServer's port, or `null` when transports fall back to their own ports. */
  get webRtcServerPort(): number | null {
    return this.listen.webRtcServer && !this.listen.webRtcServer.closed ? this.#serverPort : null;
  }

  consumerOpened(): void {
    this.#consumers++;
  }

  consumerClosed(): void {
    this.#consumers--;
  }

  getResourceUsage(): Promise<mediasoup.WorkerResourceUsage> {
    return this.#worker.getResourceUsage();
  }

  /** Creates a router, tracked until it closes. */
  async createRouter(mediaCodecs: mediasoup.RtpCodecCapability[]): Promise<Router> {
    const router = await this.#worker.createRouter({ mediaCodecs });
    if (!router.closed) {
      this.routers.add(router);
      router.observer.once('close', () => this.routers.delete(router));
    }
    return router;
  }

  /**
   * Ends the process. Routers (and so every WebRtcTransport) must be closed before this, never the
   * WebRtcServer on its own: in 3.12 closing a WebRtcServer that still has transports kills the worker.
   * Closing the process is safe: the worker deletes its routers before its servers.
   */
  close(): void {
    this.#worker.close();
    this.routers.clear();
  }
}
