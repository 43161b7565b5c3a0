import { ERROR_RESPONSES, OkResponse } from '../../shared/api/common.js';
import { InstanceResponse } from '../../shared/api/auth.js';
import { SetupBody } from '../../shared/api/people.js';
import type { TongkeApp } from '../core/app-types.js';
import { DEMO_PASSWORD } from '../seed/demo-logins.js';

/**
 * First run: the instance status every visitor's page reads (demo warning, setup needed), the one-time
 * creation of the first system administrator, and the start-up log lines that tell the operator about both.
 */
export default async function firstRunRoutes(app: TongkeApp) {
  const { accounts, config } = app.tongke;

  app.addHook('onReady', async () => {
    const token = await accounts.firstRun.issueToken();
    if (token) {
      app.log.warn(
        { setupUrl: `${config.publicUrl}/setup`, setupToken: token },
        `No system administrator yet. Open ${config.publicUrl}/setup and enter the one-time setup token ${token} ` +
          '(or run `npm run admin:create`). The token works once and only until an administrator exists.',
      );
    }
    if ((await accounts.firstRun.status()).demoWarning) {
      app.log.warn(
        { host: config.host },
        `DEMO ACCOUNTS ARE ENABLED and this server listens on ${config.host}, beyond this machine: anyone who can reach it ` +
          `can sign in as admin with the published password "${DEMO_PASSWORD}". Use an empty database without --demo for real use, ` +
          'or deactivate the demo accounts / reset their passwords.',
      );
    }
  });

  app.get('/api/instance', { schema: { tags: ['auth'], response: { 200: InstanceResponse } } }, async () => accounts.firstRun.status());

  app.post(
    '/api/setup',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], body: SetupBody, response: { 201: OkResponse, ...ERROR_RESPONSES } },
    },
    async (request, reply) => {
      const { token, ...account } = request.body;
      const userId = await accounts.firstRun.createFirstAdmin(token, account);
      request.log.warn({ userId, username: account.username }, 'first system administrator created with the setup token');
      return reply.code(201).send({ ok: true as const });
    },
  );
}
