import { describe, expect, it } from 'vitest';
import { RELAY_FALLBACK_MS, RELAY_REMEMBER_MS, RelayFallback, type RelayClock, type RelayStore } from './relay-fallback.js';

const TURN: RTCIceServer[] = [{ urls: ['turn:turn.example.edu.cn:443?transport=tcp'], username: '1767232800:42', credential: 'x' }];
const STUN_ONLY: RTCIceServer[] = [{ urls: 'stun:stun.example.edu.cn:3478' }];

/** A browser's storage and a clock the test moves by hand. */
function page() {
  let stored: string | null = null;
  let now = 1_000_000;
  let timers: Array<{ at: number; run: () => void; id: number }> = [];
  let next = 0;
  const store: RelayStore = { get: () => stored, set: (value) => (stored = value) };
  const clock: RelayClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.push({ at: now + ms, run, id: ++next });
      return next;
    },
    clearTimeout: (id) => (timers = timers.filter((timer) => timer.id !== id)),
  };
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((timer) => timer.at <= now);
    timers = timers.filter((timer) => timer.at > now);
    for (const timer of due) timer.run();
  };
  return { relay: new RelayFallback(store, clock), advance, stored: () => stored, pending: () => timers.length };
}

describe('falling back to the TURN relay when a site cannot connect directly', () => {
  it('joins again through the relay when a transport is still connecting after the grace, and starts there next time', () => {
    const { relay, advance } = page();
    expect(relay.policyFor(TURN)).toBe('all');
    let fallbacks = 0;
    const watch = relay.watch('all', TURN, () => fallbacks++);
    watch.observe('recv', 'connecting');
    advance(RELAY_FALLBACK_MS - 1);
    expect(fallbacks).toBe(0);
    advance(1);
    expect(fallbacks).toBe(1);
    // The send transport giving up too does not join a second time.
    watch.observe('send', 'failed');
    expect(fallbacks).toBe(1);
    expect(relay.policyFor(TURN)).toBe('relay');
    // Two weeks later the school's network may have changed: direct first again.
    advance(RELAY_REMEMBER_MS);
    expect(relay.policyFor(TURN)).toBe('all');
  });

  it('falls back at once when ICE fails before ever connecting', () => {
    const { relay } = page();
    let fallbacks = 0;
    const watch = relay.watch('all', TURN, () => fallbacks++);
    watch.observe('send', 'connecting');
    watch.observe('send', 'failed');
    expect(fallbacks).toBe(1);
  });

  it('leaves a transport that connected to the ICE restart when it later breaks (a flapping link is not a firewall)', () => {
    const { relay, advance, pending } = page();
    let fallbacks = 0;
    const watch = relay.watch('all', TURN, () => fallbacks++);
    watch.observe('recv', 'connecting');
    advance(1_500);
    watch.observe('recv', 'connected');
    expect(pending()).toBe(0);
    watch.observe('recv', 'disconnected');
    watch.observe('recv', 'failed');
    advance(RELAY_FALLBACK_MS * 3);
    expect(fallbacks).toBe(0);
    expect(relay.policyFor(TURN)).toBe('all');
  });

  it('does nothing without a TURN server to fall back to, or when already on the relay', () => {
    const { relay, advance, stored } = page();
    let fallbacks = 0;
    for (const [policy, servers] of [['all', STUN_ONLY], ['all', []], ['relay', TURN]] as const) {
      const watch = relay.watch(policy, servers, () => fallbacks++);
      watch.observe('recv', 'connecting');
      advance(RELAY_FALLBACK_MS * 2);
      watch.observe('recv', 'failed');
    }
    expect(fallbacks).toBe(0);
    expect(stored()).toBeNull();
  });

  it('stops watching a media session that was closed (a rejoin) before its grace ran out', () => {
    const { relay, advance, pending } = page();
    let fallbacks = 0;
    const watch = relay.watch('all', TURN, () => fallbacks++);
    watch.observe('recv', 'connecting');
    watch.stop();
    expect(pending()).toBe(0);
    advance(RELAY_FALLBACK_MS);
    watch.observe('send', 'failed');
    expect(fallbacks).toBe(0);
  });

  it('keeps the setting "always through the relay" until it is turned off, and only where a TURN server exists', () => {
    const { relay, advance } = page();
    relay.setAlways(true);
    expect(relay.always).toBe(true);
    advance(RELAY_REMEMBER_MS * 10);
    expect(relay.policyFor(TURN)).toBe('relay');
    expect(relay.policyFor(STUN_ONLY)).toBe('all');
    relay.setAlways(false);
    expect(relay.always).toBe(false);
    expect(relay.policyFor(TURN)).toBe('all');
  });
});
