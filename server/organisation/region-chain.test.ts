import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { regions } from '../db/schema/index.js';

describe('regions in the review chain (province → city → county)', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  it('keeps existing regions as counties and lets the system admin build the chain above them', async () => {
    const sys = await f.as('system_admin');
    const county = (await sys.get('/api/regions')).json().find((r: { id: number }) => r.id === f.ids.regionId);
    expect(county).toMatchObject({ level: 'county', parentId: null });
    const province = await sys.post('/api/regions', { name: '山南省', code: 'shannan-province', level: 'province' });
    expect(province.statusCode, province.body).toBe(201);
    const city = await sys.post('/api/regions', { name: '山南市', code: 'shannan-city', level: 'city', parentId: province.json().id });
    expect(city.statusCode, city.body).toBe(201);
    const placed = await sys.patch(`/api/regions/${f.ids.regionId}`, { parentId: city.json().id });
    expect(placed.statusCode, placed.body).toBe(200);
    expect(placed.json()).toMatchObject({ level: 'county', parentId: city.json().id });
  });

  it('refuses a chain out of order and changes nothing', async () => {
    const sys = await f.as('system_admin');
    const all = async () => (await sys.get('/api/regions')).json() as Array<{ id: number; code: string; level: string; parentId: number | null }>;
    const before = await f.db.select().from(regions);
    const byCode = new Map((await all()).map((r) => [r.code, r]));
    const province = byCode.get('shannan-province')!;
    const city = byCode.get('shannan-city')!;
    // A county straight under a province, a city under a county, a province with a parent, a region under itself.
    expect((await sys.patch(`/api/regions/${f.ids.otherRegionId}`, { parentId: province.id })).statusCode).toBe(400);
    expect((await sys.post('/api/regions', { name: '乱市', code: 'wrong-city', level: 'city', parentId: f.ids.regionId })).statusCode).toBe(400);
    expect((await sys.patch(`/api/regions/${province.id}`, { parentId: city.id })).statusCode).toBe(400);
    expect((await sys.patch(`/api/regions/${city.id}`, { parentId: city.id })).statusCode).toBe(400);
    // A city with a county below it cannot become a county itself.
    expect((await sys.patch(`/api/regions/${city.id}`, { level: 'county', parentId: null })).statusCode).toBe(400);
    expect(await f.db.select().from(regions)).toEqual(before);
  });

  it('grants a city reviewer on a city and a province reviewer on a province, nothing else', async () => {
    const sys = await f.as('system_admin');
    const byCode = new Map(((await sys.get('/api/regions')).json() as Array<{ id: number; code: string }>).map((r) => [r.code, r.id]));
    const reviewer = (username: string, role: string, regionId: number) => sys.post('/api/users', { username, displayName: username, password: 'a-good-password', grants: [{ role, regionId }] });
    expect((await reviewer('city.ok', 'city_reviewer', byCode.get('shannan-city')!)).statusCode).toBe(201);
    expect((await reviewer('province.ok', 'province_reviewer', byCode.get('shannan-province')!)).statusCode).toBe(201);
    expect((await reviewer('city.on-county', 'city_reviewer', f.ids.regionId)).statusCode).toBe(400);
    expect((await reviewer('city.on-province', 'city_reviewer', byCode.get('shannan-province')!)).statusCode).toBe(400);
    // A county admin may not staff the chain, not even on her own county.
    expect((await (await f.as('region_admin')).post('/api/users', { username: 'county.made', displayName: 'x', password: 'a-good-password', grants: [{ role: 'city_reviewer', regionId: byCode.get('shannan-city')! }] })).statusCode).toBe(403);
  });

  it('leaves the chain to the system admin', async () => {
    const county = await f.as('region_admin');
    expect((await county.patch(`/api/regions/${f.ids.regionId}`, { parentId: null })).statusCode).toBe(403);
  });
});
