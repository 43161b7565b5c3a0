import { spatialLayerForTileHeight, spatialLayerCount, temporalLayerCount } from './layers.js';
import type { Consumer } from './types.js';

/** How a receiver wants its video overall: set per participant, read by each of its consumers. */
export interface ReceiverPreferences {
  /** The receiver asked for audio only: every video consumer pauses. */
  readonly audioOnly: boolean;
  /** Highest spatial layer link adaptation allows this receiver; `undefined` = no limit. */
  readonly layerCeiling: number | undefined;
}

/** Where and how big the receiver shows a consumer's video. */
export interface TileSize {
  readonly width: number;
  readonly height: number;
  readonly visible: boolean;
}

/** appData of every consumer a lesson makes. */
export interface ConsumerAppData {
  [key: string]: unknown;
  /** The receiver. */
  participantId: string;
  /** The participant whose producer it consumes. */
  producerParticipantId: string;
}

/**
 * One consumer and what decides its state: it runs only once the receiver is ready to render it, while its
 * tile is visible and (for video) the receiver is not audio-only; its preferred spatial layer follows the tile
 * height, capped by the receiver's layer ceiling. Changes are applied to the worker one at a time in order,
 * so a quick hide-then-show cannot end paused.
 */
export class ReceivedStream {
  readonly consumer: Consumer<ConsumerAppData>;
  /** Spatial layers of the stream: 3 for the lead teacher's camera, 2 for a classroom's, 1 without simulcast. */
  readonly spatialLayers: number;
  /** Temporal layers of each spatial layer (3 for the house's L1T3 encodings, 1 when none are signalled). */
  readonly temporalLayers: number;
  readonly #receiver: ReceiverPreferences;
  /** The highest spatial layer this stream may ever forward (undefined: its top). */
  readonly #maxSpatialLayer: number | undefined;
  #ready = false;
  #tile: TileSize | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(consumer: Consumer<ConsumerAppData>, receiver: ReceiverPreferences, maxSpatialLayer?: number) {
    this.consumer = consumer;
    this.#receiver = receiver;
    this.#maxSpatialLayer = maxSpatialLayer;
    this.spatialLayers = consumer.kind === 'video' ? spatialLayerCount(consumer.rtpParameters) : 1;
    this.temporalLayers = consumer.kind === 'video' ? temporalLayerCount(consumer.rtpParameters) : 1;
  }

  /** Running: resumed by the receiver and by us, and its producer not paused. */
  get running(): boolean {
    const { consumer } = this;
    return !consumer.closed && !consumer.paused && !consumer.producerPaused;
  }

  /** The spatial layer the stream should be at, from the tile, the receiver's ceiling and the stream's cap. */
  get targetSpatialLayer(): number {
    const top = this.spatialLayers - 1;
    return Math.max(0, Math.min(this.tileSpatialLayer, this.#receiver.layerCeiling ?? top, this.#maxSpatialLayer ?? top));
  }

  /** The spatial layer the receiver's tile wants, whatever link adaptation allows. */
  get tileSpatialLayer(): number {
    return this.#tile ? spatialLayerForTileHeight(this.#tile.height, this.spatialLayers) : this.spatialLayers - 1;
  }

  /**
   * The SFU forwards a picture above layer 0 below its top temporal layer: the link cannot carry its full
   * frame rate (720p at 8 fps), where a smaller layer would run in full.
   */
  get temporalCut(): boolean {
    const current = this.consumer.currentLayers;
    if (!current || current.spatialLayer === 0 || current.temporalLayer === undefined) return false;
    return current.temporalLayer < this.temporalLayers - 1;
  }

  /** The receiver is ready to render: from now on the stream may run. */
  markReady(): Promise<void> {
    this.#ready = true;
    return this.apply();
  }

  /** The receiver's tile for this stream changed. Audio has no tile, so audio streams ignore it. */
  setTile(tile: TileSize): Promise<void> {
    if (this.consumer.kind !== 'video') return Promise.resolve();
    this.#tile = { ...tile };
    return this.apply();
  }

  /** Brings the consumer in line with the wanted state (after this stream's earlier changes). */
  apply(): Promise<void> {
    const next = this.#queue.then(
      () => this.#sync(),
      () => this.#sync(),
    );
    this.#queue = next;
    return next;
  }

  #shouldPause(): boolean {
    if (!this.#ready) return true;
    if (this.consumer.kind !== 'video') return false;
    const tile = this.#tile;
    const tileHidden = tile !== undefined && (!tile.visible || tile.width === 0 || tile.height === 0);
    return tileHidden || this.#receiver.audioOnly;
  }

  async #sync(): Promise<void> {
    const { consumer } = this;
    if (consumer.closed) return;
    const pause = this.#shouldPause();
    try {
      // Layers before resuming, so the first frames after a resume come at the wanted size.
      if (!pause && this.spatialLayers > 1) {
        const spatialLayer = this.targetSpatialLayer;
        if (consumer.preferredLayers?.spatialLayer !== spatialLayer) await consumer.setPreferredLayers({ spatialLayer });
      }
      if (pause && !consumer.paused) await consumer.pause();
      else if (!pause && consumer.paused) await consumer.resume();
    } catch (error) {
      // A consumer closed while its request was in flight needs no state any more; anything else is real.
      if (consumer.closed) return;
      throw error;
    }
  }
}
