import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { classrooms, educationGroups, regions, schools, sessions } from '../db/schema/index.js';

const schoolBody = (regionId: number, name: string, groupId: number | null = null) => ({
  regionId,
  groupId,
  name,
  groupRole: 'member',
  locality: 'rural',
  stage: 'primary',
  studentCount: 80,
});

describe('organisation API', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  describe('GET /api/organisation', () => {
    it('shows a system admin everything', async () => {
      const tree = (await (await f.as('system_admin')).get('/api/organisation')).json();
      expect(tree.regions.map((r: { name: string }) => r.name).sort()).toEqual(['示范县', '邻县'].sort());
      expect(tree.schools).toHaveLength(4);
      expect(tree.classrooms).toHaveLength(3);
    });

    it('shows a region admin her region only', async () => {
      const tree = (await (await f.as('region_admin')).get('/api/organisation')).json();
      expect(tree.regions.map((r: { id: number }) => r.id)).toEqual([f.ids.regionId]);
      expect(tree.groups.map((g: { id: number }) => g.id).sort()).toEqual([f.ids.groupId, f.ids.otherGroupId].sort());
      expect(tree.schools.map((s: { id: number }) => s.id).sort()).toEqual([f.ids.leadSchoolId, f.ids.teachingPointId, f.ids.independentSchoolId].sort());
      expect(tree.classrooms.map((c: { id: number }) => c.id).sort()).toEqual([f.ids.hostClassroomId, f.ids.receivingClassroomId].sort());
    });

    it("shows a group admin her group's schools and classrooms, her group and its region", async () => {
      const tree = (await (await f.as('group_admin')).get('/api/organisation')).json();
      expect(tree.regions.map((r: { id: number }) => r.id)).toEqual([f.ids.regionId]);
      expect(tree.groups.map((g: { id: number }) => g.id)).toEqual([f.ids.groupId]);
      expect(tree.schools.map((s: { id: number }) => s.id).sort()).toEqual([f.ids.leadSchoolId, f.ids.teachingPointId].sort());
      expect(tree.classrooms).toHaveLength(2);
    });

    it('shows a school admin her school and its classrooms, with her region and group as context', async () => {
      const tree = (await (await f.as('school_admin')).get('/api/organisation')).json();
      expect(tree.regions.map((r: { id: number }) => r.id)).toEqual([f.ids.regionId]);
      expect(tree.groups.map((g: { id: number }) => g.id)).toEqual([f.ids.groupId]);
      expect(tree.schools.map((s: { id: number }) => s.id)).toEqual([f.ids.leadSchoolId]);
      expect(tree.classrooms.map((c: { id: number }) => c.id)).toEqual([f.ids.hostClassroomId]);
    });

    it('refuses people without an administrator grant', async () => {
      for (const who of ['teacher', 'student', 'classroom_device'] as const) {
        expect((await (await f.as(who)).get('/api/organisation')).statusCode).toBe(403);
      }
      expect((await (await f.as('anonymous')).get('/api/organisation')).statusCode).toBe(401);
    });

    it('reports a classroom as paired while its device is signed in', async () => {
      await f.as('classroom_device');
      const tree = (await (await f.as('region_admin')).get('/api/organisation')).json();
      const receiving = tree.classrooms.find((c: { id: number }) => c.id === f.ids.receivingClassroomId);
      const host = tree.classrooms.find((c: { id: number }) => c.id === f.ids.hostClassroomId);
      expect(receiving.devicePaired).toBe(true);
      expect(host.devicePaired).toBe(false);
    });
  });

  describe('regions', () => {
    it('lets the system admin create, rename and deactivate a region, and refuses a duplicate code with 409', async () => {
      const sys = await f.as('system_admin');
      const created = await sys.post('/api/regions', { name: '山南县', code: 'shannan' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: '山南县', code: 'shannan', active: true });
      const id = created.json().id;
      const renamed = await sys.patch(`/api/regions/${id}`, { name: '山南区', active: false });
      expect(renamed.json()).toMatchObject({ id, name: '山南区', active: false });
      const duplicate = await sys.post('/api/regions', { name: '另一个', code: 'shannan' });
      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.json().error).toMatchObject({ code: 'conflict', details: { field: 'code' } });
    });

    it('refuses a malformed body with 400 and changes nothing', async () => {
      const sys = await f.as('system_admin');
      const before = await f.db.select().from(regions);
      const res = await sys.post('/api/regions', { name: '坏', code: 'Not A Code' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('bad_request');
      expect((await sys.patch(`/api/regions/${f.ids.regionId}`, { name: '   ' })).statusCode).toBe(400);
      expect((await sys.patch(`/api/regions/${f.ids.regionId}`, { code: 'renamed' })).statusCode).toBe(400);
      expect(await f.db.select().from(regions)).toEqual(before);
    });

    it('answers 404 for a region that does not exist', async () => {
      expect((await (await f.as('system_admin')).patch('/api/regions/99999', { name: '无' })).statusCode).toBe(404);
    });
  });

  describe('education groups', () => {
    it('lets a region admin create a group whose lead school joins it, then change the lead school', async () => {
      const admin = await f.as('region_admin');
      const school = (await admin.post('/api/schools', schoolBody(f.ids.regionId, '北山小学'))).json();
      const created = await admin.post('/api/groups', { regionId: f.ids.regionId, name: '北山教育集团', leadSchoolId: school.id });
      expect(created.statusCode).toBe(201);
      const group = created.json();
      expect(group).toMatchObject({ leadSchoolId: school.id, active: true });
      expect((await f.db.select().from(schools).where(eq(schools.id, school.id)))[0]).toMatchObject({ groupId: group.id, groupRole: 'lead' });

      const member = (await admin.post('/api/schools', schoolBody(f.ids.regionId, '北山二小', group.id))).json();
      const changed = await admin.patch(`/api/groups/${group.id}`, { leadSchoolId: member.id });
      expect(changed.json().leadSchoolId).toBe(member.id);
      expect((await f.db.select().from(schools).where(eq(schools.id, school.id)))[0]?.groupRole).toBe('member');

      // A school leaving the group it leads leaves the group without a lead school.
      await admin.patch(`/api/schools/${member.id}`, { groupId: null });
      expect((await f.db.select().from(educationGroups).where(eq(educationGroups.id, group.id)))[0]?.leadSchoolId).toBeNull();
    });

    it('refuses a lead school of another region or another group, and a duplicate name with 409', async () => {
      const sys = await f.as('system_admin');
      const otherRegion = await sys.post('/api/groups', { regionId: f.ids.regionId, name: '跨县集团', leadSchoolId: f.ids.otherSchoolId });
      expect(otherRegion.statusCode).toBe(400);
      expect(JSON.stringify(otherRegion.json().error.details)).toContain('leadSchoolId');
      const otherGroup = await sys.post('/api/groups', { regionId: f.ids.regionId, name: '抢龙头集团', leadSchoolId: f.ids.leadSchoolId });
      expect(otherGroup.statusCode).toBe(400);
      const duplicate = await sys.post('/api/groups', { regionId: f.ids.regionId, name: '城关教育集团' });
      expect(duplicate.statusCode).toBe(409);
      expect((await f.db.select().from(educationGroups)).map((g) => g.name)).not.toContain('跨县集团');
    });

    it('filters the list by region and by what the caller may read', async () => {
      const admin = await f.as('other_region_admin');
      expect((await admin.get('/api/groups')).json()).toEqual([]);
      const sys = await f.as('system_admin');
      const inRegion = (await sys.get(`/api/groups?regionId=${f.ids.otherRegionId}`)).json();
      expect(inRegion).toEqual([]);
    });

    it('does not let a group admin create or rename groups', async () => {
      const admin = await f.as('group_admin');
      expect((await admin.post('/api/groups', { regionId: f.ids.regionId, name: '自建集团' })).statusCode).toBe(403);
      expect((await admin.patch(`/api/groups/${f.ids.groupId}`, { name: '改名' })).statusCode).toBe(403);
    });
  });

  describe('schools', () => {
    it('lets a group admin add a school to her group but not outside it', async () => {
      const admin = await f.as('group_admin');
      const created = await admin.post('/api/schools', schoolBody(f.ids.regionId, '集团新校', f.ids.groupId));
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ groupId: f.ids.groupId, studentCount: 80, active: true });
      expect((await admin.post('/api/schools', schoolBody(f.ids.regionId, '集团外新校'))).statusCode).toBe(403);
      // Nor move one of her schools out of the group.
      expect((await admin.patch(`/api/schools/${created.json().id}`, { groupId: null })).statusCode).toBe(403);
    });

    it('refuses a group of another region with 400, a duplicate name with 409, and deactivates', async () => {
      const sys = await f.as('system_admin');
      const wrongGroup = await sys.post('/api/schools', schoolBody(f.ids.otherRegionId, '错集团', f.ids.groupId));
      expect(wrongGroup.statusCode).toBe(400);
      expect(wrongGroup.json().error.details).toEqual([expect.objectContaining({ path: '/groupId', reason: "not a group of the school's region" })]);
      expect((await sys.post('/api/schools', schoolBody(f.ids.regionId, '河口中学'))).statusCode).toBe(409);
      expect((await sys.patch(`/api/schools/${f.ids.independentSchoolId}`, { name: '城关第一小学' })).statusCode).toBe(409);
      const deactivated = await sys.patch(`/api/schools/${f.ids.independentSchoolId}`, { active: false });
      expect(deactivated.json()).toMatchObject({ active: false, name: '河口中学' });
      await sys.patch(`/api/schools/${f.ids.independentSchoolId}`, { active: true });
    });

    it('lists schools filtered by group', async () => {
      const list = (await (await f.as('region_admin')).get(`/api/schools?groupId=${f.ids.groupId}`)).json();
      expect(list.map((s: { id: number }) => s.id).sort()).toEqual(
        (await f.db.select().from(schools).where(eq(schools.groupId, f.ids.groupId))).map((s) => s.id).sort(),
      );
    });

    it('refuses a bad enum value with 400 and answers 404 for an unknown school', async () => {
      const sys = await f.as('system_admin');
      expect((await sys.post('/api/schools', { ...schoolBody(f.ids.regionId, '坏学校'), stage: 'university' })).statusCode).toBe(400);
      expect((await f.db.select().from(schools).where(eq(schools.name, '坏学校')))[0]).toBeUndefined();
      expect((await sys.patch('/api/schools/99999', { name: '无' })).statusCode).toBe(404);
    });
  });

  describe('classrooms', () => {
    it('lets a school admin add, rename and deactivate a classroom of her school only', async () => {
      const admin = await f.as('school_admin');
      const created = await admin.post('/api/classrooms', { schoolId: f.ids.leadSchoolId, name: '录播教室' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ receiving: true, multimedia: true, active: true, devicePaired: false });
      const edited = await admin.patch(`/api/classrooms/${created.json().id}`, { name: '录播教室一', active: false });
      expect(edited.json()).toMatchObject({ name: '录播教室一', active: false });
      expect((await admin.post('/api/classrooms', { schoolId: f.ids.teachingPointId, name: '别校教室' })).statusCode).toBe(403);
      expect((await admin.get(`/api/classrooms?schoolId=${f.ids.teachingPointId}`)).json()).toEqual([]);
    });

    it('refuses a duplicate name in the same school with 409 and an unknown school with 400', async () => {
      const sys = await f.as('system_admin');
      const before = (await f.db.select().from(classrooms)).length;
      const duplicate = await sys.post('/api/classrooms', { schoolId: f.ids.leadSchoolId, name: '三年级(1)班' });
      expect(duplicate.statusCode).toBe(409);
      expect((await sys.post('/api/classrooms', { schoolId: 99999, name: '无校' })).statusCode).toBe(400);
      expect((await sys.post('/api/classrooms', { schoolId: f.ids.leadSchoolId, name: '多余字段', extra: 1 })).statusCode).toBe(400);
      expect(await f.db.select().from(classrooms)).toHaveLength(before);
    });

    it('reports unpaired after the device is unpaired', async () => {
      const sys = await f.as('system_admin');
      await f.as('classroom_device');
      await sys.delete(`/api/classrooms/${f.ids.receivingClassroomId}/device`);
      expect((await f.db.select().from(sessions)).some((s) => s.kind === 'device')).toBe(false);
      const list = (await sys.get(`/api/classrooms?schoolId=${f.ids.teachingPointId}`)).json();
      expect(list[0].devicePaired).toBe(false);
    });
  });
});
