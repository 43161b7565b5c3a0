import type { Redis } from 'ioredis';
import type { Locale } from '../../shared/i18n/index.js';
import type { TongkeConfig } from '../config.js';
import type { DatabaseHandle, TongkeDb } from '../db/store.js';
import type { AccountsService } from '../accounts/service.js';
import type { AuthenticatedPrincipal } from '../accounts/principal.js';
import type { Places } from '../organisation/places.js';
import type { MediaHealth } from '../ops/health.js';
import type { NetworkProbeFactory } from '../netcheck/service.js';
import type { Action, PolicyTarget } from '../policy/policy.js';

/** What every feature plugin can reach on `app.tongke`. */
export interface TongkeContext {
  config: TongkeConfig;
  database: DatabaseHandle;
  db: TongkeDb;
  places: Places;
  accounts: AccountsService;
  /** The media layer's health (and the pre-join network check's probes), when media workers run in this process. */
  media: (MediaHealth & NetworkProbeFactory) | null;
  translate(locale: Locale, key: string, params?: Record<string, unknown>): string;
  /** The Redis the nodes share (TONGKE_REDIS_URL), one connection for the app; null for one process alone. */
  redis: Redis | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    tongke: TongkeContext;
    /** The signed-in principal, or an `unauthenticated` error. */
    requirePrincipal(request: FastifyRequest): AuthenticatedPrincipal;
    /** The signed-in principal if the policy allows `action` on `target`, else `forbidden`. */
    authorize(request: FastifyRequest, action: Action, target: PolicyTarget): AuthenticatedPrincipal;
  }
  interface FastifyRequest {
    principal: AuthenticatedPrincipal | null;
    locale: Locale;
  }
}
