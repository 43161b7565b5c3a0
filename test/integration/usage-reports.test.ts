import { createServer } from 'node:http';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorReport, UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, mondayOf, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { attendanceIntervals, lessonSessions, participationEvents, studentProfiles, usageSiteDays, usageWeekThreshold } from '../../server/db/schema/index.js';
import type { TongkeDb } from '../../server/db/store.js';
import { rebuildRollups, refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { purgeExpiredEvidence } from '../../server/evidence/usage/retention.js';
import { UsageReportService } from '../../server/evidence/usage/service.js';
import { onLessonFinalised } from '../../server/evidence/usage/lesson-finalised.js';
import { signBody, SIGNATURE_HEADER } from '../../server/evidence/usage/webhook.js';
import type { AuthenticatedPrincipal } from '../../server/accounts/principal.js';
import type { Access } from '../../server/core/access.js';
import { can } from '../../server/policy/policy.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { createTestApp } from '../support/app.js';
import { UsageRepository } from '../../server/evidence/usage/repository.js';

/*
 * The fixture's music course (lead school → teaching point's receiving classroom, expecting 12; one enrolled
 * student, made a home-delivery student here) has timetabled lessons Mon and Thu 09:00–09:40. Two past weeks
 * W (Monday `w`) and W+1 are reported on, with three recorded lessons written straight into the evidence
 * tables as a live lesson leaves them:
 *   L1 Mon W 09:00–09:40: teacher the whole time; the classroom 09:02–09:38 (headcount 10), 2 hands and a
 *      poll answer; the student 09:05–09:25 with one chat message.             → delivered (timetabled)
 *   L2 Thu W 09:00–09:15: the classroom 09:01–09:15 without a headcount.       → held, too short to count
 *   L3 Sun W 23:50 → Mon W+1 00:30: the classroom the whole time (headcount 12). → delivered, unscheduled;
 *      10 minutes fall in week W (its start day), 30 in week W+1.
 */
describe('usage reports over recorded lessons', () => {
  let f: OrganisationFixture;
  let w: string;
  let lessonIds: number[];
  const range = () => `from=${w}&to=${addDays(w, 13)}`;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    w = mondayOf(addDays(shanghaiDate(new Date()), -14));
    await f.db.update(studentProfiles).set({ homeDelivery: true }).where(eq(studentProfiles.userId, f.ids.users.student));
    const { ids } = f;
    const at = (day: number, time: string) => shanghaiInstant(addDays(w, day), time);
    const device = ids.users.classroom_device;
    const room = { classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId, regionId: ids.regionId };
    const host = { classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId, regionId: ids.regionId };
    lessonIds = [
      await recordLesson(f.db, ids.courseId, ids.users.teacher, at(0, '09:00'), at(0, '09:40'), [
        { participantId: 't1', userId: ids.users.teacher, siteKind: 'host', ...host, from: at(0, '09:00'), to: at(0, '09:40') },
        { participantId: 'd1', userId: device, siteKind: 'receiving_classroom', ...room, from: at(0, '09:02'), to: at(0, '09:38'), headcount: 10 },
        { participantId: 's1', userId: ids.users.student, siteKind: 'student', classroomId: null, schoolId: ids.teachingPointId, regionId: ids.regionId, from: at(0, '09:05'), to: at(0, '09:25') },
      ], [
        { participantId: 'd1', userId: device, ...room, kind: 'hand_raised', occurredAt: at(0, '09:10') },
        { participantId: 'd1', userId: device, ...room, kind: 'hand_raised', occurredAt: at(0, '09:20') },
        { participantId: 'd1', userId: device, ...room, kind: 'poll_answer', occurredAt: at(0, '09:30') },
        { participantId: 's1', userId: ids.users.student, classroomId: null, schoolId: ids.teachingPointId, regionId: ids.regionId, kind: 'chat_message', occurredAt: at(0, '09:12') },
      ]),
      await recordLesson(f.db, ids.courseId, ids.users.teacher, at(3, '09:00'), at(3, '09:15'), [
        { participantId: 't2', userId: ids.users.teacher, siteKind: 'host', ...host, from: at(3, '09:00'), to: at(3, '09:15') },
        { participantId: 'd2', userId: device, siteKind: 'receiving_classroom', ...room, from: at(3, '09:01'), to: at(3, '09:15') },
      ], []),
      await recordLesson(f.db, ids.courseId, ids.users.teacher, at(6, '23:50'), at(7, '00:30'), [
        { participantId: 't3', userId: ids.users.teacher, siteKind: 'host', ...host, from: at(6, '23:50'), to: at(7, '00:30') },
        { participantId: 'd3', userId: device, siteKind: 'receiving_classroom', ...room, from: at(6, '23:50'), to: at(7, '00:30'), headcount: 12 },
      ], []),
    ];
    for (const id of lessonIds) await refreshLessonRollups(f.db, id);
    await Promise.all((['system_admin', 'region_admin', 'group_admin', 'school_admin', 'teacher'] as const).map((p) => f.as(p)));
  });
  afterAll(async () => f.close());

  const usage = async (query: string, principal: Parameters<OrganisationFixture['as']>[0] = 'region_admin'): Promise<UsageReport> => {
    const res = await (await f.as(principal)).get(`/api/reports/usage?${query}&${range()}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as UsageReport;
  };

  it('totals a region exactly: lessons, hours, attendance, participation, teachers and subjects', async () => {
    const report = await usage(`scope=region&id=${f.ids.regionId}`);
    expect(report.deliveredMinMinutes).toBe(20);
    expect(report.totals).toEqual({
      scheduledLessons: 4,
      scheduledDelivered: 1,
      movedLessons: 0,
      cancelledLessons: 0,
      adHocLessons: 0,
      heldLessons: 3,
      deliveredLessons: 2,
      hostedLessons: 2,
      receivedLessons: 2,
      receivedHours: 1.5, // 36 + 14 + 40 minutes
      hostedHours: 1.58, // 40 + 15 + 40 minutes
      studentHours: 0.33,
      receivingClassrooms: 1,
      hoursPerClassroomWeek: 0.75,
      subjects: ['music'],
      shortageSubjects: ['music'],
      teacherCount: 2,
      teacherNames: [],
      // L1: 10 of 12 + the student; L2: no headcount (left out) + the student absent; L3: 12 of 12 + the student absent.
      attendanceExpected: 27,
      attendancePresent: 23,
      attendanceRate: 0.8519,
      homeExpected: 3,
      homePresent: 1,
      homeRate: 0.3333,
      participantsPresent: 4,
      participantsActive: 2,
      participationRate: 0.5,
      hands: 2,
      chatMessages: 1,
      pollAnswers: 1,
    });
  });

  it('lists every school of the region by group, and splits the trend at the week boundary', async () => {
    const report = await usage(`scope=region&id=${f.ids.regionId}`);
    expect(report.rows.map((r) => [r.unit.name, r.unit.groupName, r.figures.hostedLessons, r.figures.receivedLessons, r.figures.scheduledLessons, r.figures.scheduledDelivered])).toEqual([
      ['城关第一小学', '城关教育集团', 2, 0, 4, 1],
      ['石门教学点', '城关教育集团', 0, 2, 4, 1],
      ['河口中学', null, 0, 0, 0, 0],
    ]);
    expect(report.trend.map((p) => [p.key, p.figures.scheduledLessons, p.figures.heldLessons, p.figures.deliveredLessons, p.figures.receivedHours])).toEqual([
      [w, 2, 3, 2, 1], // L3 started on Sunday of W: it counts there, with its 10 minutes before midnight
      [addDays(w, 7), 2, 0, 0, 0.5],
    ]);
  });

  it('breaks a school into classrooms and its individual students, and a classroom into lessons', async () => {
    const school = await usage(`scope=school&id=${f.ids.teachingPointId}`);
    expect(school.path.map((u) => u.kind)).toEqual(['region', 'group', 'school']);
    expect(school.rows.map((r) => [r.unit.kind, r.figures.receivedLessons, r.figures.attendanceExpected, r.figures.attendancePresent])).toEqual([
      ['classroom', 2, 24, 22],
      ['students', 1, 3, 1],
    ]);
    // Teachers count at their own school: the assistant here, the lead teacher at the lead school.
    expect(school.totals.teacherNames).toEqual(['李老师']);
    expect((await usage(`scope=school&id=${f.ids.leadSchoolId}`)).totals.teacherNames).toEqual(['王老师']);

    const classroom = await usage(`scope=classroom&id=${f.ids.receivingClassroomId}`);
    expect(classroom.rows.map((r) => [r.unit.id, r.unit.lesson?.subject, r.figures.heldLessons, r.figures.deliveredLessons, r.figures.receivedHours])).toEqual([
      [lessonIds[0], 'music', 1, 1, 0.6],
      [lessonIds[1], 'music', 1, 0, 0.23],
      [lessonIds[2], 'music', 1, 1, 0.67],
    ]);
  });

  it('judges delivery by the configured minutes when the report is read', async () => {
    const service = new UsageReportService(new UsageRepository(f.db), f.t.app.tongke.places, { deliveredMinMinutes: 10 });
    const principal: AuthenticatedPrincipal = {
      userId: f.ids.users.region_admin,
      grants: [{ role: 'region_admin', regionId: f.ids.regionId, groupId: null, schoolId: null, classroomId: null }],
      courseOnly: null,
      username: 'region',
      displayName: '示范县管理员',
      locale: null,
      sessionKind: 'password',
      sessionTokenHash: '',
    };
    const access: Access = { principal, can: (action, target) => can(principal, action, target), authorize: () => undefined, canGrant: () => false };
    const report = await service.report({ scope: 'region', id: f.ids.regionId, from: w, to: addDays(w, 13) }, access, 'zh-CN');
    // L2 ran 15 minutes (the classroom 14): delivered at 10 minutes, not at 20.
    expect([report.totals.deliveredLessons, report.totals.receivedLessons, report.totals.scheduledDelivered]).toEqual([3, 3, 2]);
  });

  it('shows a teacher her own courses only, and nothing to students, devices or assistants', async () => {
    const mine = await usage(`scope=region&id=${f.ids.regionId}`, 'teacher');
    expect(mine.ownCoursesOnly).toBe(true);
    expect(mine.totals.deliveredLessons).toBe(2);
    expect(mine.rows.map((r) => r.unit.name)).toEqual(['城关第一小学', '石门教学点']);
    const status = async (principal: Parameters<OrganisationFixture['as']>[0], query: string) => (await (await f.as(principal)).get(`/api/reports/usage?${query}`)).statusCode;
    expect(await status('teacher', `scope=school&id=${f.ids.independentSchoolId}`)).toBe(403);
    expect(await status('school_admin', `scope=school&id=${f.ids.leadSchoolId}`)).toBe(200);
    expect(await status('school_admin', `scope=school&id=${f.ids.teachingPointId}`)).toBe(403);
    expect(await status('group_admin', `scope=group&id=${f.ids.groupId}`)).toBe(200);
    expect(await status('group_admin', `scope=region&id=${f.ids.regionId}`)).toBe(403);
    for (const p of ['assistant_teacher', 'student', 'classroom_device', 'student_link', 'other_region_admin'] as const) {
      expect(await status(p, `scope=classroom&id=${f.ids.receivingClassroomId}`)).toBe(403);
    }
    expect(await status('anonymous', `scope=region&id=${f.ids.regionId}`)).toBe(401);
    expect(await status('region_admin', 'scope=school&id=99999')).toBe(404);
  });

  it('measures the region against its targets, with the usage-equity figure per stage and subject coverage', async () => {
    const admin = await f.as('region_admin');
    const put = await admin.put(`/api/regions/${f.ids.regionId}/targets`, { lessonsPerWeek: 1, subjectsPerTerm: 1, attendancePct: 80, requiredSubjects: ['music', 'art'], maxCv: 5 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ requiredSubjects: ['music', 'art'], maxCv: 5 });
    const res = await admin.get(`/api/reports/indicators?regionId=${f.ids.regionId}&${range()}`);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json() as IndicatorReport;

    const point = report.schools.find((s) => s.school.id === f.ids.teachingPointId)!;
    expect(point).toMatchObject({ evaluated: true, receivedLessons: 2, lessonsPerWeek: 1, subjects: ['music'], missingRequiredSubjects: ['art'], attendanceRate: 0.8519, sharedHours: 1.5 });
    // Art was required and never delivered: not routine use yet.
    expect(point.meets).toEqual({ lessonsPerWeek: true, subjectsPerTerm: true, attendance: true, requiredSubjects: false });
    expect(point.routineUse).toBe(false);
    expect(report.schools.filter((s) => s.evaluated).map((s) => s.school.id)).toEqual([f.ids.teachingPointId]);
    expect(report.summary).toMatchObject({ evaluatedSchools: 1, routineUseSchools: 0, deliveredLessons: 2, scheduledLessons: 4 });

    // The usage-equity figure is per stage. Primary: Xᵢ = shared-lesson hours per student of the lead school
    // (95 min / 1200) and the teaching point (90 min / 18). 河口中学 (junior, 0 hours) is no longer mixed in:
    // it is the junior stage alone, where X̄ = 0 and the figure is undefined (null), so nothing is judged.
    const x = [95 / 60 / 1200, 90 / 60 / 18];
    const p = [1200, 18];
    const total = 1218;
    const mean = (p[0]! * x[0]! + p[1]! * x[1]!) / total;
    const sd = Math.sqrt(p.reduce((sum, pi, i) => sum + pi * (x[i]! - mean) ** 2, 0) / total);
    const [primary, junior] = report.usageEquity.stages;
    expect(report.usageEquity.limit).toBe(5);
    expect(primary).toMatchObject({ stage: 'primary', totalStudents: total, schools: 2 });
    expect(primary!.mean).toBeCloseTo(mean, 12);
    expect(primary!.standardDeviation).toBeCloseTo(sd, 12);
    expect(primary!.coefficientOfVariation).toBeCloseTo(sd / mean, 12);
    // Read against the region's own target (maxCv 5), never against 0.50 / 0.45.
    expect(primary!.meets).toBe(sd / mean <= 5);
    expect(junior).toMatchObject({ stage: 'junior', totalStudents: 600, schools: 1, mean: 0, coefficientOfVariation: null, meets: null });

    expect(report.matrix.subjects).toEqual(['english', 'ideology', 'science', 'pe', 'music', 'art']);
    expect(report.matrix.rows).toHaveLength(1);
    expect(report.matrix.rows[0]!.cells.find((c) => c.subject === 'music')).toEqual({ subject: 'music', scheduled: 4, delivered: 2 });
    expect(report.matrix.rows[0]!.cells.find((c) => c.subject === 'art')).toEqual({ subject: 'art', scheduled: 0, delivered: 0 });
    expect(report.trend.map((t) => [t.week, t.deliveredLessons, t.schoolsMeetingLessonTarget])).toEqual([
      [w, 2, 1],
      [addDays(w, 7), 0, 0],
    ]);

    expect((await (await f.as('group_admin')).get(`/api/reports/indicators?regionId=${f.ids.regionId}`)).statusCode).toBe(403);
    expect((await (await f.as('group_admin')).put(`/api/regions/${f.ids.regionId}/targets`, { lessonsPerWeek: 1, subjectsPerTerm: null, attendancePct: null, requiredSubjects: [], maxCv: null })).statusCode).toBe(403);
  });

  it('downloads the tables as XLSX that parses back, and as CSV with the header row in the caller’s language', async () => {
    const admin = await f.as('region_admin');
    const xlsx = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range()}&format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(String(xlsx.headers['content-disposition'])).toMatch(/^attachment; filename="usage-region-\d+-[\d-]+_[\d-]+\.xlsx"; filename\*=UTF-8''%E5%9C%A8/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['应用情况', '趋势', '课件与资料']);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['学校', '教育集团', '类型']);
    const col = header.indexOf('开课节数') + 1;
    const pointRow = [2, 3, 4].map((n) => sheet.getRow(n)).find((r) => r.getCell(1).value === '石门教学点')!;
    expect(pointRow.getCell(col).value).toBe(2);
    expect(sheet.getRow(5).getCell(1).value).toBe('合计');

    const csv = await admin.request('GET', `/api/reports/indicators?regionId=${f.ids.regionId}&${range()}&format=csv&table=matrix`, undefined, { 'accept-language': 'en' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    // The title block (what the file is) comes first, then an empty row, then the table.
    const lines = csv.body.replace(/^\ufeff/, '').trimEnd().split('\r\n\r\n')[1]!.split('\r\n');
    expect(lines[0]).toBe('School,School type,English scheduled,English delivered,Morality and Law scheduled,Morality and Law delivered,Science scheduled,Science delivered,PE and health scheduled,PE and health delivered,Music scheduled,Music delivered,Art scheduled,Art delivered');
    expect(lines[1]).toMatch(/^石门教学点,Teaching point,/);
  });

  it('rolls up idempotently, rebuilds to the same figures, and keeps roll-ups when raw evidence is purged', async () => {
    const before = await usage(`scope=region&id=${f.ids.regionId}`);
    const rows = async () => (await f.db.select().from(usageSiteDays)).length;
    const count = await rows();
    await refreshLessonRollups(f.db, lessonIds[0]!);
    await refreshLessonRollups(f.db, lessonIds[0]!);
    expect(await rows()).toBe(count);
    expect(await rebuildRollups(f.db)).toBe(3);
    expect((await usage(`scope=region&id=${f.ids.regionId}`)).totals).toEqual(before.totals);

    // Keep 1 day: every lesson here is older; their evidence goes, their roll-ups stay — also through a rebuild.
    const purge = await purgeExpiredEvidence(f.db, 1);
    expect(purge).toMatchObject({ lessons: 3 });
    expect(await f.db.select().from(attendanceIntervals)).toHaveLength(0);
    expect(await rebuildRollups(f.db)).toBe(0);
    expect(await rows()).toBe(count);
    expect((await usage(`scope=region&id=${f.ids.regionId}`)).totals).toEqual(before.totals);
  });

  it('documents the report routes under the reports tag, with Swagger UI at /api/docs', async () => {
    const spec = (await f.t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const path of ['/api/reports/usage', '/api/reports/indicators', '/api/regions/{id}/targets']) expect(spec.paths[path]?.get?.tags).toEqual(['reports']);
    const docs = await f.t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('POSTs a signed summary of a finished lesson to the report webhook (loopback)', async () => {
    const secret = 'webhook-secret-0123456789';
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    try {
      const log = f.t.app.log;
      await onLessonFinalised(f.db, { deliveredMinMinutes: 20, reportWebhookUrl: `http://127.0.0.1:${address.port}/hook`, reportWebhookSecret: secret }, log)(lessonIds[2]!);
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      const { body, signature } = received[0]!;
      expect(signature).toBe(signBody(body, secret));
      expect(JSON.parse(body)).toMatchObject({ event: 'lesson.report.final', lessonSessionId: lessonIds[2], lessonMinutes: 40, delivered: true });
    } finally {
      server.close();
    }
  });
});

describe('the week roll-ups at start', () => {
  it('are counted with the configured delivered threshold before the app serves reports', async () => {
    const t = await createTestApp({ deliveredMinMinutes: 7 });
    try {
      expect(await t.database.db.select().from(usageWeekThreshold)).toEqual([{ id: 1, deliveredSeconds: 7 * 60 }]);
    } finally {
      await t.close();
    }
  });
});

interface Interval {
  participantId: string;
  userId: number;
  siteKind: 'host' | 'receiving_classroom' | 'student';
  classroomId: number | null;
  schoolId: number;
  regionId: number;
  from: Date;
  to: Date;
  headcount?: number;
}
interface Act {
  participantId: string;
  userId: number;
  classroomId: number | null;
  schoolId: number;
  regionId: number;
  kind: 'hand_raised' | 'chat_message' | 'poll_answer';
  occurredAt: Date;
}

/** A finished lesson session and its evidence rows, as the capture recorder leaves them. */
async function recordLesson(db: TongkeDb, courseId: number, teacherId: number, startedAt: Date, endedAt: Date, intervals: Interval[], acts: Act[]): Promise<number> {
  const [lesson] = await db.insert(lessonSessions).values({ courseId, startedBy: teacherId, startedAt, endedAt, endedBy: teacherId, endReason: 'ended_by_teacher', lastHeartbeatAt: endedAt }).returning();
  if (!lesson) throw new Error('no lesson session was inserted');
  for (const i of intervals) {
    await db.insert(attendanceIntervals)
      .values({
        lessonSessionId: lesson.id,
        participantId: i.participantId,
        userId: i.userId,
        siteKind: i.siteKind,
        classroomId: i.classroomId,
        schoolId: i.schoolId,
        regionId: i.regionId,
        joinedAt: i.from,
        leftAt: i.to,
        leaveReason: 'lesson_ended',
        headcount: i.headcount ?? null,
        lastHeartbeatAt: i.to,
      });
  }
  for (const a of acts) await db.insert(participationEvents).values({ lessonSessionId: lesson.id, ...a });
  return lesson.id;
}
