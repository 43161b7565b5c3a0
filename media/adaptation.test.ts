import { describe, expect, it } from 'vitest';

import { LinkAdaptationPolicy, type AdaptationDecision, type LinkSample, type ReceiverLinkReport } from './adaptation.js';

/** What the link does during one second, as the lesson's adaptation loop samples it. */
interface Second {
  scores?: readonly number[];
  report?: ReceiverLinkReport;
  temporalCut?: boolean;
  tileLayers?: readonly number[];
}

const CLEAN: Second = { scores: [10], report: { lossPct: 0, rttMs: 40, freezeCount: 0, freezeMs: 0 } };
/** village-dsl-bad as the browser reports it: 5 % loss, 300 ms round trip; the consumer score stays at 9. */
const LOSSY_5: Second = { scores: [9], report: { lossPct: 5, rttMs: 600, freezeCount: 0, freezeMs: 0 } };
const LOSSY_25: Second = { scores: [9], report: { lossPct: 25, rttMs: 600, freezeCount: 1, freezeMs: 200 } };

/** A receiver's link sampled once a second on a fake clock, as the lesson's adaptation loop does. */
class FakeLink {
  readonly decisions: Array<AdaptationDecision & { at: number }> = [];
  now = 0;
  topLayer = 2;

  constructor(
    readonly policy: LinkAdaptationPolicy,
    readonly receiverId = 'village-classroom',
  ) {}

  /** Feeds `seconds` one-second samples; the top layer follows any ceiling. */
  run(seconds: number, second: Second | ((layer: number) => Second)): void {
    for (let i = 0; i < seconds; i++) {
      this.now += 1000;
      const { scores = [], report, temporalCut, tileLayers } = typeof second === 'function' ? second(this.layer) : second;
      const sample: LinkSample = { scores, topLayer: this.layer, ...(report && { report }), ...(temporalCut && { temporalCut }), ...(tileLayers && { tileLayers }) };
      const decision = this.policy.update(this.receiverId, sample, this.now);
      if (decision) this.decisions.push({ ...decision, at: this.now });
    }
  }

  get layer(): number {
    return Math.min(this.topLayer, this.policy.layerCeiling(this.receiverId) ?? 2);
  }

  get advice(): string[] {
    return this.decisions.flatMap((decision) => (decision.advice ? [decision.advice] : []));
  }
}

describe('LinkAdaptationPolicy', () => {
  it('leaves a good link alone', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(60, { ...CLEAN, scores: [10, 9], report: { ...CLEAN.report, availableBitrate: 5_000_000 } });
    expect(link.decisions).toEqual([]);
    expect(link.policy.layerCeiling(link.receiverId)).toBeUndefined();
  });

  it('lowers a receiver with 5 % loss and a score of 9 within 5 s, and holds a smaller picture there', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(20, CLEAN);
    // The browser's report of each second arrives with that second's end: the impairment starts at 20 s.
    link.run(5, LOSSY_5);
    expect(link.decisions).toEqual([{ layerCeiling: 1, advice: 'lowered', at: 24_000 }]);
    // 360p holds at 5 % loss: no further step, no audio-only advice, no climb while the loss lasts.
    link.run(120, LOSSY_5);
    expect(link.advice).toEqual(['lowered']);
    expect(link.policy.layerCeiling(link.receiverId)).toBe(1);
  });

  it('advises audio only when even layer 0 cannot hold, never going below layer 0', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(20, CLEAN);
    link.run(20, LOSSY_25);
    expect(link.decisions).toEqual([
      { layerCeiling: 1, advice: 'lowered', at: 23_000 },
      { layerCeiling: 0, advice: 'lowered', at: 27_000 },
      { layerCeiling: 0, advice: 'audio_only_suggested', at: 31_000 },
    ]);
    // Still bad: nothing more to lower, and the suggestion is not repeated.
    link.run(60, LOSSY_25);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
  });

  it('lowers a receiver whose video freezes on a link losing too little to lower it alone, at a score of 10', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(10, CLEAN);
    link.run(5, { scores: [10], report: { lossPct: 2, freezeCount: 1, freezeMs: 300 } });
    expect(link.advice).toEqual(['lowered']);
    expect(link.decisions[0]!.at - 10_000).toBeLessThanOrEqual(5000);
  });

  it('does not lower for freezes on a link that loses nothing (a busy sender or machine, not this link)', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(60, { scores: [10], report: { lossPct: 0, freezeCount: 1, freezeMs: 400 } });
    expect(link.decisions).toEqual([]);
  });

  it('lowers a large picture whose frame rate the SFU thins on a lossy link, preferring a smaller one at full rate', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(10, CLEAN);
    // 720p forwarded at its lowest temporal layer (8 fps) with 2 % loss (below 720p's own loss line), while
    // the smaller layer would run in full.
    link.run(10, (layer) => ({ ...CLEAN, report: { ...CLEAN.report, lossPct: 2 }, temporalCut: layer === 2 }));
    expect(link.decisions).toEqual([{ layerCeiling: 1, advice: 'lowered', at: 14_000 }]);
  });

  it('keeps a clean link whose frame rate mediasoup thins on its own (loopback: score 10, no loss, ample estimate)', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(30, (layer) => ({ ...CLEAN, report: { ...CLEAN.report, availableBitrate: 2_500_000 }, temporalCut: layer >= 1 }));
    expect(link.decisions).toEqual([]);
  });

  it('lowers to the layer the bandwidth estimate carries, and advises audio only below layer 0’s needs', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    // 600 kbit/s down carries the 500 kbit/s layer, not the 1.2 Mbit/s one.
    link.run(30, { ...CLEAN, report: { ...CLEAN.report, availableBitrate: 600_000 } });
    expect(link.advice).toEqual(['lowered']);
    expect(link.policy.layerCeiling(link.receiverId)).toBe(1);

    link.run(30, { ...CLEAN, report: { ...CLEAN.report, availableBitrate: 100_000 } });
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
  });

  it('counts what every running stream needs: a thumbnail beside the teacher adds its small layer', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    // 1.3 Mbit/s carries the teacher at 720p (1.2M) but not with another classroom's 180p tile (+150k).
    link.run(30, { scores: [10, 10], tileLayers: [2, 0], report: { lossPct: 0, availableBitrate: 1_300_000 } });
    expect(link.advice).toEqual(['lowered']);
    // The thumbnail goes away: the same estimate carries 720p again.
    link.run(30, { scores: [10], tileLayers: [2], report: { lossPct: 0, availableBitrate: 1_300_000 } });
    expect(link.advice).toEqual(['lowered', 'recovered']);
    expect(link.policy.layerCeiling(link.receiverId)).toBeUndefined();
  });

  it('still lowers on consumer scores alone when the browser reports nothing', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(2, { scores: [3, 4] });
    expect(link.decisions).toEqual([]);
    link.run(1, { scores: [3, 4] });
    expect(link.decisions).toEqual([{ layerCeiling: 1, advice: 'lowered', at: 3000 }]);
  });

  it('steps down from the layer actually in use, and a single-layer stream goes straight to audio only', () => {
    const small = new FakeLink(new LinkAdaptationPolicy());
    small.topLayer = 1; // small tiles: the receiver only asks for layer 1
    small.run(5, LOSSY_25);
    expect(small.decisions[0]).toEqual({ layerCeiling: 0, advice: 'lowered', at: 3000 });

    const single = new FakeLink(new LinkAdaptationPolicy());
    single.topLayer = 0;
    single.run(5, LOSSY_25);
    expect(single.decisions).toEqual([{ layerCeiling: 0, advice: 'audio_only_suggested', at: 3000 }]);
  });

  it('does not act on one lossy second', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    for (let burst = 0; burst < 10; burst++) {
      link.run(1, { scores: [10], report: { lossPct: 6 } });
      link.run(6, CLEAN);
    }
    expect(link.decisions).toEqual([]);
  });

  it('climbs back one layer per 10 s of a good link and says recovered once per episode', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(15, LOSSY_25);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
    const recoveredFrom = link.now;

    link.run(40, CLEAN);
    const climbs = link.decisions.slice(3);
    expect(climbs).toEqual([
      { layerCeiling: 1, advice: 'recovered', at: expect.any(Number) },
      { layerCeiling: undefined, at: expect.any(Number) },
    ]);
    // Each step waits its good window after the last change settles, so the two steps are ≥ 10 s apart.
    expect(climbs[0]!.at - recoveredFrom).toBeGreaterThanOrEqual(10_000);
    expect(climbs[1]!.at - climbs[0]!.at).toBeGreaterThanOrEqual(10_000);
    link.run(60, CLEAN);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested', 'recovered']);
  });

  it('does not oscillate: a link that only fails at the top layer is retried ever more rarely', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    // 720p overflows this link (loss at layer 2 only); 360p is clean.
    link.run(300, (layer) => (layer === 2 ? LOSSY_5 : CLEAN));
    const ups = link.decisions.filter((decision) => decision.layerCeiling === undefined).map((decision) => decision.at);
    expect(ups.length).toBeGreaterThan(0);
    expect(ups.length).toBeLessThanOrEqual(5);
    const gaps = ups.slice(1).map((at, i) => at - ups[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(link.advice).toEqual(['lowered', 'recovered', ...link.advice.slice(2)]);
  });

  it('tells an audio-only site that its link recovered, from the browser’s reports alone', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(15, LOSSY_25);
    expect(link.advice.at(-1)).toBe('audio_only_suggested');
    // The site took the advice: no video runs, but the browser still reports the audio's loss.
    link.run(10, { report: { lossPct: 20 } });
    expect(link.advice.at(-1)).toBe('audio_only_suggested');
    link.run(15, { report: { lossPct: 0 } });
    expect(link.advice.at(-1)).toBe('recovered');
  });

  it('pauses judgement while the receiver gets no video and reports nothing', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(1, LOSSY_25);
    link.run(60, {});
    link.run(1, LOSSY_25);
    expect(link.decisions).toEqual([]);
  });

  it('keeps receivers apart: one bad link never changes another receiver', () => {
    const policy = new LinkAdaptationPolicy();
    const village = new FakeLink(policy, 'village');
    const town = new FakeLink(policy, 'town');
    for (let second = 0; second < 40; second++) {
      village.run(1, LOSSY_25);
      town.run(1, CLEAN);
    }
    expect(village.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
    expect(town.decisions).toEqual([]);
    expect(policy.layerCeiling('town')).toBeUndefined();

    policy.forget('village');
    expect(policy.layerCeiling('village')).toBeUndefined();
  });

  it('takes its thresholds and windows from options', () => {
    const link = new FakeLink(new LinkAdaptationPolicy({ badLossPctAtLayer: [50, 50, 50], badForMs: 8000 }));
    link.run(30, { scores: [9], report: { lossPct: 25 } });
    expect(link.decisions).toEqual([]);
    expect(() => new LinkAdaptationPolicy({ badScore: 6, goodScore: 5 })).toThrow(RangeError);
    expect(() => new LinkAdaptationPolicy({ goodLossPct: 10, badLossPctAtLayer: [5] })).toThrow(RangeError);
  });
});
