import { LessonMediaError } from './errors.js';
import type { LessonEventSink } from './events.js';
import type { LessonMediaHost } from './media-worker.js';
import type { LessonProducer } from './participant-media.js';
import type { Consumer, MediaKind, PlainTransport, Router, RtpCapabilities } from './types.js';

/*
 * Recording taps: a producer fed, as plain RTP, to a local receiver (the server's FFmpeg). A tap is a
 * consumer of the lesson's router on a PlainTransport of its own — not a participant: it is no site, no
 * participant rule (stage, audio only, tiles, link adaptation) touches it, and only its owner closes it.
 */

/** Where the recorder listens: its RTP port and its RTCP port (FFmpeg's default is RTP + 1). */
export interface RecordingReceiver {
  readonly ip: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
}

/** The codec a tap sends, as the receiver's SDP must describe it. */
export interface RecordedCodec {
  readonly mimeType: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels?: number;
  readonly parameters: Record<string, unknown>;
}

/** A producer being fed to a recorder. */
export interface RecordingTapInfo {
  readonly consumerId: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly codec: RecordedCodec;
  readonly ssrc: number;
}

/** Why a tap ended: its producer closed, its owner (or the lesson) closed it, or the worker under it died. */
export type RecordingTapCloseReason = 'producer-closed' | 'closed' | 'worker-died';

interface TapAppData {
  [key: string]: unknown;
  recording: true;
}

interface Tap {
  readonly transport: PlainTransport<TapAppData>;
  readonly consumer: Consumer<TapAppData>;
}

/**
 * What a plain receiver can take: the router's codecs without congestion-control feedback. A simulcast
 * consumer then sends the highest layer it has, since no bandwidth estimate holds it back.
 */
function recorderCapabilities(router: Router): RtpCapabilities {
  const congestionControl = new Set(['transport-cc', 'goog-remb']);
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter((feedback) => !congestionControl.has(feedback.type)),
    })),
    headerExtensions: (router.rtpCapabilities.headerExtensions ?? []).filter((extension) => !/transport-wide-cc|abs-send-time/.test(extension.uri)),
  };
}

/** The recording taps of one lesson (LessonMedia owns one). */
export class RecordingTaps {
  readonly #taps = new Map<string, Tap>();
  readonly #router: Router;
  readonly #host: LessonMediaHost;
  readonly #sink: LessonEventSink;
  #workerDied = false;

  constructor(router: Router, host: LessonMediaHost, sink: LessonEventSink) {
    this.#router = router;
    this.#host = host;
    this.#sink = sink;
  }

  /** Creates a paused tap of `producer` towards `receiver` (comedia off, RTCP on its own port). */
  async open(producer: LessonProducer, receiver: RecordingReceiver): Promise<RecordingTapInfo> {
    const transport = await this.#router.createPlainTransport<TapAppData>({
      listenIp: this.#host.listen.listenIp,
      rtcpMux: false,
      comedia: false,
      appData: { recording: true },
    });
    let consumer: Consumer<TapAppData>;
    try {
      await transport.connect({ ip: receiver.ip, port: receiver.rtpPort, rtcpPort: receiver.rtcpPort });
      consumer = await transport.consume<TapAppData>({
        producerId: producer.id,
        rtpCapabilities: recorderCapabilities(this.#router),
        paused: true,
        appData: { recording: true },
      });
    } catch (error) {
      transport.close();
      throw error;
    }
    // A simulcast camera: always its best layer (the default, said here so no one changes it by accident).
    if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: 9, temporalLayer: 9 });
    this.#taps.set(consumer.id, { transport, consumer });
    this.#report(consumer, transport);
    const codec = consumer.rtpParameters.codecs[0];
    if (!codec) throw new Error(`consumer ${consumer.id} has no codec`);
    return {
      consumerId: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      codec: {
        mimeType: codec.mimeType,
        payloadType: codec.payloadType,
        clockRate: codec.clockRate,
        ...(codec.channels === undefined ? {} : { channels: codec.channels }),
        parameters: { ...(codec.parameters ?? {}) },
      },
      ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0,
    };
  }

  /** The receiver listens: media may flow. `'recording-flowing'` tells when its first packet left. */
  async resume(consumerId: string): Promise<void> {
    const { consumer } = this.#tap(consumerId);
    await consumer.enableTraceEvent(['rtp']);
    const first = (trace: { type: string; direction: string }) => {
      if (trace.type !== 'rtp' || trace.direction !== 'out') return;
      consumer.off('trace', first);
      this.#sink.emit('recording-flowing', { consumerId, producerId: consumer.producerId, at: new Date() });
      // One packet was all we wanted to know of; tracing every packet costs the worker.
      if (!consumer.closed) void consumer.enableTraceEvent([]).catch(() => undefined);
    };
    consumer.on('trace', first);
    await consumer.resume();
  }

  async requestKeyFrame(consumerId: string): Promise<void> {
    const { consumer } = this.#tap(consumerId);
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  /** Ends a tap (reason 'closed'); an unknown or already closed one is ignored. */
  close(consumerId: string): void {
    this.#taps.get(consumerId)?.transport.close();
  }

  /** The lesson's media ended: every tap closes with the reason the lesson's media closed for. */
  closeAll(reason: 'closed' | 'worker-died'): void {
    this.#workerDied = reason === 'worker-died';
    for (const { transport } of [...this.#taps.values()]) transport.close();
  }

  get consumerIds(): string[] {
    return [...this.#taps.keys()];
  }

  #tap(consumerId: string): Tap {
    const tap = this.#taps.get(consumerId);
    if (!tap) throw new LessonMediaError('unknown-consumer', `no recording tap ${consumerId}`);
    return tap;
  }

  #report(consumer: Consumer<TapAppData>, transport: PlainTransport<TapAppData>): void {
    let reason: RecordingTapCloseReason = 'closed';
    this.#host.consumerOpened();
    consumer.on('producerclose', () => {
      reason = 'producer-closed';
      transport.close();
    });
    consumer.observer.once('close', () => {
      this.#taps.delete(consumer.id);
      transport.close();
      this.#host.consumerClosed();
      // A dead worker closes its routers' consumers before the router says why ('workerclose'): the
      // reason is read once that has run.
      queueMicrotask(() => {
        this.#sink.emit('recording-closed', { consumerId: consumer.id, producerId: consumer.producerId, reason: this.#workerDied ? 'worker-died' : reason });
      });
    });
  }
}
