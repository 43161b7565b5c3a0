import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonMaterials, MaterialView, MyMaterials } from '../../shared/api/materials.js';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import type { UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, shanghaiDate } from '../../shared/time.js';
import { courses, courseware, lessonMaterials, lessonSessions, materialOpenings, scheduledLessons } from '../db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { TestClient } from '../../test/support/app.js';

const HOUR = 3_600_000;

/*
 * The fixture's music course (lead school → the teaching point's receiving classroom, one enrolled student)
 * gets a lesson of its own 30 hours from now: the teacher attaches a document of the course (shown from 48 h
 * before, and after) and a link (preparation only, from 24 h before). The lesson is then moved in time by
 * writing its row, to see each window open and close as the server judges it.
 */
describe('materials pushed by the teaching plan', () => {
  let f: OrganisationFixture;
  let lessonId: number;
  let documentId: number;
  let foreignDocumentId: number;
  let device: TestClient;
  let otherDevice: TestClient;
  let materials: { document: MaterialView; link: MaterialView };

  const setLessonTimes = async (startsInHours: number) => {
    const startsAt = new Date(Date.now() + startsInHours * HOUR);
    await f.db.update(scheduledLessons).set({ startsAt, endsAt: new Date(startsAt.getTime() + 40 * 60_000) }).where(eq(scheduledLessons.id, lessonId));
  };
  const mine = async (client: TestClient): Promise<MyMaterials> => {
    const res = await client.get('/api/me/materials');
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as MyMaterials;
  };
  const titlesSeen = async (client: TestClient) => (await mine(client)).lessons.filter((l) => l.scheduledLessonId === lessonId).flatMap((l) => l.items.map((i) => i.title));
  const lessonView = async (): Promise<LessonMaterials> => (await (await f.as('teacher')).get(`/api/scheduled-lessons/${lessonId}/materials`)).json() as LessonMaterials;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { ids } = f;
    const startsAt = new Date(Date.now() + 30 * HOUR);
    [{ id: lessonId }] = (await f.db
      .insert(scheduledLessons)
      .values({ courseId: ids.courseId, slotId: null, startsAt, endsAt: new Date(startsAt.getTime() + 40 * 60_000), adHoc: true })
      .returning({ id: scheduledLessons.id })) as [{ id: number }];
    const doc = (courseId: number, title: string) => ({
      courseId, title, fileName: `${title}.pdf`, sourceKind: 'pdf' as const, sourceSha256: 'a'.repeat(64), sizeBytes: 1000, status: 'ready' as const, progress: 100, pdfSha256: 'a'.repeat(64), pageCount: 3, uploadedBy: ids.users.teacher,
    });
    [{ id: documentId }] = (await f.db.insert(courseware).values(doc(ids.courseId, '第三课 课件')).returning({ id: courseware.id })) as [{ id: number }];
    const [other] = await f.db
      .insert(courses)
      .values({ termId: ids.termId, schoolId: ids.leadSchoolId, name: '三年级美术', subject: 'art', grade: 3, kind: 'delivered', leadTeacherId: ids.users.teacher, hostClassroomId: ids.hostClassroomId })
      .returning({ id: courses.id });
    [{ id: foreignDocumentId }] = (await f.db.insert(courseware).values(doc(other!.id, '美术课件')).returning({ id: courseware.id })) as [{ id: number }];

    device = await f.as('classroom_device');
    // A receiving classroom of another region, paired as its own device: it receives nothing of this course.
    otherDevice = new TestClient(f.t.app);
    const code = (await (await f.as('system_admin')).post(`/api/classrooms/${ids.otherClassroomId}/pairing-code`)).json().code;
    expect((await otherDevice.post('/api/auth/pair', { code })).statusCode).toBe(200);
    await Promise.all((['teacher', 'assistant_teacher', 'student', 'region_admin', 'other_region_admin'] as const).map((p) => f.as(p)));
  });
  afterAll(async () => f.close());

  it('lets the lead teacher attach a document of the course and a link, in order', async () => {
    const teacher = await f.as('teacher');
    const doc = await teacher.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'document', coursewareId: documentId, note: '课前预习', shown: 'both', beforeHours: 48 });
    expect(doc.statusCode, doc.body).toBe(201);
    const link = await teacher.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'link', title: '歌曲示范录像', url: 'https://video.example.cn/song', note: '课前预习', shown: 'before' });
    expect(link.statusCode, link.body).toBe(201);
    materials = { document: doc.json() as MaterialView, link: link.json() as MaterialView };
    expect(materials.document).toMatchObject({ kind: 'document', title: '第三课 课件', coursewareId: documentId, position: 1, beforeHours: 48 });
    expect(materials.link).toMatchObject({ kind: 'link', title: '歌曲示范录像', position: 2, beforeHours: 24, visibleUntil: expect.any(String) });
    expect((await lessonView()).items.map((i) => i.material.id)).toEqual([materials.document.id, materials.link.id]);
  });

  it('refuses a document of another course (400), another teacher (403) and a bad link, and changes nothing', async () => {
    const teacher = await f.as('teacher');
    expect((await teacher.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'document', coursewareId: foreignDocumentId, shown: 'both' })).statusCode).toBe(400);
    expect((await teacher.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'link', title: '脚本', url: 'javascript:alert(1)', shown: 'both' })).statusCode).toBe(400);
    await f.addUser('teacher.li', 'teacher', { schoolId: f.ids.leadSchoolId });
    const li = new TestClient(f.t.app);
    expect((await li.login('teacher.li', 'fixture-password')).statusCode).toBe(200);
    expect((await li.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'link', title: '别人的', url: 'https://example.cn', shown: 'both' })).statusCode).toBe(403);
    expect((await li.delete(`/api/materials/${materials.link.id}`)).statusCode).toBe(403);
    expect((await (await f.as('region_admin')).get(`/api/scheduled-lessons/${lessonId}/materials`)).statusCode).toBe(403);
    expect(await f.db.select({ id: lessonMaterials.id }).from(lessonMaterials)).toHaveLength(2);
  });

  it('reorders only with every material of the lesson named once', async () => {
    const teacher = await f.as('teacher');
    expect((await teacher.put(`/api/scheduled-lessons/${lessonId}/materials/order`, { ids: [materials.link.id] })).statusCode).toBe(400);
    const res = await teacher.put(`/api/scheduled-lessons/${lessonId}/materials/order`, { ids: [materials.link.id, materials.document.id] });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as LessonMaterials).items.map((i) => i.material.id)).toEqual([materials.link.id, materials.document.id]);
    await teacher.put(`/api/scheduled-lessons/${lessonId}/materials/order`, { ids: [materials.document.id, materials.link.id] });
  });

  it('shows a receiving classroom only what its window has opened: the document 30 h ahead, the link not yet', async () => {
    expect(await titlesSeen(device)).toEqual(['第三课 课件']);
    expect(await titlesSeen(await f.as('assistant_teacher'))).toEqual(['第三课 课件']);
    expect(await titlesSeen(await f.as('student'))).toEqual(['第三课 课件']);
    // Not yet visible: it does not exist for the site.
    expect((await device.post(`/api/materials/${materials.link.id}/open`)).statusCode).toBe(404);
    await setLessonTimes(2);
    expect(await titlesSeen(device)).toEqual(['第三课 课件', '歌曲示范录像']);
  });

  it('shows nothing to a classroom of another course, and refuses its opening (403)', async () => {
    expect(await titlesSeen(otherDevice)).toEqual([]);
    expect((await otherDevice.post(`/api/materials/${materials.document.id}/open`)).statusCode).toBe(403);
    expect((await (await f.as('other_region_admin')).post(`/api/materials/${materials.document.id}/open`)).statusCode).toBe(403);
    expect(await f.db.select().from(materialOpenings)).toHaveLength(0);
  });

  it('records each opening, counting the first per site as opened and the rest as its count', async () => {
    const open = async (client: TestClient, id: number) => {
      const res = await client.post(`/api/materials/${id}/open`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { href: string; recorded: boolean };
    };
    expect(await open(device, materials.document.id)).toEqual({ href: `/api/courseware/${documentId}/document`, recorded: true });
    // A double click is one opening; the same device coming back later is a second one.
    expect(await open(device, materials.document.id)).toMatchObject({ recorded: false });
    await f.db.update(materialOpenings).set({ openedAt: new Date(Date.now() - 60_000) }).where(eq(materialOpenings.materialId, materials.document.id));
    expect(await open(device, materials.document.id)).toMatchObject({ recorded: true });
    // The assistant teacher opens it as the same site: her classroom.
    await open(await f.as('assistant_teacher'), materials.document.id);
    expect(await open(device, materials.link.id)).toEqual({ href: 'https://video.example.cn/song', recorded: true });
    // The lead teacher previews it: not evidence of delivery.
    expect(await open(await f.as('teacher'), materials.document.id)).toMatchObject({ recorded: false });

    const rows = await f.db.select().from(materialOpenings).where(eq(materialOpenings.materialId, materials.document.id));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.classroomId === f.ids.receivingClassroomId && r.schoolId === f.ids.teachingPointId && r.regionId === f.ids.regionId)).toBe(true);
    const [doc] = (await lessonView()).items;
    expect(doc).toMatchObject({ delivered: 2, opened: 1 });
    expect(doc!.sites.map((s) => [s.siteKind, s.openings, s.firstOpenedAt !== null])).toEqual([
      ['receiving_classroom', 3, true],
      ['student', 0, false],
    ]);
  });

  it('keeps a `before` item off the list once the lesson is over, and the `after` one on it', async () => {
    await setLessonTimes(-3);
    expect(await titlesSeen(device)).toEqual(['第三课 课件']);
    expect((await device.post(`/api/materials/${materials.link.id}/open`)).statusCode).toBe(404);
  });

  it('puts the materials in the lesson report, and its XLSX', async () => {
    const startedAt = new Date(Date.now() - 3 * HOUR);
    const [session] = await f.db
      .insert(lessonSessions)
      .values({ courseId: f.ids.courseId, scheduledLessonId: lessonId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: startedAt, endedAt: new Date(startedAt.getTime() + 40 * 60_000), endReason: 'ended_by_teacher' })
      .returning({ id: lessonSessions.id });
    const teacher = await f.as('teacher');
    const report = (await teacher.get(`/api/reports/lessons/${session!.id}`)).json() as LessonReport;
    expect(report.materials?.map((m) => [m.material.title, m.delivered, m.opened])).toEqual([
      ['第三课 课件', 2, 1],
      ['歌曲示范录像', 2, 1],
    ]);
    // A site's own report does not list the other sites' openings.
    expect(((await (await f.as('student')).get(`/api/reports/lessons/${session!.id}`)).json() as LessonReport).materials).toBeUndefined();

    const file = await teacher.get(`/api/reports/lessons/${session!.id}?format=xlsx`);
    expect(file.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('课件与资料');
    expect(sheet?.getRow(1).values).toEqual([undefined, '资料', '类型', '说明', '推送到(个接收端)', '打开的接收端', '接收端', '学校', '首次打开', '打开次数']);
    expect(sheet?.getRow(2).getCell(9).value).toBe(3);
  });

  it('counts delivered and opened per receiving classroom in the usage report and its export', async () => {
    const today = shanghaiDate(new Date());
    const query = `scope=school&id=${f.ids.teachingPointId}&from=${addDays(today, -7)}&to=${addDays(today, 1)}`;
    const admin = await f.as('region_admin');
    const report = (await admin.get(`/api/reports/usage?${query}`)).json() as UsageReport;
    expect(report.materials).toEqual({
      rows: [{ classroomId: f.ids.receivingClassroomId, classroomName: '教学点教室', schoolName: '石门教学点', delivered: 2, opened: 2, openedRate: 1 }],
      delivered: 2,
      opened: 2,
      openedRate: 1,
    });
    const csv = await admin.get(`/api/reports/usage?${query}&format=csv&table=materials`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('学校,接收教室,推送资料数,已打开,打开率(%)');
    expect(csv.body).toContain('石门教学点,教学点教室,2,2,100');
    const xlsx = await admin.get(`/api/reports/usage?${query}&format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('课件与资料')?.getRow(2).values).toEqual([undefined, '石门教学点', '教学点教室', 2, 2, 100]);
  });

  it('copies the lesson’s materials to the course’s next lesson', async () => {
    const teacher = await f.as('teacher');
    const res = await teacher.post(`/api/scheduled-lessons/${lessonId}/materials/copy-to-next`);
    expect(res.statusCode, res.body).toBe(200);
    const { scheduledLessonId, copied } = res.json() as { scheduledLessonId: number; copied: number };
    expect(copied).toBe(2);
    const [next] = await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, scheduledLessonId));
    expect(next!.startsAt.getTime()).toBeGreaterThan(Date.now() - 3 * HOUR);
    const view = (await teacher.get(`/api/scheduled-lessons/${scheduledLessonId}/materials`)).json() as LessonMaterials;
    expect(view.items.map((i) => i.material.title)).toEqual(['第三课 课件', '歌曲示范录像']);
  });

  it('takes an opened material off the lesson but keeps it, with its openings, in the report; an unopened one is deleted', async () => {
    const teacher = await f.as('teacher');
    expect((await teacher.delete(`/api/materials/${materials.link.id}`)).statusCode).toBe(204);
    expect(await f.db.select().from(materialOpenings).where(eq(materialOpenings.materialId, materials.link.id))).toHaveLength(1);
    expect((await lessonView()).items.map((i) => i.material.id)).toEqual([materials.document.id]);
    expect((await device.post(`/api/materials/${materials.link.id}/open`)).statusCode).toBe(404);
    expect((await teacher.delete(`/api/materials/${materials.link.id}`)).statusCode).toBe(404);
    const [session] = await f.db.select({ id: lessonSessions.id }).from(lessonSessions).where(eq(lessonSessions.scheduledLessonId, lessonId));
    const report = (await teacher.get(`/api/reports/lessons/${session!.id}`)).json() as LessonReport;
    expect(report.materials?.map((m) => [m.material.title, m.opened])).toEqual([
      ['第三课 课件', 1],
      ['歌曲示范录像', 1],
    ]);

    const unopened = (await teacher.post(`/api/scheduled-lessons/${lessonId}/materials`, { kind: 'link', title: '课后练习', url: 'https://example.cn/x', shown: 'after' })).json() as MaterialView;
    expect((await teacher.delete(`/api/materials/${unopened.id}`)).statusCode).toBe(204);
    expect(await f.db.select().from(lessonMaterials).where(eq(lessonMaterials.id, unopened.id))).toHaveLength(0);
  });

  it('keeps a planned lesson that carries materials when the course’s timetable is replaced', async () => {
    const teacher = await f.as('teacher');
    const startsAt = new Date(Date.now() + 50 * HOUR);
    const [planned] = await f.db
      .insert(scheduledLessons)
      .values({ courseId: f.ids.courseId, slotId: null, startsAt, endsAt: new Date(startsAt.getTime() + 40 * 60_000), adHoc: false })
      .returning({ id: scheduledLessons.id });
    const [bare] = await f.db
      .insert(scheduledLessons)
      .values({ courseId: f.ids.courseId, slotId: null, startsAt: new Date(startsAt.getTime() + 24 * HOUR), endsAt: new Date(startsAt.getTime() + 24 * HOUR + 40 * 60_000), adHoc: false })
      .returning({ id: scheduledLessons.id });
    const attached = await teacher.post(`/api/scheduled-lessons/${planned!.id}/materials`, { kind: 'document', coursewareId: documentId, shown: 'before' });
    expect(attached.statusCode, attached.body).toBe(201);
    const replaced = await (await f.as('school_admin')).put(`/api/courses/${f.ids.courseId}/timetable`, { slots: [] });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const left = await f.db.select({ id: scheduledLessons.id }).from(scheduledLessons).where(eq(scheduledLessons.courseId, f.ids.courseId));
    expect(left.map((l) => l.id)).toContain(planned!.id);
    expect(left.map((l) => l.id)).not.toContain(bare!.id);
    expect((await f.db.select().from(lessonMaterials).where(eq(lessonMaterials.scheduledLessonId, planned!.id))).map((m) => m.id)).toEqual([(attached.json() as MaterialView).id]);
  });
});
