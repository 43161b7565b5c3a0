import { getContext } from 'svelte';
import type { ApiClient } from './api.js';
import type { Clock } from './clock.svelte.js';
import type { TongkeApi } from './endpoints.js';
import type { I18n } from './i18n.svelte.js';
import type { Router } from './router.svelte.js';
import type { RouteName } from './routes.js';
import type { SessionManager } from './session.svelte.js';
import type { OrganisationManager } from './admin/organisation.svelte.js';

/** The app-wide services, made once in main.ts and handed to every component through Svelte context. */
export interface Services {
  http: ApiClient;
  api: TongkeApi;
  i18n: I18n;
  router: Router<RouteName>;
  session: SessionManager;
  clock: Clock;
  /** The organisation tree, shared by the admin pages and their pickers. */
  organisation: OrganisationManager;
}

const SERVICES = Symbol('tongke.services');

/** The context map to mount the app with. */
export function servicesContext(services: Services): Map<symbol, Services> {
  return new Map([[SERVICES, services]]);
}

export function useServices(): Services {
  const services = getContext<Services | undefined>(SERVICES);
  if (!services) throw new Error('useServices() called outside the Tongke app');
  return services;
}
