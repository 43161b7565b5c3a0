import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { TestClient } from '../../test/support/app.js';
import { users } from '../db/schema/index.js';

describe('creating an account as a school office does it', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const teacher = (username: string, password?: string) => ({
    username,
    displayName: '陈老师',
    ...(password && { password }),
    grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }],
  });

  it('says which user name is taken, beside the user name', async () => {
    const admin = await f.as('school_admin');
    expect((await admin.post('/api/users', teacher('chen.t', 'first-password'))).statusCode).toBe(201);
    const again = await admin.post('/api/users', teacher('chen.t', 'other-password'));
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toEqual({
      code: 'username_taken',
      message: '用户名 chen.t 已被使用，请换一个。',
      details: [{ path: '/username', message: '用户名 chen.t 已被使用，请换一个。' }],
    });
    expect(await f.db.select().from(users).where(eq(users.username, 'chen.t'))).toHaveLength(1);
  });

  it('generates a password for a staff account given none, returns it once, and it signs in', async () => {
    const admin = await f.as('school_admin');
    const res = await admin.post('/api/users', teacher('gen.pass'));
    expect(res.statusCode).toBe(201);
    const { initialPassword, hasPassword, id } = res.json();
    expect(hasPassword).toBe(true);
    expect(initialPassword).toMatch(/^[A-Za-z2-9]{12}$/);
    expect((await new TestClient(f.t.app).login('gen.pass', initialPassword)).statusCode).toBe(200);
    // Never retrievable again: reading the account does not show it.
    expect(JSON.stringify((await admin.get(`/api/users/${id}`)).json())).not.toContain(initialPassword);
    // A password the admin chose is hers already: nothing to show.
    expect((await admin.post('/api/users', teacher('own.pass', 'chosen-password'))).json().initialPassword).toBeUndefined();
  });

  it("tells the client what the caller may create, as the policy decides: no new school for a school admin", async () => {
    const capabilities = async (principal: 'system_admin' | 'region_admin' | 'group_admin' | 'school_admin' | 'teacher') =>
      (await (await f.as(principal)).get('/api/auth/me')).json().can;
    expect(await capabilities('system_admin')).toEqual({ createRegion: true, createGroup: true, createSchool: true, manageSchool: true, createClassroom: true });
    expect(await capabilities('region_admin')).toEqual({ createRegion: false, createGroup: true, createSchool: true, manageSchool: true, createClassroom: true });
    expect(await capabilities('group_admin')).toEqual({ createRegion: false, createGroup: false, createSchool: true, manageSchool: true, createClassroom: true });
    expect(await capabilities('school_admin')).toEqual({ createRegion: false, createGroup: false, createSchool: false, manageSchool: false, createClassroom: true });
    expect(await capabilities('teacher')).toEqual({ createRegion: false, createGroup: false, createSchool: false, manageSchool: false, createClassroom: false });
    // And the server agrees: the school admin's 新建学校 would be refused.
    const refused = await (await f.as('school_admin')).post('/api/schools', { regionId: f.ids.regionId, groupId: f.ids.groupId, name: '新学校', groupRole: 'member', locality: 'rural', stage: 'primary', studentCount: 10 });
    expect(refused.statusCode).toBe(403);
  });
});
