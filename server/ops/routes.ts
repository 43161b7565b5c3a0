import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Registry, collectDefaultMetrics, Gauge, Histogram } from 'prom-client';
import fp from 'fastify-plugin';
import type { TongkeApp } from '../core/app-types.js';
import { ApiError } from '../core/errors.js';

const HealthResponse = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  database: Type.Boolean(),
  media: Type.Object({
    enabled: Type.Boolean(),
    alive: Type.Boolean(),
    workers: Type.Array(Type.Object({ index: Type.Integer(), pid: Type.Integer(), alive: Type.Boolean(), routerCount: Type.Integer() })),
  }),
});

/**
 * Operations: `GET /healthz` (database and media workers) and `GET /metrics` (Prometheus, see
 * metricsAccess for who may read it). Not
 * encapsulated: the HTTP timing hook must see every route, and features add gauges to `metricsRegistry`.
 */
async function opsRoutes(app: TongkeApp) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tongke_' });
  const httpDuration = new Histogram({
    name: 'tongke_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'tongke_media_workers_alive',
    help: 'mediasoup workers alive in this process',
    registers: [registry],
    collect() {
      this.set(app.tongke.media?.workers.filter((w) => w.alive).length ?? 0);
    },
  });
  app.decorate('metricsRegistry', registry);

  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { tags: ['ops'], response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    let database = false;
    try {
      await app.tongke.database.ping();
      database = true;
    } catch (error) {
      app.log.error({ err: error }, 'health check: database unavailable');
    }
    const media = app.tongke.media;
    const mediaAlive = media ? media.alive : true;
    const healthy = database && mediaAlive;
    reply.status(healthy ? 200 : 503);
    return {
      status: healthy ? ('ok' as const) : ('degraded' as const),
      database,
      media: { enabled: media !== null, alive: mediaAlive, workers: media ? [...media.workers] : [] },
    };
  });

  const mayScrape = metricsAccess(app.tongke.config.metricsToken);
  app.get('/metrics', { schema: { hide: true }, onRequest: async (request) => mayScrape(request) }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/**
 * Who may read /metrics (it names lessons' sizes, workers and routes; not for the public). With
 * TONGKE_METRICS_TOKEN set: a scraper sending `Authorization: Bearer <token>`, from anywhere. Without:
 * only a caller on this machine talking to the server directly — the socket's own address is loopback
 * and no proxy header is present, so a reverse proxy on the same host does not make the world local.
 */
function metricsAccess(token: string): (request: FastifyRequest) => void {
  const expected = Buffer.from(`Bearer ${token}`);
  return (request) => {
    if (token) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ApiError('unauthenticated');
      return;
    }
    const direct = FORWARDED.every((header) => request.headers[header] === undefined);
    if (!direct || !LOOPBACK.has(request.socket.remoteAddress ?? '')) throw new ApiError('forbidden');
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus registry; features add their gauges here. */
    metricsRegistry: Registry;
  }
}

export default fp(opsRoutes, { name: 'ops', dependencies: ['tongke-context'] });
