import { describe, expect, it } from 'vitest';
import { mediaLost, sameTransports } from './kept-media.js';

describe('what ends a site media kept through a dropped socket', () => {
  it('ends it when DTLS failed or closed, or ICE closed, whatever the signalling does', () => {
    for (const signallingUp of [true, false]) {
      expect(mediaLost({ dtls: 'failed' }, signallingUp)).toBe(true);
      expect(mediaLost({ dtls: 'closed' }, signallingUp)).toBe(true);
      expect(mediaLost({ ice: 'closed' }, signallingUp)).toBe(true);
    }
  });

  it('ends it on ICE disconnected only while the socket is down too (with a socket the client restarts ICE)', () => {
    expect(mediaLost({ ice: 'disconnected' }, false)).toBe(true);
    expect(mediaLost({ ice: 'disconnected' }, true)).toBe(false);
  });

  it('keeps it while the path works', () => {
    for (const change of [{ ice: 'connected' as const }, { ice: 'completed' as const }, { dtls: 'connected' as const }, { dtls: 'connecting' as const }]) {
      expect(mediaLost(change, false)).toBe(false);
    }
  });
});

describe('which transports a reconnecting client resumes', () => {
  it('the very set the server holds, in any order', () => {
    expect(sameTransports(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameTransports(['a'], ['a'])).toBe(true);
  });

  it('nothing when the sets differ, the client offers none, or the server holds none', () => {
    expect(sameTransports(['a', 'b'], ['a'])).toBe(false);
    expect(sameTransports(['a'], ['a', 'b'])).toBe(false);
    expect(sameTransports(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameTransports(['a'], undefined)).toBe(false);
    expect(sameTransports([], [])).toBe(false);
  });
});
