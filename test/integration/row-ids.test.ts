import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * Ids past what the stores' integer keys hold (2^31 − 1 on PostgreSQL) are refused by the shared schema as a
 * bad request, on both stores; before, PostgreSQL answered such a lookup with a server error.
 */
describe('row ids beyond the store’s integer keys', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(() => f.close());

  it('are a bad request in a path, a query and a body, and change nothing', async () => {
    const admin = await f.as('system_admin');
    const tooBig = 2 ** 31;
    expect((await admin.request('PATCH', `/api/schools/${tooBig}`, { name: '某校', active: true })).statusCode).toBe(400);
    expect((await admin.request('GET', `/api/classrooms?schoolId=${tooBig}`)).statusCode).toBe(400);
    const before = (await admin.request('GET', `/api/classrooms?schoolId=${f.ids.teachingPointId}`)).json() as unknown[];
    const created = await admin.request('POST', '/api/classrooms', { schoolId: tooBig, name: '越界教室' });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ error: { code: 'bad_request' } });
    expect((await admin.request('GET', `/api/classrooms?schoolId=${f.ids.teachingPointId}`)).json()).toEqual(before);
  });

  it('still finds nothing, not an error, for the largest id the store holds', async () => {
    const admin = await f.as('system_admin');
    const res = await admin.request('PATCH', `/api/schools/${2 ** 31 - 1}`, { name: '某校', active: true });
    expect(res.statusCode).toBe(404);
  });
});
