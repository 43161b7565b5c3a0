import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../../test/support/fixtures.js';
import { TestClient } from '../../test/support/app.js';
import { roleGrants, sessions, studentProfiles, users } from '../db/schema/index.js';

describe('people API', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const countUsers = async () => (await f.db.select().from(users)).length;

  describe('creating accounts', () => {
    it('creates a teacher with a password who can then sign in', async () => {
      const admin = await f.as('school_admin');
      const res = await admin.post('/api/users', {
        username: 'new.teacher',
        displayName: '新老师',
        password: 'a-good-password',
        grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        username: 'new.teacher',
        hasPassword: true,
        active: true,
        student: null,
        grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId, scopeName: '城关第一小学' }],
      });
      expect((await new TestClient(f.t.app).login('new.teacher', 'a-good-password')).statusCode).toBe(200);
    });

    it('creates a student with her profile and no password', async () => {
      const admin = await f.as('group_admin');
      const res = await admin.post('/api/users', {
        username: 'new.student',
        displayName: '小红',
        grants: [{ role: 'student', schoolId: f.ids.teachingPointId }],
        student: { schoolId: f.ids.teachingPointId, grade: 2, className: '二年级', homeDelivery: true },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ hasPassword: false, student: { grade: 2, homeDelivery: true } });
    });

    it('refuses a duplicate user name with 409', async () => {
      const res = await (await f.as('system_admin')).post('/api/users', { username: 'teacher', displayName: '重名', grants: [{ role: 'teacher', schoolId: f.ids.leadSchoolId }] });
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'username_taken', details: [{ path: '/username' }] });
    });

    it.each([
      ['a scope column that does not fit the role', [{ role: 'teacher', regionId: 1 }], undefined],
      ['a second scope column', [{ role: 'teacher', schoolId: 1, regionId: 1 }], undefined],
      ['a school that does not exist', [{ role: 'teacher', schoolId: 99999 }], undefined],
      ['a classroom device account', [{ role: 'classroom_device', classroomId: 1 }], undefined],
      ['a student without a profile', [{ role: 'student', schoolId: 'TP' }], undefined],
      ['a profile at another school than the grant', [{ role: 'student', schoolId: 'TP' }], { schoolId: 'LEAD', grade: 3, className: '', homeDelivery: false }],
      ['a profile without a student grant', [{ role: 'teacher', schoolId: 'LEAD' }], { schoolId: 'LEAD', grade: 3, className: '', homeDelivery: false }],
      ['the same grant twice', [{ role: 'teacher', schoolId: 'LEAD' }, { role: 'teacher', schoolId: 'LEAD' }], undefined],
      ['no grant at all', [], undefined],
    ])('refuses %s with 400 and creates nothing', async (_case, grants, student) => {
      const ids = { TP: f.ids.teachingPointId, LEAD: f.ids.leadSchoolId };
      const resolve = (value: unknown) => (value === 'TP' || value === 'LEAD' ? ids[value] : value);
      const body = {
        username: 'never.created',
        displayName: '不该存在',
        grants: grants.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, resolve(v)]))),
        ...(student && { student: { ...student, schoolId: resolve(student.schoolId) } }),
      };
      const before = await countUsers();
      const res = await (await f.as('system_admin')).post('/api/users', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
      expect(await countUsers()).toBe(before);
    });

    it('refuses grants the caller may not hand out with 403', async () => {
      const school = await f.as('school_admin');
      const group = await f.as('group_admin');
      const attempts: Array<[typeof school, unknown]> = [
        [school, { role: 'region_admin', regionId: f.ids.regionId }],
        [school, { role: 'teacher', schoolId: f.ids.teachingPointId }],
        [group, { role: 'teacher', schoolId: f.ids.independentSchoolId }],
        [group, { role: 'system_admin' }],
      ];
      const before = await countUsers();
      for (const [client, grant] of attempts) {
        const res = await client.post('/api/users', { username: 'too.much', displayName: '越权', password: 'long-enough', grants: [grant] });
        expect(res.statusCode).toBe(403);
      }
      expect(await countUsers()).toBe(before);
    });
  });

  describe('listing and reading', () => {
    it('lists only accounts the caller may read, with filters and pages', async () => {
      const school = (await (await f.as('school_admin')).get('/api/users')).json();
      expect(school.users.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['school', 'teacher']));
      expect(school.users.map((u: { username: string }) => u.username)).not.toContain('assistant');

      const sys = await f.as('system_admin');
      const students = (await sys.get(`/api/users?role=student&schoolId=${f.ids.teachingPointId}`)).json();
      expect(students.users.every((u: { grants: Array<{ role: string }> }) => u.grants.some((g) => g.role === 'student'))).toBe(true);
      expect(students.users.map((u: { username: string }) => u.username)).toContain('student');
      const search = (await sys.get('/api/users?q=%E7%8E%8B')).json(); // 王
      expect(search.users.map((u: { username: string }) => u.username)).toEqual(['teacher']);
      // Without regard to case on both stores (PostgreSQL's LIKE minds case), and % is a plain character.
      const upper = (await sys.get('/api/users?q=ASSIST')).json();
      expect(upper.users.map((u: { username: string }) => u.username)).toEqual(['assistant']);
      expect((await sys.get('/api/users?q=%25')).json().users).toEqual([]);
      const page = (await sys.get('/api/users?limit=2&offset=1')).json();
      expect(page.users).toHaveLength(2);
      expect(page.total).toBeGreaterThan(2);
      expect((await sys.get('/api/users?limit=0')).statusCode).toBe(400);
    });

    it('lets a user read herself but not others, and answers 404 for an unknown account', async () => {
      const teacher = await f.as('teacher');
      expect((await teacher.get(`/api/users/${f.ids.users.teacher}`)).json().username).toBe('teacher');
      expect((await teacher.get(`/api/users/${f.ids.users.assistant_teacher}`)).statusCode).toBe(403);
      expect((await teacher.get('/api/users/99999')).statusCode).toBe(404);
    });
  });

  describe('editing accounts', () => {
    it('deactivating ends the sessions of the account', async () => {
      const id = await f.addUser('to.deactivate', 'teacher', { schoolId: f.ids.leadSchoolId });
      const client = new TestClient(f.t.app);
      await client.login('to.deactivate', FIXTURE_PASSWORD);
      expect((await client.get('/api/auth/me')).statusCode).toBe(200);
      const res = await (await f.as('school_admin')).patch(`/api/users/${id}`, { active: false });
      expect(res.json().active).toBe(false);
      expect(await f.db.select().from(sessions).where(eq(sessions.userId, id))).toEqual([]);
      expect((await client.get('/api/auth/me')).statusCode).toBe(401);
    });

    it('resets a password and unlocks a locked account', async () => {
      const id = await f.addUser('locked.out', 'teacher', { schoolId: f.ids.leadSchoolId });
      const client = new TestClient(f.t.app);
      for (let i = 0; i < 5; i++) await client.login('locked.out', 'wrong password');
      const admin = await f.as('school_admin');
      expect((await admin.get(`/api/users/${id}`)).json().lockedUntil).not.toBeNull();
      const res = await admin.patch(`/api/users/${id}`, { unlock: true, password: 'brand-new-password' });
      expect(res.json()).toMatchObject({ lockedUntil: null, hasPassword: true });
      expect((await client.login('locked.out', 'brand-new-password')).statusCode).toBe(200);
    });

    it('refuses deactivating oneself and malformed edits, changing nothing', async () => {
      const admin = await f.as('school_admin');
      const before = (await f.db.select().from(users).where(eq(users.id, f.ids.users.school_admin)))[0];
      expect((await admin.patch(`/api/users/${f.ids.users.school_admin}`, { active: false })).statusCode).toBe(400);
      expect((await admin.patch(`/api/users/${f.ids.users.teacher}`, { password: 'short' })).statusCode).toBe(400);
      expect((await admin.patch(`/api/users/${f.ids.users.teacher}`, { username: 'renamed' })).statusCode).toBe(400);
      expect((await f.db.select().from(users).where(eq(users.id, f.ids.users.school_admin)))[0]).toEqual(before);
    });

    it('does not let a school admin manage a region admin or someone at another school', async () => {
      const admin = await f.as('school_admin');
      expect((await admin.patch(`/api/users/${f.ids.users.region_admin}`, { displayName: '改' })).statusCode).toBe(403);
      expect((await admin.patch(`/api/users/${f.ids.users.assistant_teacher}`, { displayName: '改' })).statusCode).toBe(403);
      expect((await admin.patch('/api/users/99999', { displayName: '改' })).statusCode).toBe(404);
    });

    it("moves a student to another school with her profile, and her grant with it", async () => {
      const sys = await f.as('system_admin');
      const created = await sys.post('/api/users', {
        username: 'moving.student',
        displayName: '转学生',
        grants: [{ role: 'student', schoolId: f.ids.teachingPointId }],
        student: { schoolId: f.ids.teachingPointId, grade: 4, className: '', homeDelivery: false },
      });
      const id = created.json().id;
      const moved = await sys.patch(`/api/users/${id}`, { student: { schoolId: f.ids.leadSchoolId, grade: 4, className: '四(2)', homeDelivery: false } });
      expect(moved.json().grants).toEqual([expect.objectContaining({ role: 'student', schoolId: f.ids.leadSchoolId })]);
      expect((await f.db.select().from(studentProfiles).where(eq(studentProfiles.userId, id)))[0]?.schoolId).toBe(f.ids.leadSchoolId);
      // A teacher has no student profile to edit.
      expect((await sys.patch(`/api/users/${f.ids.users.teacher}`, { student: { schoolId: f.ids.leadSchoolId, grade: 1, className: '', homeDelivery: false } })).statusCode).toBe(400);
    });
  });

  describe('grants', () => {
    it('adds and removes a grant, refusing a duplicate (409) and the last grant (400)', async () => {
      const id = await f.addUser('two.roles', 'teacher', { schoolId: f.ids.leadSchoolId });
      const admin = await f.as('region_admin');
      const added = await admin.post(`/api/users/${id}/grants`, { role: 'assistant_teacher', schoolId: f.ids.teachingPointId });
      expect(added.statusCode).toBe(201);
      expect(added.json().grants).toHaveLength(2);
      expect((await admin.post(`/api/users/${id}/grants`, { role: 'assistant_teacher', schoolId: f.ids.teachingPointId })).statusCode).toBe(409);
      const grantId = added.json().grants.find((g: { role: string }) => g.role === 'assistant_teacher').id;
      const removed = await admin.delete(`/api/users/${id}/grants/${grantId}`);
      expect(removed.json().grants.map((g: { role: string }) => g.role)).toEqual(['teacher']);
      const last = (await f.db.select().from(roleGrants).where(eq(roleGrants.userId, id)))[0];
      expect((await admin.delete(`/api/users/${id}/grants/${last?.id}`)).statusCode).toBe(400);
      expect((await admin.delete(`/api/users/${id}/grants/99999`)).statusCode).toBe(404);
    });

    it('refuses adding a grant the caller may not hand out', async () => {
      const id = await f.addUser('wants.more', 'teacher', { schoolId: f.ids.leadSchoolId });
      const admin = await f.as('school_admin');
      expect((await admin.post(`/api/users/${id}/grants`, { role: 'group_admin', groupId: f.ids.groupId })).statusCode).toBe(403);
      expect(await f.db.select().from(roleGrants).where(eq(roleGrants.userId, id))).toHaveLength(1);
    });
  });
});
