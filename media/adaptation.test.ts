import { describe, expect, it } from 'vitest';

import { LinkAdaptationPolicy, type AdaptationDecision, type LinkSample } from './adaptation.js';

/** A receiver's link sampled once a second on a fake clock, as the lesson's adaptation loop does. */
class FakeLink {
  readonly decisions: Array<AdaptationDecision & { at: number }> = [];
  now = 0;
  topLayer = 2;

  constructor(
    readonly policy: LinkAdaptationPolicy,
    readonly receiverId = 'village-classroom',
  ) {}

  /** Feeds `seconds` one-second samples of these scores; the top layer follows any ceiling. */
  run(seconds: number, scores: readonly number[]): void {
    for (let i = 0; i < seconds; i++) {
      this.now += 1000;
      const sample: LinkSample = { scores, topLayer: Math.min(this.topLayer, this.policy.layerCeiling(this.receiverId) ?? 2) };
      const decision = this.policy.update(this.receiverId, sample, this.now);
      if (decision) this.decisions.push({ ...decision, at: this.now });
    }
  }

  get advice(): string[] {
    return this.decisions.flatMap((decision) => (decision.advice ? [decision.advice] : []));
  }
}

describe('LinkAdaptationPolicy', () => {
  it('leaves a good link alone', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(60, [10, 9]);
    expect(link.decisions).toEqual([]);
    expect(link.policy.layerCeiling(link.receiverId)).toBeUndefined();
  });

  it('lowers one layer per 8 s of a bad link, then suggests audio only, never below layer 0', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    // The first bad sample (t = 1 s) starts the window; 8 s later the receiver steps down.
    link.run(8, [3, 4]);
    expect(link.decisions).toEqual([]);

    link.run(1, [3, 4]);
    expect(link.decisions).toEqual([{ layerCeiling: 1, advice: 'lowered', at: 9000 }]);

    link.run(8, [3, 4]);
    expect(link.decisions.at(-1)).toEqual({ layerCeiling: 0, advice: 'lowered', at: 17_000 });

    link.run(8, [3, 4]);
    expect(link.decisions.at(-1)).toEqual({ layerCeiling: 0, advice: 'audio_only_suggested', at: 25_000 });

    // Still bad: nothing more to lower, and the suggestion is not repeated.
    link.run(30, [2]);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
    expect(link.policy.layerCeiling(link.receiverId)).toBe(0);
  });

  it('steps down from the layer actually in use, not from the top', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.topLayer = 1; // small tiles: the receiver only asks for layer 1
    link.run(9, [2]);
    expect(link.decisions).toEqual([{ layerCeiling: 0, advice: 'lowered', at: 9000 }]);
  });

  it('suggests audio only after one bad window when the stream has a single layer', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.topLayer = 0;
    link.run(9, [1]);
    expect(link.decisions).toEqual([{ layerCeiling: 0, advice: 'audio_only_suggested', at: 9000 }]);
  });

  it('restarts the bad window when the link is fair or good in between', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(6, [3]);
    link.run(1, [6]); // fair: hold still, and forget the bad run
    link.run(8, [3]);
    expect(link.decisions).toEqual([]);
    link.run(1, [3]);
    expect(link.advice).toEqual(['lowered']);
  });

  it('judges the mean of the receiver’s video streams, so one noisy stream does not trigger', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(30, [2, 10, 10]);
    expect(link.decisions).toEqual([]);
  });

  it('raises back one layer per 15 s of a good link and says recovered once per episode', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(25, [2]);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);

    link.run(15, [9]);
    expect(link.decisions).toHaveLength(3);
    link.run(1, [9]);
    expect(link.decisions.at(-1)).toEqual({ layerCeiling: 1, advice: 'recovered', at: 41_000 });

    link.run(15, [10]);
    expect(link.decisions.at(-1)).toEqual({ layerCeiling: undefined, at: 56_000 });
    expect(link.policy.layerCeiling(link.receiverId)).toBeUndefined();

    link.run(60, [10]);
    expect(link.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested', 'recovered']);
  });

  it('lowers again after a recovery, with a new recovered at the end of the next episode', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(9, [2]);
    link.run(16, [10]);
    link.run(9, [2]);
    link.run(16, [10]);
    expect(link.advice).toEqual(['lowered', 'recovered', 'lowered', 'recovered']);
  });

  it('pauses judgement while the receiver gets no video (audio only, tiles hidden)', () => {
    const link = new FakeLink(new LinkAdaptationPolicy());
    link.run(5, [2]);
    link.run(60, []);
    link.run(5, [2]);
    expect(link.decisions).toEqual([]);
  });

  it('keeps receivers apart: one bad link never changes another receiver', () => {
    const policy = new LinkAdaptationPolicy();
    const village = new FakeLink(policy, 'village');
    const town = new FakeLink(policy, 'town');
    for (let second = 0; second < 40; second++) {
      village.run(1, [1]);
      town.run(1, [10]);
    }
    expect(village.advice).toEqual(['lowered', 'lowered', 'audio_only_suggested']);
    expect(town.decisions).toEqual([]);
    expect(policy.layerCeiling('town')).toBeUndefined();

    policy.forget('village');
    expect(policy.layerCeiling('village')).toBeUndefined();
  });

  it('takes its thresholds and windows from options', () => {
    const link = new FakeLink(new LinkAdaptationPolicy({ badScore: 8, badForMs: 2000 }));
    link.run(3, [7]);
    expect(link.advice).toEqual(['lowered']);
    expect(() => new LinkAdaptationPolicy({ badScore: 6, goodScore: 5 })).toThrow(RangeError);
  });
});
