import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { regions } from '../db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';

/*
 * A signed-in browser tricked into sending a state-changing request without the CSRF header must be
 * refused whatever spelling of the path the router accepts for the same handler.
 */
describe('CSRF on every spelling of a path', () => {
  let f: OrganisationFixture;
  let cookie: string;
  beforeAll(async () => {
    f = await createOrganisationFixture();
    cookie = (await f.as('system_admin')).cookieHeader();
  });
  afterAll(async () => f.close());

  const regionName = async () => (await f.db.select({ name: regions.name }).from(regions).where(eq(regions.id, f.ids.otherRegionId)))[0]?.name;
  /** `{id}` stands for the other region's id. */
  const SPELLINGS = ['/api/regions/{id}', '/%61pi/regions/{id}', '/%61%70%69/regions/{id}', '/api/%72egions/{id}', '/api//regions/{id}', '/api/regions/{id}/', '/api/regions/{id};x=1', '/api/regions/{id}?x=1'];

  it.each(SPELLINGS.map((spelling, i) => ({ spelling, i })))('refuses a PATCH of $spelling without the token and changes nothing', async ({ spelling, i }) => {
    const url = spelling.replace('{id}', String(f.ids.otherRegionId));
    const before = await regionName();
    const res = await f.t.app.inject({ method: 'PATCH', url, headers: { cookie }, payload: { name: `被篡改${i}` } });
    expect({ url, status: res.statusCode, code: res.json().error?.code }).toEqual({ url, status: 403, code: 'csrf_invalid' });
    expect(await regionName()).toBe(before);
  });

  it('refuses an encoded POST that creates something', async () => {
    const res = await f.t.app.inject({ method: 'POST', url: '/%61pi/regions', headers: { cookie }, payload: { name: '伪造县', code: 'forged' } });
    expect(res.json().error.code).toBe('csrf_invalid');
    expect((await f.db.select().from(regions).where(eq(regions.code, 'forged')))[0]).toBeUndefined();
  });

  it('still accepts the request with the token (the encoded path reaches the real handler)', async () => {
    const admin = await f.as('system_admin');
    const res = await admin.patch(`/%61pi/regions/${f.ids.otherRegionId}`, { name: '邻县（改）' });
    expect(res.statusCode).toBe(200);
    expect(await regionName()).toBe('邻县（改）');
  });
});
