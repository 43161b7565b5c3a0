import type { TongkeApp } from './core/app-types.js';
import accountsRoutes from './accounts/routes.js';

/** Every feature's route plugin, registered by buildApp in this order. */
export const FEATURE_ROUTES: ReadonlyArray<(app: TongkeApp) => Promise<void>> = [accountsRoutes];
