import { describe, expect, it } from 'vitest';

import { spatialLayerCount, spatialLayerForTileHeight, temporalLayerCount } from './layers.js';
import { planPorts } from './ports.js';

describe('planPorts', () => {
  it('takes one WebRtcServer port per worker from the top of the RTC range by default', () => {
    expect(planPorts({ workerCount: 3, rtcMinPort: 40000, rtcMaxPort: 49999 })).toEqual({
      webRtcServerPorts: [49999, 49998, 49997],
      rtcMinPort: 40000,
      rtcMaxPort: 49996,
    });
  });

  it('uses an explicit base outside the range, worker i on base + i', () => {
    expect(planPorts({ workerCount: 2, rtcMinPort: 40000, rtcMaxPort: 49999, webRtcServerPort: 3478 })).toEqual({
      webRtcServerPorts: [3478, 3479],
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
    });
  });

  it('refuses plans that cannot work', () => {
    expect(() => planPorts({ workerCount: 2, rtcMinPort: 40000, rtcMaxPort: 49999, webRtcServerPort: 44000 })).toThrow(/overlap/);
    expect(() => planPorts({ workerCount: 2, rtcMinPort: 40000, rtcMaxPort: 49999, webRtcServerPort: 39999 })).toThrow(/overlap/);
    expect(() => planPorts({ workerCount: 4, rtcMinPort: 40000, rtcMaxPort: 40003 })).toThrow(/too small/);
    expect(() => planPorts({ workerCount: 2, rtcMinPort: 40000, rtcMaxPort: 49999, webRtcServerPort: 65535 })).toThrow(RangeError);
    expect(() => planPorts({ workerCount: 1, rtcMinPort: 50000, rtcMaxPort: 40000 })).toThrow(/invalid RTC port range/);
  });
});

describe('spatial layers', () => {
  it('counts a consumer’s spatial layers from its scalability mode', () => {
    const withMode = (scalabilityMode?: string) => ({ codecs: [], encodings: [{ ssrc: 1, ...(scalabilityMode ? { scalabilityMode } : {}) }] });
    expect(spatialLayerCount(withMode('L3T3'))).toBe(3);
    expect(spatialLayerCount(withMode('L2T1'))).toBe(2);
    expect(spatialLayerCount(withMode())).toBe(1);
  });

  it('counts its temporal layers too, so adaptation can tell a thinned frame rate (L3T3: 3; none signalled: 1)', () => {
    const withMode = (scalabilityMode?: string) => ({ codecs: [], encodings: [{ ssrc: 1, ...(scalabilityMode ? { scalabilityMode } : {}) }] });
    expect(temporalLayerCount(withMode('L3T3'))).toBe(3);
    expect(temporalLayerCount(withMode('L2T1'))).toBe(1);
    expect(temporalLayerCount(withMode())).toBe(1);
  });

  it('picks the layer a tile needs: ≤ 240 px → 0, ≤ 480 px → 1, taller → top', () => {
    expect([90, 240, 241, 480, 481, 1080].map((height) => spatialLayerForTileHeight(height, 3))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('clamps to the layers the stream has (a classroom camera sends 2, a plain stream 1)', () => {
    expect(spatialLayerForTileHeight(1080, 2)).toBe(1);
    expect(spatialLayerForTileHeight(360, 2)).toBe(1);
    expect(spatialLayerForTileHeight(1080, 1)).toBe(0);
  });
});
