import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createServerLogger } from '../core/logger.js';
import type { TongkeApp } from '../core/app-types.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, studentLinkToken, type OrganisationFixture } from '../../test/support/fixtures.js';
import { TestClient } from '../../test/support/app.js';

/** A student link is a password: it must not land in the access log of the server it opens. */
describe('student link tokens and the access log', () => {
  let f: OrganisationFixture;
  let app: TongkeApp;
  let log = '';

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    // The logger the server process uses (server/main.ts), writing where the test can read it.
    app = await buildApp({ config: f.t.config, database: f.t.database, logger: createServerLogger('info', sink), clientDir: '/nonexistent' });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await f.close();
  });

  it('issues the link with the token in the fragment, which browsers never send', async () => {
    const teacher = new TestClient(app);
    await teacher.login('teacher', FIXTURE_PASSWORD);
    const { url } = (await teacher.post(`/api/courses/${f.ids.courseId}/student-links`, { studentId: f.ids.users.student, validDays: 7 })).json() as { url: string };
    const token = studentLinkToken(url);
    expect(token.length).toBeGreaterThan(20);
    const parsed = new URL(url);
    expect(parsed.pathname + parsed.search).not.toContain(token.slice(0, 20));

    const student = new TestClient(app);
    expect((await student.post('/api/auth/student-link', { token })).statusCode).toBe(200);
    // A link of the old shape, /join/<token>, opened by a browser: the path is logged without it.
    await student.get(`/join/${encodeURIComponent(token)}`);
    expect(log).toContain('/join/[redacted]');
    expect(log).toContain('/api/auth/student-link');
    expect(log).not.toContain(token.slice(0, 20));
  });
});
