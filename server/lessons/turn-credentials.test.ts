import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { iceServersFor, turnCredential } from './turn-credentials.js';

const SECRET = 'north-wind-over-yangliu';
const NEW_YEAR = new Date('2026-01-01T00:00:00Z'); // 1767225600
const config = (env: Record<string, string>) => loadConfig({ TONGKE_DB_PATH: join(mkdtempSync(join(tmpdir(), 'tongke-turn-')), 'tongke.db'), ...env });

describe('time-limited TURN credentials (TURN REST, coturn use-auth-secret)', () => {
  it('names the expiry and the user, and signs the name with HMAC-SHA1 of the shared secret', () => {
    const grant = turnCredential(SECRET, 42, NEW_YEAR, 7200);
    expect(grant.username).toBe('1767232800:42');
    // `printf '1767232800:42' | openssl dgst -sha1 -hmac north-wind-over-yangliu -binary | base64`
    expect(grant.credential).toBe('GJj5RjaZhypHpalXl73CPiGiSFw=');
    expect(grant.expiresAt.toISOString()).toBe('2026-01-01T02:00:00.000Z');
  });

  it('gives each join its own credential, valid the configured time from that join', () => {
    const settings = config({ TONGKE_TURN_URLS: 'turn:turn.example.edu.cn:443?transport=tcp, turn:turn.example.edu.cn:3478', TONGKE_TURN_SECRET: SECRET, TONGKE_TURN_CREDENTIAL_SECONDS: '3600' });
    const [first] = iceServersFor(settings, 7, NEW_YEAR);
    expect(first).toEqual({ urls: ['turn:turn.example.edu.cn:443?transport=tcp', 'turn:turn.example.edu.cn:3478'], username: '1767229200:7', credential: turnCredential(SECRET, 7, NEW_YEAR, 3600).credential });
    const later = iceServersFor(settings, 7, new Date(NEW_YEAR.getTime() + 60_000))[0];
    expect(later?.username).toBe('1767229260:7');
    expect(later?.credential).not.toBe(first?.credential);
    expect(iceServersFor(settings, 8, NEW_YEAR)[0]?.username).toBe('1767229200:8');
  });

  it('keeps a static user name and password working without a secret, and gives nothing without TURN servers', () => {
    expect(iceServersFor(config({ TONGKE_TURN_URLS: 'turn:t.example:3478', TONGKE_TURN_USERNAME: 'school', TONGKE_TURN_CREDENTIAL: 'pw' }), 7, NEW_YEAR)).toEqual([
      { urls: ['turn:t.example:3478'], username: 'school', credential: 'pw' },
    ]);
    expect(iceServersFor(config({ TONGKE_TURN_URLS: 'stun:t.example:3478' }), 7, NEW_YEAR)).toEqual([{ urls: ['stun:t.example:3478'] }]);
    expect(iceServersFor(config({}), 7, NEW_YEAR)).toEqual([]);
  });

  it.each([
    [{ TONGKE_TURN_URLS: 'turn:t.example:3478', TONGKE_TURN_SECRET: 'short' }, /TONGKE_TURN_SECRET: must be at least 16/],
    [{ TONGKE_TURN_SECRET: SECRET }, /TONGKE_TURN_SECRET: is set but TONGKE_TURN_URLS/],
    [{ TONGKE_TURN_URLS: 'turn:t.example:3478', TONGKE_TURN_SECRET: SECRET, TONGKE_TURN_USERNAME: 'school' }, /TONGKE_TURN_SECRET: is set together/],
    [{ TONGKE_TURN_URLS: 'turn:t.example:3478', TONGKE_TURN_SECRET: SECRET, TONGKE_TURN_CREDENTIAL_SECONDS: '10' }, /TONGKE_TURN_CREDENTIAL_SECONDS/],
    [{ TONGKE_TURN_URLS: 'turn:t.example:3478', TONGKE_TURN_SECRET: SECRET, TONGKE_TURN_CREDENTIAL_SECONDS: '100000' }, /TONGKE_TURN_CREDENTIAL_SECONDS/],
  ])('refuses a configuration coturn could not use: %o', (env, message) => {
    expect(() => config(env)).toThrowError(message);
  });
});
