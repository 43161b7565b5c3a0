import { Device } from 'mediasoup-client';
import type { ApiClient } from '../api.js';
import { MAX_SAMPLE_BYTES, type NetcheckPlan, type ProbeKind, type ProbeOpened } from '../../../shared/api/netcheck.js';
import { NETCHECK_THRESHOLDS, type ProbeOutcome } from './verdict.js';

/** What a network check asks of the browser and the server; {@link NetworkCheck} runs these in order. */
export interface NetcheckMeasurements {
  plan(): Promise<NetcheckPlan>;
  /** Connects to a probe of `kind` with ICE + DTLS; `failed` when it does not connect in time. */
  probe(kind: ProbeKind): Promise<ProbeOutcome>;
  /** Median of a few tiny requests (ms). */
  roundTrip(): Promise<number>;
  /** kbit/s of a bounded download. */
  download(): Promise<number>;
  /** kbit/s of a bounded upload. */
  upload(): Promise<number>;
}

const PINGS = 5;
/** A throughput sample stops after this long, so a check runs in seconds even on a slow link. */
const SAMPLE_MS = 3000;
/** Small enough that a link too slow to send it within SAMPLE_MS is below the verdict's upload threshold. */
const UPLOAD_BYTES = 128 * 1024;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const kbps = (bytes: number, ms: number) => (bytes * 8) / Math.max(ms, 1);

/**
 * The real measurements in a browser: probes through mediasoup-client (a send transport carrying one data
 * channel, which is enough for ICE and DTLS to complete), round trip, download and upload over fetch.
 */
export class BrowserNetcheckMeasurements implements NetcheckMeasurements {
  readonly #http: ApiClient;

  constructor(http: ApiClient) {
    this.#http = http;
  }

  plan(): Promise<NetcheckPlan> {
    return this.#http.get<NetcheckPlan>('/api/netcheck/plan');
  }

  async probe(kind: ProbeKind): Promise<ProbeOutcome> {
    let opened: ProbeOpened;
    try {
      opened = await this.#http.post<ProbeOpened>('/api/netcheck/probes', { kind });
    } catch (error) {
      console.warn(`network check: the ${kind} probe could not be opened`, error);
      return { status: 'failed' };
    }
    const started = performance.now();
    let transport: ReturnType<Device['createSendTransport']> | null = null;
    try {
      const device = await Device.factory();
      await device.load({ routerRtpCapabilities: opened.routerRtpCapabilities as never });
      const sending = device.createSendTransport({
        id: opened.probeId,
        iceParameters: opened.iceParameters as never,
        iceCandidates: opened.iceCandidates as never,
        dtlsParameters: opened.dtlsParameters as never,
        sctpParameters: opened.sctpParameters as never,
        iceServers: opened.iceServers,
        iceTransportPolicy: opened.iceTransportPolicy,
      });
      transport = sending;
      sending.on('connect', ({ dtlsParameters }, callback, errback) => {
        this.#http.post(`/api/netcheck/probes/${opened.probeId}/connect`, { dtlsParameters }).then(() => callback(), errback);
      });
      // The probe only needs the handshake: the data channel's id is the browser's own, no data producer is made.
      sending.on('producedata', (_parameters, callback) => callback({ id: crypto.randomUUID() }));
      const connected = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), NETCHECK_THRESHOLDS.probeTimeoutMs);
        sending.on('connectionstatechange', (state) => {
          if (state === 'connected' || state === 'failed') {
            clearTimeout(timer);
            resolve(state === 'connected');
          }
        });
      });
      await sending.produceData({ ordered: false, maxRetransmits: 0, label: 'netcheck' });
      return (await connected) ? { status: 'connected', ms: Math.round(performance.now() - started) } : { status: 'failed' };
    } catch (error) {
      console.warn(`network check: the ${kind} probe did not connect`, error);
      return { status: 'failed' };
    } finally {
      transport?.close();
      this.#http.delete(`/api/netcheck/probes/${opened.probeId}`).catch((error: unknown) => console.warn('network check: closing a probe failed (the server closes it soon anyway)', error));
    }
  }

  async roundTrip(): Promise<number> {
    const samples: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const started = performance.now();
      await this.#http.get('/api/netcheck/ping');
      samples.push(performance.now() - started);
    }
    return median(samples);
  }

  async download(): Promise<number> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SAMPLE_MS);
    const started = performance.now();
    let bytes = 0;
    try {
      const response = await fetch(`/api/netcheck/download?bytes=${MAX_SAMPLE_BYTES}`, { credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
      if (!response.ok || !response.body) throw new Error(`download sample answered ${response.status}`);
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
    } catch (error) {
      // Stopped at the time limit: what arrived so far is the sample.
      if (!abort.signal.aborted) throw error;
    } finally {
      clearTimeout(timer);
    }
    return kbps(bytes, performance.now() - started);
  }

  async upload(): Promise<number> {
    const started = performance.now();
    const sent = this.#http.post('/api/netcheck/upload', new Blob([new Uint8Array(UPLOAD_BYTES)]));
    const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), SAMPLE_MS));
    // A link too slow to send it in time is slower than this bound, which is below the threshold: enough for the verdict.
    if ((await Promise.race([sent, timedOut])) === 'timeout') {
      sent.catch((error: unknown) => console.warn('network check: the upload sample failed after its time limit', error));
      return kbps(UPLOAD_BYTES, SAMPLE_MS);
    }
    return kbps(UPLOAD_BYTES, performance.now() - started);
  }
}
