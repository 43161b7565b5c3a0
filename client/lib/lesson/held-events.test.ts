import { describe, expect, it } from 'vitest';
import { HeldEvents } from './held-events.js';

describe('events held while a join is in flight', () => {
  it('applies events at once when nothing holds them', () => {
    const held = new HeldEvents();
    const seen: string[] = [];
    held.deliver(() => seen.push('a'));
    expect(seen).toEqual(['a']);
  });

  it('applies events that arrived during the join after its snapshot, in arrival order', () => {
    const held = new HeldEvents();
    const seen: string[] = [];
    const release = held.hold();
    held.deliver(() => seen.push('joined X'));
    held.deliver(() => seen.push('producer of X'));
    seen.push('snapshot');
    release();
    expect(seen).toEqual(['snapshot', 'joined X', 'producer of X']);
    held.deliver(() => seen.push('later'));
    expect(seen.at(-1)).toBe('later');
  });

  it('waits for every hold, and a second release of one hold does not let events through early', () => {
    const held = new HeldEvents();
    const seen: string[] = [];
    const first = held.hold();
    const second = held.hold();
    held.deliver(() => seen.push('e'));
    first();
    first();
    expect(seen).toEqual([]);
    second();
    expect(seen).toEqual(['e']);
  });

  it('applies what waits when the link drops (the lesson ended just before), and the join’s later release changes nothing', () => {
    const held = new HeldEvents();
    const seen: string[] = [];
    const release = held.hold();
    held.deliver(() => seen.push('lesson:ended'));
    held.flush();
    expect(seen).toEqual(['lesson:ended']);
    const next = held.hold();
    held.deliver(() => seen.push('held by the next join'));
    release();
    expect(seen).toEqual(['lesson:ended']);
    next();
    expect(seen).toEqual(['lesson:ended', 'held by the next join']);
  });
});
