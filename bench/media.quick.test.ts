/**
 * Keeps the media benchmarks working: each runs in quick mode against a real worker. The assertions are on
 * the shape of the result and on media actually flowing / clients actually joining — never on timings.
 */
import { describe, expect, it } from 'vitest';

import { formatResult } from './result.js';
import { runFanout } from './fanout.js';
import { runJoinBurst } from './join-burst.js';
import { runBroadcast } from './broadcast.js';

describe('media benchmarks (quick mode)', () => {
  it('fanout forwards the camera to every receiver, through Tongke and bare mediasoup, with the camera and sinks in their own processes', async () => {
    const result = await runFanout({ quick: true });
    expect(result).toMatchObject({ name: 'fanout', parameters: { receivers: [5, 10], sinkProcesses: 2 } });
    const oneWorker = {
      maxReceiversUnder1PctLoss: expect.any(Number),
      forwardedPerSecondAtLargestN: expect.any(Number),
      lossPctAtLargestN: expect.any(Number),
      cpuMicrosPerPacket: expect.any(Number),
    };
    expect(result.baseline).toEqual(oneWorker);
    expect(result.figures).toEqual({ ...oneWorker, twoWorkerMaxReceiversUnder1PctLoss: expect.any(Number), twoWorkerCapacityMultiple: expect.any(Number) });
    for (const figures of [result.figures, result.baseline]) {
      expect(figures.forwardedPerSecondAtLargestN).toBeGreaterThan(0);
      expect(figures.cpuMicrosPerPacket).toBeGreaterThan(0);
    }
    // A side stops early only after two lossy steps: with two steps, both sizes run on both sides.
    expect(result.steps.map((s) => [s.side, s.receivers])).toEqual([['tongke', 5], ['tongke', 10], ['raw', 5], ['raw', 10], ['tongke-2-workers', 10]]);
    // The two-worker lesson really ran on both: its busiest worker did only part of the forwarding.
    const spread = result.steps.find((s) => s.side === 'tongke-2-workers')!;
    expect(Number(spread.busiestWorkerCpuMs)).toBeLessThan(Number(spread.workerCpuMs));
    for (const step of result.steps) {
      // The camera (its own process) sent, and every sink (in the sinks' processes) received some of it.
      expect(step.sentPerSecond).toBeGreaterThan(0);
      // The window is 1 s of the camera's packets by index: exactly 90, and no sink counts one twice.
      expect(step.sent).toBe(90);
      expect(step.forwarded).toBeGreaterThan(0);
      expect(step.forwarded).toBeLessThanOrEqual(Number(step.sent) * Number(step.receivers));
      expect(step.silentReceivers).toBe(0);
    }
    expect(Object.keys(result.ratio)).toEqual(expect.arrayContaining(['maxReceiversUnder1PctLoss', 'cpuMicrosPerPacket']));
    expect(formatResult(result)).toContain('cpuMicrosPerPacket');
  }, 60_000);

  it('join-burst joins every client up to consuming the teacher, and times the bare mediasoup calls too', async () => {
    const result = await runJoinBurst({ quick: true });
    expect(result).toMatchObject({ name: 'join-burst', parameters: { clients: [5] } });
    for (const figures of [result.figures, result.baseline]) {
      expect(figures.p50Ms).toBeGreaterThan(0);
      expect(figures.p95Ms).toBeGreaterThanOrEqual(figures.p50Ms!);
      expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p95Ms!);
    }
    expect(result.ratio.p95Ms).toBeGreaterThan(0);
    expect(result.steps.map((s) => [s.side, s.clients])).toEqual([['tongke', 5], ['raw', 5]]);
  }, 90_000);

  it('broadcast joins every viewer through the gateway and reaches every one of their sinks, beside bare mediasoup', async () => {
    const result = await runBroadcast({ quick: true });
    expect(result).toMatchObject({ name: 'broadcast', parameters: { viewers: [10, 20], viewerTopSpatialLayer: 1 } });
    expect(result.steps.map((s) => [s.side, s.viewers])).toEqual([['tongke', 10], ['tongke', 20], ['raw', 10], ['raw', 20]]);
    for (const step of result.steps) {
      expect(step.clients).toBe(step.viewers);
      expect(step.receivers).toBe(step.viewers);
      expect(step.p95Ms).toBeGreaterThan(0);
      expect(step.forwarded).toBeGreaterThan(0);
      expect(step.silentReceivers).toBe(0);
    }
    expect(formatResult(result)).toContain('lossPctPerViewer');
  }, 120_000);
});
