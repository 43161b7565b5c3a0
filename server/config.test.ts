import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'tongke-config-')), 'tongke.db');

describe('loadConfig', () => {
  it('fills defaults and generates a secret kept beside the database', () => {
    const dbPath = tempDb();
    const config = loadConfig({ TONGKE_DB_PATH: dbPath });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.locale).toBe('zh-CN');
    // A server seeds the demo (published password) only when asked.
    expect(config.seedDemo).toBe(false);
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dbPath, '..', 'session-secret'), 'utf8').trim()).toBe(config.sessionSecret);
    // The same secret on the next start: sessions and student links survive a restart.
    expect(loadConfig({ TONGKE_DB_PATH: dbPath }).sessionSecret).toBe(config.sessionSecret);
    // Attached evidence files sit beside the database unless a directory is given.
    expect(config.attachmentsDir).toBe(join(dbPath, '..', 'attachments'));
    expect(loadConfig({ TONGKE_DB_PATH: dbPath, TONGKE_ATTACHMENTS_DIR: '/srv/tongke/files' }).attachmentsDir).toBe('/srv/tongke/files');
  });

  it.each([
    ['TONGKE_PORT', 'eighty'],
    ['TONGKE_PORT', '70000'],
    ['TONGKE_LOG_LEVEL', 'loud'],
    ['TONGKE_LOCALE', 'fr'],
    ['TONGKE_MEDIA_WORKERS', '0'],
    ['TONGKE_SEED_DEMO', 'maybe'],
    ['TONGKE_PUBLIC_URL', 'not a url'],
    ['TONGKE_SESSION_SECRET', 'short'],
    ['TONGKE_METRICS_TOKEN', 'guessable'],
  ])('names %s when it is %s', (variable, value) => {
    expect(() => loadConfig({ TONGKE_DB_PATH: tempDb(), [variable]: value })).toThrowError(new RegExp(variable));
    try {
      loadConfig({ TONGKE_DB_PATH: tempDb(), [variable]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
    }
  });

  it('refuses a port range that is upside down', () => {
    expect(() => loadConfig({ TONGKE_DB_PATH: tempDb(), TONGKE_RTC_MIN_PORT: '50000', TONGKE_RTC_MAX_PORT: '40000' })).toThrowError(/TONGKE_RTC_MIN_PORT/);
  });

  it('asks several nodes for what they must share: PostgreSQL, one session secret, a node id each', () => {
    const cluster = { TONGKE_DB_PATH: tempDb(), TONGKE_REDIS_URL: 'redis://127.0.0.1:6379', TONGKE_DATABASE_URL: 'postgres://db/tongke', TONGKE_SESSION_SECRET: 's'.repeat(32), TONGKE_NODE_ID: 'node-a' };
    expect(loadConfig(cluster).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(() => loadConfig({ ...cluster, TONGKE_REDIS_URL: 'http://redis' })).toThrowError(/TONGKE_REDIS_URL.*redis:\/\//);
    expect(() => loadConfig({ ...cluster, TONGKE_DATABASE_URL: '' })).toThrowError(/TONGKE_DATABASE_URL is not/);
    expect(() => loadConfig({ ...cluster, TONGKE_SESSION_SECRET: '' })).toThrowError(/TONGKE_SESSION_SECRET is not/);
    expect(() => loadConfig({ ...cluster, TONGKE_NODE_ID: 'node a/1' })).toThrowError(/TONGKE_NODE_ID/);
    // One process keeps today's defaults: no Redis, a generated secret.
    expect(loadConfig({ TONGKE_DB_PATH: tempDb() }).redisUrl).toBe('');
  });
});
