import { mount } from 'svelte';
import App from './App.svelte';
import { ApiClient } from './lib/api.js';
import { Clock } from './lib/clock.svelte.js';
import { servicesContext } from './lib/context.js';
import { TongkeApi } from './lib/endpoints.js';
import { I18n } from './lib/i18n.svelte.js';
import { Router } from './lib/router.svelte.js';
import { ROUTES } from './lib/routes.js';
import { SessionManager } from './lib/session.svelte.js';
import { OrganisationManager } from './lib/admin/organisation.svelte.js';
import './styles/app.css';

const i18n = new I18n(I18n.initialLocale());
const http = new ApiClient({ describe: (code) => i18n.t(code === 'network' ? 'app.networkError' : 'app.unknownError') });
const api = new TongkeApi(http);
const router = new Router(ROUTES);
const session = new SessionManager(api, http, i18n, {
  toLogin: () => router.navigate(`/login?next=${encodeURIComponent(router.location)}`, { replace: true }),
});
router.start();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, {
  target,
  context: servicesContext({ http, api, i18n, router, session, clock: new Clock(), organisation: new OrganisationManager(api) }),
});
