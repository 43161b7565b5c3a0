import { parseScalabilityMode } from 'mediasoup';

import type { RtpParameters } from './types.js';

/** Tile heights (CSS pixels) up to which a lower spatial layer is enough: ≤ 240 → 0, ≤ 480 → 1. */
const LAYER_MAX_TILE_HEIGHTS: readonly number[] = [240, 480];

/**
 * Number of spatial layers a consumer can choose from. mediasoup describes a simulcast or SVC consumer
 * with one encoding whose scalabilityMode is `L<spatial>T<temporal>` (for simulcast it counts the
 * producer's encodings); anything else has one layer. The lead teacher's camera has 3, a classroom's 2.
 */
export function spatialLayerCount(consumerRtpParameters: RtpParameters): number {
  const mode = consumerRtpParameters.encodings?.[0]?.scalabilityMode;
  return parseScalabilityMode(mode).spatialLayers;
}

/** Number of temporal layers of each spatial layer of a consumer (the `T<n>` of its scalabilityMode). */
export function temporalLayerCount(consumerRtpParameters: RtpParameters): number {
  const mode = consumerRtpParameters.encodings?.[0]?.scalabilityMode;
  return parseScalabilityMode(mode).temporalLayers;
}

/**
 * The spatial layer a tile of this height on the receiver's screen needs, clamped to what the stream
 * has. A taller tile than the top layer's resolution still gets the top layer.
 */
export function spatialLayerForTileHeight(height: number, layerCount: number): number {
  const top = Math.max(0, layerCount - 1);
  const wanted = LAYER_MAX_TILE_HEIGHTS.findIndex((maxHeight) => height <= maxHeight);
  return Math.min(wanted === -1 ? LAYER_MAX_TILE_HEIGHTS.length : wanted, top);
}
