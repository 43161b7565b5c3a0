import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { TongkeConfig } from './config.js';
import { openDatabase, storeLocation, type DatabaseHandle } from './db/store.js';
import { AccountsService } from './accounts/service.js';
import authentication from './accounts/plugin.js';
import { Places } from './organisation/places.js';
import { createTranslator } from './core/i18n.js';
import { installErrorHandler } from './core/error-handler.js';
import { logSerializers } from './core/logger.js';
import { registerSecurityHeaders } from './core/security-headers.js';
import { ApiError } from './core/errors.js';
import type { TongkeApp } from './core/app-types.js';
import type { MediaHealth } from './ops/health.js';
import opsRoutes from './ops/routes.js';
import type { LessonMediaFactory } from './lessons/media-port.js';
import type { NetworkProbeFactory } from './netcheck/service.js';
import { registerLiveLessons } from './lessons/live-lessons.js';
import { FEATURE_ROUTES } from './features.js';
import { AccountsRepository } from './accounts/repository.js';
import { closeRedis, openRedis } from './cluster/redis.js';
import { ClusterRevocations } from './cluster/revocations.js';

export interface BuildAppOptions {
  config: TongkeConfig;
  /** An open database; by default the config's file is opened (and migrated). */
  database?: DatabaseHandle;
  /** The media workers (health + lesson media); without them the live-lesson gateway is not attached. */
  media?: (MediaHealth & LessonMediaFactory & NetworkProbeFactory) | null;
  /** A pino logger to use; default: a new one at the config's level. `false` silences it (tests). */
  logger?: FastifyBaseLogger | false;
  /** Where the built client is; served when it exists. */
  clientDir?: string;
}

/** One method of one route as Fastify registered it (`url` with its `:params`). */
export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's body schema, if it takes a body (the zh-CN validation walk generates invalid bodies from it). */
  body?: unknown;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far, in order (HEAD twins of GET routes included). */
    registeredRoutes: readonly RegisteredRoute[];
  }
}

/** Builds the whole HTTP app (not listening). Tests drive it with `app.inject()`. */
export async function buildApp(options: BuildAppOptions): Promise<TongkeApp> {
  const { config } = options;
  const app = Fastify({
    ...(options.logger === false ? { logger: false } : options.logger ? { loggerInstance: options.logger } : { logger: { level: config.logLevel, serializers: logSerializers } }),
    trustProxy: config.trustProxy,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // What was really registered (every method of every route), so the authorization matrix can tell when a
  // route exists that it does not cover.
  const registeredRoutes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url, ...(route.schema?.body ? { body: route.schema.body } : {}) });
  });
  app.decorate('registeredRoutes', registeredRoutes);

  const database = options.database ?? (await openDatabase(storeLocation(config)));
  const translate = createTranslator(config.locale);
  const redis = config.redisUrl ? openRedis(config.redisUrl, app.log.child({ component: 'redis' }), { connectionName: `tongke:${config.nodeId}:app` }) : null;
  const accounts = new AccountsService(new AccountsRepository(database.db), { secret: config.sessionSecret, loginAccountLimit: config.loginAccountLimit, listenHost: config.host, redis });
  const revocations = redis ? new ClusterRevocations(accounts.revocations, redis, app.log.child({ component: 'revocations' }), config.nodeId) : null;
  await app.register(
    fp(
      async (instance) => {
        instance.decorate('tongke', {
          config,
          database,
          db: database.db,
          places: new Places(database.db),
          accounts,
          media: options.media ?? null,
          translate,
          redis,
        });
      },
      { name: 'tongke-context' },
    ),
  );
  app.addHook('onClose', async () => {
    await revocations?.close();
    if (redis) await closeRedis(redis);
    if (!options.database) await database.close();
  });

  installErrorHandler(app);
  await registerSecurityHeaders(app, config);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tongke API', description: '同课 — shared live lessons and their usage evidence', version: '0.1.0' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tongke_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(rateLimit, {
    global: false,
    // Several nodes count each address's requests in their shared Redis, so a client gains nothing by being
    // spread over them. While Redis is away the limits lapse (after the command fails, ≤ 3 s) instead of every
    // limited route failing: sign-in keeps its per-account limit and lockout (accounts/service.ts).
    ...(redis ? { redis, nameSpace: 'tongke:rate-limit:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => new ApiError('rate_limited', { seconds: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(authentication);
  await app.register(opsRoutes);
  for (const routes of FEATURE_ROUTES) await app.register(routes);
  if (options.media) await registerLiveLessons(app, options.media);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerClient(app, options.clientDir ?? resolve('dist/client'));
  return app;
}

/** Serves the built SPA; unknown non-API paths get index.html so client-side routes load directly. */
function registerClient(app: TongkeApp, clientDir: string): void {
  const hasClient = existsSync(join(clientDir, 'index.html'));
  if (hasClient) void app.register(fastifyStatic, { root: clientDir, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method !== 'GET' || !hasClient || path.startsWith('/api/') || path.startsWith('/socket.io')) {
      throw new ApiError('not_found');
    }
    if (/\.[a-z0-9]+$/i.test(path)) throw new ApiError('not_found');
    return reply.sendFile('index.html');
  });
}
