import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { DEFAULT_CONSUMERS_PER_WORKER } from '../media/index.js';
import { LOCALES } from '../shared/i18n/index.js';

/**
 * Tongke's configuration, read once at start: env variables override an optional JSON file
 * (TONGKE_CONFIG) which overrides the defaults. Each setting names its env variable so that an
 * error can say exactly which one is wrong. The README's configuration table lists the same.
 */
export const CONFIG_SETTINGS = {
  host: { env: 'TONGKE_HOST', kind: 'string', default: '0.0.0.0', doc: 'HTTP listen address' },
  port: { env: 'TONGKE_PORT', kind: 'port', default: 8080, doc: 'HTTP port (API, Socket.IO and the web app)' },
  publicUrl: { env: 'TONGKE_PUBLIC_URL', kind: 'url', default: '', doc: 'URL users open; default http://localhost:<port>' },
  dbPath: { env: 'TONGKE_DB_PATH', kind: 'string', default: './data/tongke.db', doc: 'SQLite database file (the embedded default store)' },
  attachmentsDir: {
    env: 'TONGKE_ATTACHMENTS_DIR',
    kind: 'string',
    default: '',
    doc: "directory uploaded files (the self-evaluation's attachments, courseware) are kept in, named by their SHA-256 (default: attachments/ beside the database file)",
  },
  sofficePath: { env: 'TONGKE_SOFFICE', kind: 'string', default: 'soffice', doc: "the LibreOffice binary that converts PPT/PPTX/DOC/DOCX courseware to PDF (npm ci installs Debian's)" },
  conversionTimeoutSeconds: { env: 'TONGKE_CONVERSION_TIMEOUT_SECONDS', kind: 'count', default: 120, doc: 'a courseware conversion still running this long is killed and reported as timed out' },
  recordingsDir: {
    env: 'TONGKE_RECORDINGS_DIR',
    kind: 'string',
    default: '',
    doc: 'directory lesson recordings (tracks while recording, then the playable renditions) are kept in (default: recordings/ beside the database file)',
  },
  ffmpegPath: { env: 'TONGKE_FFMPEG', kind: 'string', default: 'ffmpeg', doc: "the FFmpeg binary that records lessons and makes their playable files (npm ci installs Debian's; ffprobe is looked for beside it)" },
  recordingMinFreeMb: { env: 'TONGKE_RECORDING_MIN_FREE_MB', kind: 'count', default: 2048, doc: 'no recording starts (and a running one stops) while the recordings directory has less free space than this, in MiB' },
  recordingRetentionDays: { env: 'TONGKE_RECORDING_RETENTION_DAYS', kind: 'count', default: 0, doc: 'delete recordings older than this many days (daily; published ones too); 0 keeps them forever' },
  recordingJobs: { env: 'TONGKE_RECORDING_JOBS', kind: 'count', default: 1, doc: 'recordings made playable at the same time (each takes about a core while it runs); at most the number of cores' },
  databaseUrl: {
    env: 'TONGKE_DATABASE_URL',
    kind: 'string',
    default: '',
    doc: 'PostgreSQL instead of the SQLite file: postgres://user:password@host:5432/tongke (must be in the environment at start)',
  },
  nodeId: {
    env: 'TONGKE_NODE_ID',
    kind: 'string',
    default: '',
    doc: 'names this process in the lesson sessions it runs; at start it closes only its own sessions left open (default: the host name; give each process its own when several run on one host)',
  },
  redisUrl: {
    env: 'TONGKE_REDIS_URL',
    kind: 'string',
    default: '',
    doc: 'several nodes: the Redis they share (redis://host:6379); needs TONGKE_DATABASE_URL, a TONGKE_NODE_ID per node and one TONGKE_SESSION_SECRET (see "Running several nodes")',
  },
  sessionSecret: {
    env: 'TONGKE_SESSION_SECRET',
    kind: 'secret',
    default: '',
    doc: 'Signs cookies and student links; generated and kept next to the database when unset',
  },
  mediaWorkers: { env: 'TONGKE_MEDIA_WORKERS', kind: 'count', default: availableParallelism(), doc: 'mediasoup workers (default: CPU cores)' },
  mediaConsumersPerWorker: {
    env: 'TONGKE_MEDIA_CONSUMERS_PER_WORKER',
    kind: 'count',
    default: DEFAULT_CONSUMERS_PER_WORKER,
    doc: 'consumers a media worker is given before a big lesson grows onto another worker (one core forwards a camera to ~400–500)',
  },
  rtcMinPort: { env: 'TONGKE_RTC_MIN_PORT', kind: 'port', default: 40000, doc: 'lowest WebRTC port' },
  rtcMaxPort: { env: 'TONGKE_RTC_MAX_PORT', kind: 'port', default: 49999, doc: 'highest WebRTC port' },
  rtcListenIp: { env: 'TONGKE_RTC_LISTEN_IP', kind: 'ip', default: '127.0.0.1', doc: 'IP mediasoup listens on (0.0.0.0 on a server)' },
  rtcAnnouncedIp: { env: 'TONGKE_RTC_ANNOUNCED_IP', kind: 'string', default: '', doc: 'IP or host name clients reach media on, when behind NAT or listening on 0.0.0.0' },
  turnUrls: { env: 'TONGKE_TURN_URLS', kind: 'string', default: '', doc: 'comma-separated TURN/STUN URLs given to browsers (e.g. turn:turn.example.edu.cn:3478?transport=udp)' },
  turnUsername: { env: 'TONGKE_TURN_USERNAME', kind: 'string', default: '', doc: 'TURN user name' },
  turnCredential: { env: 'TONGKE_TURN_CREDENTIAL', kind: 'string', default: '', doc: 'TURN password' },
  reconnectGraceSeconds: { env: 'TONGKE_RECONNECT_GRACE_SECONDS', kind: 'count', default: 30, doc: 'how long a dropped site stays "reconnecting" before it has left' },
  lessonNoTeacherSeconds: { env: 'TONGKE_LESSON_NO_TEACHER_SECONDS', kind: 'count', default: 900, doc: 'a live lesson with no lead teacher connected this long is ended (timed out)' },
  lessonOverrunGraceSeconds: { env: 'TONGKE_LESSON_OVERRUN_GRACE_SECONDS', kind: 'count', default: 1800, doc: 'a timetabled lesson still live this long after its scheduled end is ended (timed out)' },
  mediaRebuildSeconds: { env: 'TONGKE_MEDIA_REBUILD_SECONDS', kind: 'count', default: 30, doc: "a live lesson whose media worker died and cannot be moved to a live one within this long is ended" },
  logLevel: { env: 'TONGKE_LOG_LEVEL', kind: 'logLevel', default: 'info', doc: 'fatal, error, warn, info, debug, trace or silent' },
  locale: { env: 'TONGKE_LOCALE', kind: 'locale', default: 'zh-CN', doc: 'default language: zh-CN or en' },
  trustProxy: { env: 'TONGKE_TRUST_PROXY', kind: 'boolean', default: false, doc: 'trust X-Forwarded-For (only behind your own reverse proxy)' },
  loginRateLimit: { env: 'TONGKE_LOGIN_RATE_LIMIT', kind: 'count', default: 20, doc: 'sign-in attempts per minute from one address' },
  loginAccountLimit: { env: 'TONGKE_LOGIN_ACCOUNT_LIMIT', kind: 'count', default: 10, doc: 'sign-in attempts per minute for one user name, from any address' },
  seedDemo: { env: 'TONGKE_SEED_DEMO', kind: 'boolean', default: false, doc: 'seed the demo county (published password) into an empty database at start; `npm start -- --demo` does the same' },
  deliveredMinMinutes: { env: 'TONGKE_DELIVERED_MIN_MINUTES', kind: 'count', default: 20, doc: 'a lesson that ran at least this many minutes counts as delivered in reports' },
  evidenceRetentionDays: { env: 'TONGKE_EVIDENCE_RETENTION_DAYS', kind: 'count', default: 0, doc: 'delete raw lesson evidence older than this many days (daily; usage roll-ups are kept); 0 keeps it forever' },
  reportWebhookUrl: { env: 'TONGKE_REPORT_WEBHOOK_URL', kind: 'url', default: '', doc: "POST a lesson's usage summary here when its report is final (empty: off)" },
  reportWebhookSecret: { env: 'TONGKE_REPORT_WEBHOOK_SECRET', kind: 'string', default: '', doc: 'HMAC-SHA256 key signing the webhook body (header X-Tongke-Signature: sha256=<hex>)' },
  metricsToken: {
    env: 'TONGKE_METRICS_TOKEN',
    kind: 'secret',
    default: '',
    doc: 'bearer token a Prometheus scraper sends to GET /metrics; when unset, /metrics answers only direct callers on this machine (loopback, not through a proxy)',
  },
  turnSecret: {
    env: 'TONGKE_TURN_SECRET',
    kind: 'secret',
    default: '',
    doc: "shared secret of a coturn run with use-auth-secret (its static-auth-secret): each join gets its own time-limited TURN credential instead of TONGKE_TURN_USERNAME/_CREDENTIAL (at least 16 characters)",
  },
  turnCredentialSeconds: {
    env: 'TONGKE_TURN_CREDENTIAL_SECONDS',
    kind: 'count',
    default: 14400,
    doc: 'how long a time-limited TURN credential is valid from the join that got it (a lesson with its overrun; a rejoin gets a fresh one)',
  },
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  publicUrl: Type.String(),
  dbPath: Type.String({ minLength: 1 }),
  attachmentsDir: Type.String(),
  sofficePath: Type.String({ minLength: 1 }),
  conversionTimeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  recordingsDir: Type.String(),
  ffmpegPath: Type.String({ minLength: 1 }),
  recordingMinFreeMb: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  recordingRetentionDays: Type.Integer({ minimum: 0, maximum: 36500 }),
  recordingJobs: Type.Integer({ minimum: 1, maximum: 64 }),
  databaseUrl: Type.String(),
  nodeId: Type.String({ maxLength: 200 }),
  redisUrl: Type.String(),
  sessionSecret: Type.String(),
  mediaWorkers: Type.Integer({ minimum: 1, maximum: 64 }),
  mediaConsumersPerWorker: Type.Integer({ minimum: 1, maximum: 100_000 }),
  rtcMinPort: Type.Integer({ minimum: 1024, maximum: 65535 }),
  rtcMaxPort: Type.Integer({ minimum: 1024, maximum: 65535 }),
  rtcListenIp: Type.String({ minLength: 1 }),
  rtcAnnouncedIp: Type.String(),
  turnUrls: Type.String(),
  turnUsername: Type.String(),
  turnCredential: Type.String(),
  reconnectGraceSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  lessonNoTeacherSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  lessonOverrunGraceSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  mediaRebuildSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  logLevel: Type.Enum(LOG_LEVELS),
  locale: Type.Enum(LOCALES),
  trustProxy: Type.Boolean(),
  loginRateLimit: Type.Integer({ minimum: 1, maximum: 100000 }),
  loginAccountLimit: Type.Integer({ minimum: 1, maximum: 100000 }),
  seedDemo: Type.Boolean(),
  deliveredMinMinutes: Type.Integer({ minimum: 1, maximum: 600 }),
  evidenceRetentionDays: Type.Integer({ minimum: 0, maximum: 36500 }),
  reportWebhookUrl: Type.String(),
  reportWebhookSecret: Type.String(),
  metricsToken: Type.String(),
  turnSecret: Type.String(),
  turnCredentialSeconds: Type.Integer({ minimum: 60, maximum: 86400 }),
});
export type TongkeConfig = Static<typeof ConfigSchema>;
type SettingName = keyof typeof CONFIG_SETTINGS;

const checkConfig = Compile(ConfigSchema);

/** A configuration error that names the variable at fault. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

function parseValue(name: SettingName, raw: unknown): unknown {
  const setting = CONFIG_SETTINGS[name];
  if (typeof raw !== 'string') return raw;
  switch (setting.kind) {
    case 'port':
    case 'count': {
      if (!/^\d+$/.test(raw.trim())) throw new ConfigError(setting.env, `"${raw}" is not a whole number`);
      return Number(raw);
    }
    case 'url': {
      if (raw === '') return raw;
      try {
        new URL(raw);
      } catch {
        throw new ConfigError(setting.env, `"${raw}" is not a URL`);
      }
      return raw.replace(/\/+$/, '');
    }
    case 'boolean': {
      const value = raw.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      throw new ConfigError(setting.env, `"${raw}" is not true or false`);
    }
    default:
      return raw;
  }
}

/** Reads, checks and completes the configuration. Throws ConfigError naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<TongkeConfig> = {}): TongkeConfig {
  let fileValues: Record<string, unknown> = {};
  if (env.TONGKE_CONFIG) {
    try {
      fileValues = JSON.parse(readFileSync(env.TONGKE_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError('TONGKE_CONFIG', `cannot read ${env.TONGKE_CONFIG} as JSON (${(error as Error).message})`);
    }
  }
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(CONFIG_SETTINGS) as SettingName[]) {
    const raw = overrides[name] ?? env[CONFIG_SETTINGS[name].env] ?? fileValues[name] ?? CONFIG_SETTINGS[name].default;
    values[name] = parseValue(name, raw);
  }
  if (!checkConfig.Check(values)) {
    const [first] = checkConfig.Errors(values);
    const name = (first?.instancePath.slice(1) ?? '') as SettingName;
    const variable = CONFIG_SETTINGS[name]?.env ?? 'TONGKE_CONFIG';
    throw new ConfigError(variable, `${JSON.stringify(values[name])} ${first?.message ?? 'is not valid'}`);
  }
  const config = values as TongkeConfig;
  if (config.rtcMinPort > config.rtcMaxPort) throw new ConfigError('TONGKE_RTC_MIN_PORT', 'must not be above TONGKE_RTC_MAX_PORT');
  if (config.reportWebhookUrl && config.reportWebhookSecret.length < 16) throw new ConfigError('TONGKE_REPORT_WEBHOOK_SECRET', 'must be at least 16 characters when TONGKE_REPORT_WEBHOOK_URL is set');
  if (!config.publicUrl) config.publicUrl = `http://localhost:${config.port}`;
  if (config.databaseUrl && !/^postgres(ql)?:\/\//i.test(config.databaseUrl)) throw new ConfigError('TONGKE_DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  if (config.redisUrl) {
    if (!/^rediss?:\/\//i.test(config.redisUrl)) throw new ConfigError('TONGKE_REDIS_URL', 'must be a redis:// or rediss:// URL');
    // Nodes share their lessons through the database: one SQLite file per process cannot be shared.
    if (!config.databaseUrl) throw new ConfigError('TONGKE_REDIS_URL', 'is set (several nodes) but TONGKE_DATABASE_URL is not: the nodes must share one PostgreSQL');
    // A secret generated beside one node's database would sign cookies no other node accepts.
    if (!config.sessionSecret) throw new ConfigError('TONGKE_REDIS_URL', 'is set (several nodes) but TONGKE_SESSION_SECRET is not: every node must sign sessions with the same secret');
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(config.nodeId.trim())) throw new ConfigError('TONGKE_NODE_ID', 'must be set on each of several nodes: letters, digits, - and _ (up to 63), unique per node');
  }
  // Stable across restarts of the node, so its next start recognises the sessions it left open.
  config.nodeId = config.nodeId.trim() || hostname();
  config.dbPath = config.dbPath === ':memory:' ? config.dbPath : resolve(config.dbPath);
  config.attachmentsDir = resolve(config.attachmentsDir || join(config.dbPath === ':memory:' ? './data' : dirname(config.dbPath), 'attachments'));
  config.recordingsDir = resolve(config.recordingsDir || join(config.dbPath === ':memory:' ? './data' : dirname(config.dbPath), 'recordings'));
  if (!config.sessionSecret) config.sessionSecret = loadOrCreateSecret(config.dbPath);
  else if (config.sessionSecret.length < 32) throw new ConfigError('TONGKE_SESSION_SECRET', 'must be at least 32 characters');
  if (config.metricsToken && config.metricsToken.length < 16) throw new ConfigError('TONGKE_METRICS_TOKEN', 'must be at least 16 characters');
  if (config.turnSecret) {
    if (config.turnSecret.length < 16) throw new ConfigError('TONGKE_TURN_SECRET', 'must be at least 16 characters');
    if (!config.turnUrls) throw new ConfigError('TONGKE_TURN_SECRET', 'is set but TONGKE_TURN_URLS names no TURN server');
    // Two kinds of credential for one server would leave it unclear which one coturn is set up to accept.
    if (config.turnUsername || config.turnCredential) throw new ConfigError('TONGKE_TURN_SECRET', 'is set together with TONGKE_TURN_USERNAME/TONGKE_TURN_CREDENTIAL: use one or the other');
  }
  return config;
}

/**
 * For command-line entry points (server, seed, admin:create): the configuration, or null after printing
 * which variable is wrong (the caller exits with status 2).
 */
export function loadConfigOrExplain(overrides: Partial<TongkeConfig> = {}): TongkeConfig | null {
  try {
    return loadConfig(process.env, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return null;
  }
}

/** The secret is generated on first run and kept beside the database (mode 0600), never hard-coded. */
function loadOrCreateSecret(dbPath: string): string {
  if (dbPath === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(dirname(dbPath), 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
