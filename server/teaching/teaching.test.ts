import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { addDays, isoWeekday, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { courses, scheduledLessons, studentProfiles, terms, timetableSlots } from '../db/schema/index.js';

const today = () => shanghaiDate(new Date());

describe('teaching API', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const courseBody = (overrides: Record<string, unknown> = {}) => ({
    termId: f.ids.termId,
    schoolId: f.ids.leadSchoolId,
    name: '三年级美术',
    subject: 'art',
    grade: 3,
    kind: 'delivered',
    leadTeacherId: f.ids.users.teacher,
    hostClassroomId: f.ids.hostClassroomId,
    receivers: [{ classroomId: f.ids.receivingClassroomId, assistantTeacherId: f.ids.users.assistant_teacher, expectedStudents: 10 }],
    studentIds: [f.ids.users.student],
    ...overrides,
  });
  /** The group admin sets up a course from her lead school to her teaching point (the main use). */
  const groupCourse = async (name: string): Promise<number> => (await (await f.as('group_admin')).post('/api/courses', courseBody({ name }))).json().id;
  const lessonsOf = (courseId: number) =>
    f.db.select().from(scheduledLessons).where(eq(scheduledLessons.courseId, courseId)).orderBy(asc(scheduledLessons.startsAt));

  describe('terms', () => {
    it('lets a region admin create and rename a term, refusing a duplicate name with 409', async () => {
      const admin = await f.as('region_admin');
      const created = await admin.post('/api/terms', { regionId: f.ids.regionId, name: '2027 春季学期', startsOn: '2027-02-22', endsOn: '2027-07-09' });
      expect(created.statusCode).toBe(201);
      const renamed = await admin.patch(`/api/terms/${created.json().id}`, { name: '2027 年春季学期' });
      expect(renamed.json()).toMatchObject({ name: '2027 年春季学期', startsOn: '2027-02-22' });
      expect((await admin.post('/api/terms', { regionId: f.ids.regionId, name: '本学期', startsOn: '2027-02-22', endsOn: '2027-07-09' })).statusCode).toBe(409);
    });

    it.each([
      ['a day that does not exist', { startsOn: '2027-02-30', endsOn: '2027-07-09' }],
      ['an end before the start', { startsOn: '2027-07-09', endsOn: '2027-02-22' }],
      ['a term of two years', { startsOn: '2027-01-01', endsOn: '2029-01-01' }],
      ['a date in another format', { startsOn: '22/02/2027', endsOn: '2027-07-09' }],
    ])('refuses %s with 400 and creates nothing', async (_case, dates) => {
      const before = await f.db.select().from(terms);
      const res = await (await f.as('region_admin')).post('/api/terms', { regionId: f.ids.regionId, name: '坏学期', ...dates });
      expect(res.statusCode).toBe(400);
      expect(await f.db.select().from(terms)).toEqual(before);
    });

    it('shows terms to the admins inside the region only', async () => {
      const names = async (who: 'group_admin' | 'school_admin' | 'other_region_admin') =>
        (await (await f.as(who)).get('/api/terms')).json().map((t: { id: number }) => t.id);
      expect(await names('group_admin')).toContain(f.ids.termId);
      expect(await names('school_admin')).toContain(f.ids.termId);
      expect(await names('other_region_admin')).toEqual([]);
      expect((await (await f.as('teacher')).get('/api/terms')).statusCode).toBe(403);
      expect((await (await f.as('group_admin')).post('/api/terms', { regionId: f.ids.regionId, name: '集团学期', startsOn: '2027-02-22', endsOn: '2027-07-09' })).statusCode).toBe(403);
    });
  });

  describe('courses', () => {
    it('lets the group admin create a course from her lead school to her teaching point', async () => {
      const res = await (await f.as('group_admin')).post('/api/courses', courseBody());
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        name: '三年级美术',
        leadTeacherName: '王老师',
        active: true,
        receivers: [{ classroomId: f.ids.receivingClassroomId, classroomName: '教学点教室', schoolName: '石门教学点', assistantTeacherName: '李老师', expectedStudents: 10 }],
        studentIds: [f.ids.users.student],
      });
    });

    it.each([
      ['a lead teacher who is not a teacher', { leadTeacherId: 'assistant' }, '/leadTeacherId'],
      ['a host classroom of another school', { hostClassroomId: 'receiving' }, '/hostClassroomId'],
      ['a receiver that is not a receiving classroom', { hostClassroomId: null, receivers: [{ classroomId: 'host', assistantTeacherId: null, expectedStudents: 0 }] }, '/receivers/0/classroomId'],
      ['a receiver in another region', { receivers: [{ classroomId: 'other', assistantTeacherId: null, expectedStudents: 0 }] }, '/receivers/0/classroomId'],
      ['an assistant who is not an assistant teacher there', { receivers: [{ classroomId: 'receiving', assistantTeacherId: 'teacher', expectedStudents: 0 }] }, '/receivers/0/assistantTeacherId'],
      ['a student without a student profile', { studentIds: ['teacher'] }, '/studentIds/0'],
      ['a term of another region', { termId: 'otherTerm' }, '/termId'],
    ])('refuses %s with 400 naming the field, creating nothing', async (_case, overrides, path) => {
      const otherTerm = (await f.db.insert(terms).values({ regionId: f.ids.otherRegionId, name: `邻县学期 ${_case}`, startsOn: '2027-02-22', endsOn: '2027-07-09' }).returning())[0]!;
      const refs: Record<string, number> = {
        assistant: f.ids.users.assistant_teacher,
        teacher: f.ids.users.teacher,
        receiving: f.ids.receivingClassroomId,
        host: f.ids.hostClassroomId,
        other: f.ids.otherClassroomId,
        otherTerm: otherTerm.id,
      };
      const resolve = (value: unknown): unknown =>
        typeof value === 'string' && value in refs ? refs[value] : Array.isArray(value) ? value.map(resolve) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)])) : value;
      const before = (await f.db.select().from(courses)).length;
      const res = await (await f.as('system_admin')).post('/api/courses', courseBody(Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, resolve(v)]))));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].path).toBe(path);
      expect(await f.db.select().from(courses)).toHaveLength(before);
    });

    it.each([
      ['a receiving classroom of another school', { receivers: [{ classroomId: 'receiving', assistantTeacherId: null, expectedStudents: 10 }], studentIds: [] }, '/receivers/0/classroomId'],
      ['a student of another school', { receivers: [], studentIds: ['student'] }, '/studentIds/0'],
    ])("refuses the host school's admin %s with 403 naming the field, creating nothing", async (_case, overrides, path) => {
      const refs: Record<string, number> = { receiving: f.ids.receivingClassroomId, student: f.ids.users.student };
      const resolve = (value: unknown): unknown =>
        typeof value === 'string' && value in refs ? refs[value] : Array.isArray(value) ? value.map(resolve) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)])) : value;
      const before = (await f.db.select().from(courses)).length;
      const res = await (await f.as('school_admin')).post('/api/courses', courseBody(resolve(overrides) as Record<string, unknown>));
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'out_of_reach', message: expect.stringContaining('不在您管理的范围内'), details: [{ path }] });
      expect(await f.db.select().from(courses)).toHaveLength(before);
      // Within her own school she may set a course up.
      expect((await (await f.as('school_admin')).post('/api/courses', courseBody({ name: `本校课程 ${_case}`, receivers: [], studentIds: [] }))).statusCode).toBe(201);
    });

    it("lets the host school's admin edit a course the group set up, keeping its receiver and students, but not enrol more", async () => {
      const id = await groupCourse('集团课程');
      const admin = await f.as('school_admin');
      const kept = await admin.patch(`/api/courses/${id}`, { receivers: [{ classroomId: f.ids.receivingClassroomId, assistantTeacherId: f.ids.users.assistant_teacher, expectedStudents: 14 }], studentIds: [f.ids.users.student] });
      expect(kept.statusCode).toBe(200);
      const stranger = await f.addUser('tp.student2', 'student', { schoolId: f.ids.teachingPointId });
      await f.db.insert(studentProfiles).values({ userId: stranger, schoolId: f.ids.teachingPointId, grade: 3, className: '三年级', homeDelivery: false });
      const enrol = await admin.patch(`/api/courses/${id}`, { studentIds: [f.ids.users.student, stranger] });
      expect(enrol.statusCode).toBe(403);
      expect(enrol.json().error.details).toEqual([expect.objectContaining({ path: '/studentIds/1', reason: 'outside your administration' })]);
      expect((await (await f.as('group_admin')).get(`/api/courses/${id}`)).json().studentIds).toEqual([f.ids.users.student]);
    });

    it('lists the courses each person may read', async () => {
      const ids = async (who: Parameters<OrganisationFixture['as']>[0]) => (await (await f.as(who)).get('/api/courses')).json().map((c: { id: number }) => c.id);
      expect(await ids('teacher')).toContain(f.ids.courseId);
      // The student is enrolled in the course created above too; her link reaches only the one it was made for.
      expect((await ids('student')).length).toBeGreaterThan(1);
      expect(await ids('student_link')).toEqual([f.ids.courseId]);
      expect(await ids('other_region_admin')).toEqual([]);
      expect((await (await f.as('teacher')).get(`/api/courses?schoolId=${f.ids.otherSchoolId}`)).json()).toEqual([]);
      expect((await (await f.as('teacher')).get('/api/courses/99999')).statusCode).toBe(404);
    });

    it('replaces receivers and students on edit, and re-checks only what changed', async () => {
      const admin = await f.as('school_admin');
      const id = await groupCourse('待编辑课程');
      const edited = await admin.patch(`/api/courses/${id}`, { receivers: [], studentIds: [] });
      expect(edited.json()).toMatchObject({ receivers: [], studentIds: [] });
      expect((await admin.patch(`/api/courses/${id}`, { leadTeacherId: f.ids.users.student })).statusCode).toBe(400);
      expect((await admin.patch(`/api/courses/${id}`, { name: '   ' })).statusCode).toBe(400);
      expect((await f.db.select().from(courses).where(eq(courses.id, id)).limit(1))[0]?.name).toBe('待编辑课程');
      // Moving the course to a school outside her reach needs authority there.
      expect((await admin.patch(`/api/courses/${id}`, { schoolId: f.ids.teachingPointId, hostClassroomId: null })).statusCode).toBe(403);
    });
  });

  describe('timetable', () => {
    it('replaces the slots and re-plans lessons from today on, keeping past and cancelled ones', async () => {
      const admin = await f.as('school_admin');
      const id = await groupCourse('排课测试');
      const term = (await f.db.select().from(terms).where(eq(terms.id, f.ids.termId)).limit(1))[0];
      const first = await admin.put(`/api/courses/${id}/timetable`, { slots: [{ weekday: 3, period: 1, startsAt: '08:00', endsAt: '08:40' }] });
      expect(first.statusCode).toBe(200);
      const planned = await lessonsOf(id);
      // From today to the end of the term, every Wednesday at 08:00 Shanghai = 00:00 UTC.
      expect(planned.length).toBeGreaterThan(10);
      expect(planned.every((l) => isoWeekday(shanghaiDate(l.startsAt)) === 3 && l.startsAt.toISOString().endsWith('T00:00:00.000Z'))).toBe(true);
      expect(shanghaiDate(planned[0]!.startsAt) >= today()).toBe(true);
      expect(shanghaiDate(planned.at(-1)!.startsAt) <= (term?.endsOn ?? '')).toBe(true);

      // A lesson from last week (already past) and a cancelled future one.
      const past = (await f.db.insert(scheduledLessons).values({ courseId: id, startsAt: shanghaiInstant(addDays(today(), -7), '08:00'), endsAt: shanghaiInstant(addDays(today(), -7), '08:40') }).returning())[0]!;
      const cancelled = planned.at(-1)!;
      await f.db.update(scheduledLessons).set({ status: 'cancelled' }).where(eq(scheduledLessons.id, cancelled.id));

      const second = await admin.put(`/api/courses/${id}/timetable`, {
        slots: [
          { weekday: 3, period: 1, startsAt: '08:00', endsAt: '08:40' },
          { weekday: 5, period: 3, startsAt: '10:00', endsAt: '10:40' },
        ],
      });
      expect(second.json().slots.map((s: { weekday: number }) => s.weekday)).toEqual([3, 5]);
      const replanned = await lessonsOf(id);
      expect(replanned.find((l) => l.id === past.id)).toBeDefined();
      expect(replanned.filter((l) => l.startsAt.getTime() === cancelled.startsAt.getTime())).toEqual([expect.objectContaining({ id: cancelled.id, status: 'cancelled' })]);
      expect(replanned.some((l) => isoWeekday(shanghaiDate(l.startsAt)) === 5)).toBe(true);
      expect((await admin.get(`/api/courses/${id}/timetable`)).json().slots).toHaveLength(2);
    });

    it('refuses clashing or backwards slots with 400 and changes nothing', async () => {
      const admin = await f.as('school_admin');
      const slotsBefore = await f.db.select().from(timetableSlots).where(eq(timetableSlots.courseId, f.ids.courseId));
      const lessonsBefore = await lessonsOf(f.ids.courseId);
      for (const slots of [
        [{ weekday: 1, period: 1, startsAt: '08:00', endsAt: '08:40' }, { weekday: 1, period: 2, startsAt: '08:30', endsAt: '09:10' }],
        [{ weekday: 2, period: 1, startsAt: '09:00', endsAt: '08:00' }],
        [{ weekday: 8, period: 1, startsAt: '08:00', endsAt: '08:40' }],
        [{ weekday: 1, period: 1, startsAt: '8:00', endsAt: '08:40' }],
      ]) {
        expect((await admin.put(`/api/courses/${f.ids.courseId}/timetable`, { slots })).statusCode).toBe(400);
      }
      expect(await f.db.select().from(timetableSlots).where(eq(timetableSlots.courseId, f.ids.courseId))).toEqual(slotsBefore);
      expect(await lessonsOf(f.ids.courseId)).toEqual(lessonsBefore);
    });

    it('removes the planned lessons of a deactivated course and plans them again on reactivation', async () => {
      const admin = await f.as('school_admin');
      const id = await groupCourse('停课测试');
      await admin.put(`/api/courses/${id}/timetable`, { slots: [{ weekday: 2, period: 1, startsAt: '08:00', endsAt: '08:40' }] });
      const planned = (await lessonsOf(id)).length;
      await admin.patch(`/api/courses/${id}`, { active: false });
      expect(await lessonsOf(id)).toEqual([]);
      await admin.patch(`/api/courses/${id}`, { active: true });
      expect(await lessonsOf(id)).toHaveLength(planned);
    });

    it('re-plans the lessons of its courses when a term ends earlier', async () => {
      const admin = await f.as('region_admin');
      const endsOn = addDays(today(), 14);
      await admin.patch(`/api/terms/${f.ids.termId}`, { endsOn });
      const future = await f.db
        .select()
        .from(scheduledLessons)
        .where(and(eq(scheduledLessons.courseId, f.ids.courseId), gte(scheduledLessons.startsAt, shanghaiInstant(addDays(endsOn, 1)))));
      expect(future).toEqual([]);
      const past = await f.db.select().from(scheduledLessons).where(and(eq(scheduledLessons.courseId, f.ids.courseId), lt(scheduledLessons.startsAt, shanghaiInstant(today()))));
      expect(past.length).toBeGreaterThan(0);
      await admin.patch(`/api/terms/${f.ids.termId}`, { endsOn: addDays(today(), 120) });
    });
  });

  describe('GET /api/me/lessons', () => {
    const window = () => {
      const from = shanghaiInstant(today());
      return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date(from.getTime() + 14 * 86_400_000).toISOString())}`;
    };
    const fixtureLessons = async (who: Parameters<OrganisationFixture['as']>[0]) => {
      const res = await (await f.as(who)).get(`/api/me/lessons?${window()}`);
      expect(res.statusCode).toBe(200);
      return res.json().lessons.filter((l: { courseId: number }) => l.courseId === f.ids.courseId);
    };

    it.each([
      ['teacher', 'lead_teacher'],
      ['assistant_teacher', 'assistant_teacher'],
      ['classroom_device', 'receiving_classroom'],
      ['student', 'student'],
      ['student_link', 'student'],
    ] as const)('shows the %s her part in the course, sorted by start', async (who, myPart) => {
      const lessons = await fixtureLessons(who);
      // Mondays and Thursdays in two weeks: four lessons.
      expect(lessons).toHaveLength(4);
      expect(lessons.every((l: { myPart: string }) => l.myPart === myPart)).toBe(true);
      const starts = lessons.map((l: { startsAt: string }) => l.startsAt);
      expect([...starts].sort()).toEqual(starts);
      expect(lessons[0]).toMatchObject({ courseName: '三年级音乐', hostSchoolName: '城关第一小学', leadTeacherName: '王老师', receivingClassrooms: [{ name: '教学点教室' }] });
    });

    it('shows a student-link session its course only, and admins no lessons of their own', async () => {
      const link = (await (await f.as('student_link')).get(`/api/me/lessons?${window()}`)).json().lessons;
      expect(new Set(link.map((l: { courseId: number }) => l.courseId))).toEqual(new Set([f.ids.courseId]));
      expect(await fixtureLessons('region_admin')).toEqual([]);
    });

    it('refuses a window over 62 days or ending before it starts', async () => {
      const client = await f.as('teacher');
      expect((await client.get('/api/me/lessons?from=2026-09-01T00:00:00Z&to=2026-11-03T00:00:00Z')).statusCode).toBe(400);
      expect((await client.get('/api/me/lessons?from=2026-09-02T00:00:00Z&to=2026-09-01T00:00:00Z')).statusCode).toBe(400);
      expect((await client.get('/api/me/lessons?from=yesterday&to=2026-09-01T00:00:00Z')).statusCode).toBe(400);
      expect((await client.get('/api/me/lessons?from=2026-09-01T00:00:00Z&to=2026-11-02T00:00:00Z')).statusCode).toBe(200);
    });
  });
});
