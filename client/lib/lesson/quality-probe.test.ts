import { describe, expect, it } from 'vitest';
import { QualityProbe } from './quality-probe.js';

type Stat = Record<string, unknown> & { id: string; type: string };

/** An RTCStatsReport as Chromium gives it: a map of stats by id (only forEach is read). */
const report = (...stats: Stat[]) => new Map(stats.map((stat) => [stat.id, stat])) as unknown as RTCStatsReport;

/** The receiving transport of a village classroom, shaped like Chromium's getStats() on a lossy link. */
function recvStats(at: { videoReceived: number; videoLost: number; audioReceived: number; freezes: number; frozenS: number; decoded: number; fps?: number; estimate?: number }) {
  return report(
    {
      id: 'CPa', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.31,
      ...(at.estimate === undefined ? {} : { availableIncomingBitrate: at.estimate }),
    },
    { id: 'CPb', type: 'candidate-pair', nominated: false, state: 'waiting', currentRoundTripTime: 2 },
    {
      id: 'IT01V1', type: 'inbound-rtp', kind: 'video', bytesReceived: at.videoReceived * 1000, packetsReceived: at.videoReceived, packetsLost: at.videoLost,
      freezeCount: at.freezes, totalFreezesDuration: at.frozenS, framesDecoded: at.decoded, frameHeight: 720, frameWidth: 1280,
      ...(at.fps === undefined ? {} : { framesPerSecond: at.fps }),
    },
    // A thumbnail of another classroom: smaller, so not the picture the site is judged by.
    { id: 'IT01V2', type: 'inbound-rtp', kind: 'video', bytesReceived: 0, packetsReceived: 50, packetsLost: 0, frameHeight: 180, framesPerSecond: 25, framesDecoded: 10 },
    { id: 'IT01A1', type: 'inbound-rtp', kind: 'audio', bytesReceived: at.audioReceived * 100, packetsReceived: at.audioReceived, packetsLost: 0 },
  );
}

const sendStats = (bytesSent: number) =>
  report(
    { id: 'CPs', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.05, availableIncomingBitrate: 9_000_000 },
    { id: 'OT01', type: 'outbound-rtp', kind: 'audio', bytesSent },
  );

describe('QualityProbe', () => {
  it('reports what the link did since the last sample: video loss, freezes, frame rate and height, the estimate', () => {
    const probe = new QualityProbe();
    const first = probe.measure(sendStats(0), recvStats({ videoReceived: 1000, videoLost: 10, audioReceived: 500, freezes: 1, frozenS: 0.4, decoded: 500, fps: 20, estimate: 1_200_000 }), 10_000);
    // A first pass has nothing to difference against: only what holds at one instant.
    expect(first).toEqual({ rttMs: 310, availableIncomingBitrate: 1_200_000, frameHeight: 720, framesPerSecond: 20 });

    // One second on a 5 %-loss link: 95 video packets arrived, 5 were lost; audio lost nothing; two freezes.
    const second = probe.measure(sendStats(4000), recvStats({ videoReceived: 1095, videoLost: 15, audioReceived: 550, freezes: 3, frozenS: 1.6, decoded: 508, fps: 8, estimate: 640_000 }), 11_000);
    expect(second.videoLossPct).toBeCloseTo(5, 5);
    expect(second.packetLossPct).toBeCloseTo((5 / 150) * 100, 5);
    expect(second).toMatchObject({ rttMs: 310, availableIncomingBitrate: 640_000, freezeCount: 2, freezeMs: 1200, framesPerSecond: 8, frameHeight: 720, sendBitrate: 32_000 });
    expect(second.recvBitrate).toBe((95 * 1000 + 50 * 100) * 8);
  });

  it('counts the frame rate from decoded frames where the browser gives no framesPerSecond', () => {
    const probe = new QualityProbe();
    probe.measure(null, recvStats({ videoReceived: 0, videoLost: 0, audioReceived: 0, freezes: 0, frozenS: 0, decoded: 100 }), 0);
    const sample = probe.measure(null, recvStats({ videoReceived: 100, videoLost: 0, audioReceived: 0, freezes: 0, frozenS: 0, decoded: 130 }), 2000);
    expect(sample).toMatchObject({ framesPerSecond: 15, videoLossPct: 0, freezeCount: 0, freezeMs: 0 });
    // Without the estimate in the stats (Chromium often leaves it out on the receiving side) none is claimed.
    expect(sample).not.toHaveProperty('availableIncomingBitrate');
  });

  it('claims no freezes when a closed stream took its counts away, and starts over after reset', () => {
    const probe = new QualityProbe();
    probe.measure(null, recvStats({ videoReceived: 100, videoLost: 0, audioReceived: 0, freezes: 5, frozenS: 3, decoded: 10 }), 0);
    const afterClose = probe.measure(null, recvStats({ videoReceived: 200, videoLost: 0, audioReceived: 0, freezes: 0, frozenS: 0, decoded: 20 }), 1000);
    expect(afterClose).not.toHaveProperty('freezeCount');
    probe.reset();
    expect(probe.measure(null, recvStats({ videoReceived: 300, videoLost: 0, audioReceived: 0, freezes: 0, frozenS: 0, decoded: 30 }), 2000)).not.toHaveProperty('recvBitrate');
  });
});
