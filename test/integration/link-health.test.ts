import ExcelJS from 'exceljs';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkHealthReport } from '../../shared/api/link-health.js';
import { addDays, mondayOf, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { linkHealthDays, qualitySamples } from '../../server/db/schema/index.js';
import { refreshLessonRollups } from '../../server/evidence/usage/maintain.js';
import { purgeExpiredEvidence } from '../../server/evidence/usage/retention.js';
import { onLessonFinalised } from '../../server/evidence/usage/lesson-finalised.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture, type RecordedSite } from '../support/fixtures.js';

/*
 * The fixture's music course reaches the teaching point's receiving classroom. Three finished lessons of two
 * weeks ago, with quality samples every 5 s as the evidence recorder writes them:
 *   L1 Mon W 09:00: the classroom 120 samples (10 min): the first 48 poor (700 ms, 10 % loss), then 100 ms / 1 %;
 *      the host's samples, all poor, are not a receiving classroom's and must not count.
 *   L2 Thu W 09:00: the classroom 60 samples (5 min) at 50 ms / 0 %.
 *   L3 Fri W 09:00: the classroom 12 samples (1 min), all poor (900 ms, 0 %) — never rolled up before the purge.
 */
describe('link health per receiving classroom over the term', () => {
  let f: OrganisationFixture;
  let w: string;
  let lessons: number[];
  const url = (query: string) => `/api/reports/link-health?${query}&from=${w}&to=${addDays(w, 13)}`;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    w = mondayOf(addDays(shanghaiDate(new Date()), -14));
    const { ids } = f;
    const room: RecordedSite = { participantId: 'room', userId: ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId };
    const host: RecordedSite = { participantId: 'host', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId };
    const record = async (day: number, samples: Array<{ site: RecordedSite; rttMs: number; packetLossPct: number }>) => {
      const startedAt = shanghaiInstant(addDays(w, day), '09:00');
      const id = await recordFinishedLesson(f, startedAt, [room, host]);
      const bySite = new Map<string, number>();
      const rows = samples.map(({ site, rttMs, packetLossPct }) => {
        const n = bySite.get(site.participantId) ?? 0;
        bySite.set(site.participantId, n + 1);
        return { lessonSessionId: id, participantId: site.participantId, classroomId: site.classroomId, schoolId: site.schoolId, sampledAt: new Date(startedAt.getTime() + n * 5000), rttMs, packetLossPct, recvBitrate: 500_000, sendBitrate: 300_000, consumerScore: 10 };
      });
      for (let i = 0; i < rows.length; i += 50) await f.db.insert(qualitySamples).values(rows.slice(i, i + 50));
      return id;
    };
    const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);
    lessons = [
      await record(0, [...times(48, { site: room, rttMs: 700, packetLossPct: 10 }), ...times(72, { site: room, rttMs: 100, packetLossPct: 1 }), ...times(20, { site: host, rttMs: 900, packetLossPct: 30 })]),
      await record(3, times(60, { site: room, rttMs: 50, packetLossPct: 0 })),
      await record(4, times(12, { site: room, rttMs: 900, packetLossPct: 0 })),
    ];
    // The evidence recorder's hook once a lesson's evidence is written, for L1 and L2; L3's "was lost".
    const finalised = onLessonFinalised(f.db, { deliveredMinMinutes: 20, reportWebhookUrl: '', reportWebhookSecret: '' }, f.t.app.log);
    await finalised(lessons[0]!);
    await finalised(lessons[1]!);
  });
  afterAll(async () => {
    await f?.close();
  });

  const report = async (query: string, principal: Parameters<OrganisationFixture['as']>[0] = 'region_admin'): Promise<LinkHealthReport> => {
    const res = await (await f.as(principal)).get(url(query));
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('rolls a lesson’s samples up per receiving classroom and day, leaving the host out', async () => {
    const rows = await f.db.select().from(linkHealthDays).orderBy(asc(linkHealthDays.day));
    const place = { classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId, groupId: f.ids.groupId, regionId: f.ids.regionId };
    expect(rows.map(({ id: _id, ...row }) => row)).toEqual([
      // 120 samples × 5 s = 600 s, 48 poor = 240 s; median round trip 100 ms; loss 48 × 10 + 72 × 1 = 552 over 120.
      { lessonSessionId: lessons[0], day: w, ...place, sampledSeconds: 600, poorSeconds: 240, samples: 120, rttSamples: 120, rttMedianMs: 100, lossSamples: 120, lossSumPct: 552, lossMedianPct: 1 },
      { lessonSessionId: lessons[1], day: addDays(w, 3), ...place, sampledSeconds: 300, poorSeconds: 0, samples: 60, rttSamples: 60, rttMedianMs: 50, lossSamples: 60, lossSumPct: 0, lossMedianPct: 0 },
    ]);
  });

  it('shows the region admin the classroom’s figures over the period, and its weekly trend', async () => {
    const r = await report(`scope=region&id=${f.ids.regionId}`);
    expect(r.unit.name).toBe('示范县');
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ classroomId: f.ids.receivingClassroomId, schoolName: '石门教学点', classroomName: '教学点教室' });
    // 900 s sampled, 240 s poor; the 600 s day's median (100 ms over 120 samples) outweighs the other's (50 ms over 60).
    expect(r.rows[0]!.figures).toEqual({ sampledMinutes: 15, poorPct: 26.7, medianRttMs: 100, meanLossPct: 3.07, medianLossPct: 1, lessonDays: 2 });
    expect(r.rows[0]!.trend).toEqual([{ week: w, figures: r.rows[0]!.figures }]);
  });

  it('keeps the figures when the raw evidence is purged, rolling up first a lesson that never was', async () => {
    const before = await report(`scope=region&id=${f.ids.regionId}`);
    const purged = await purgeExpiredEvidence(f.db, 7);
    expect(purged?.lessons).toBe(3);
    expect(await f.db.select().from(qualitySamples)).toEqual([]);
    const after = await report(`scope=region&id=${f.ids.regionId}`);
    // L3 (1 minute, all poor, no loss) was rolled up from its samples just before they went: 960 s, 300 s poor, 552 % over 192 samples.
    expect(after.rows[0]!.figures).toEqual({ ...before.rows[0]!.figures, sampledMinutes: 16, poorPct: 31.3, meanLossPct: 2.88, lessonDays: 3 });
    expect(await f.db.select().from(linkHealthDays).where(eq(linkHealthDays.lessonSessionId, lessons[2]!))).toHaveLength(1);
    // A refresh after the purge (late evidence, a rebuild) leaves the kept rows alone.
    await refreshLessonRollups(f.db, lessons[0]!);
    expect((await report(`scope=region&id=${f.ids.regionId}`)).rows[0]!.figures).toEqual(after.rows[0]!.figures);
  });

  it('is for the unit’s administrators only: another region’s admin is refused, a school admin sees her school’s classrooms only', async () => {
    expect((await (await f.as('other_region_admin')).get(url(`scope=region&id=${f.ids.regionId}`))).statusCode).toBe(403);
    expect((await (await f.as('school_admin')).get(url(`scope=region&id=${f.ids.regionId}`))).statusCode).toBe(403);
    expect((await (await f.as('school_admin')).get(url(`scope=school&id=${f.ids.teachingPointId}`))).statusCode).toBe(403);
    expect((await (await f.as('teacher')).get(url(`scope=school&id=${f.ids.teachingPointId}`))).statusCode).toBe(403);
    expect((await (await f.as('region_admin')).get(url('scope=school&id=999999'))).statusCode).toBe(404);
    // The lead school's admin: her school has no receiving classroom with samples.
    expect((await report(`scope=school&id=${f.ids.leadSchoolId}`, 'school_admin')).rows).toEqual([]);
    await f.addUser('tp-admin', 'school_admin', { schoolId: f.ids.teachingPointId });
    const client = await f.as('anonymous');
    expect((await client.login('tp-admin', 'fixture-password')).statusCode).toBe(200);
    const own = await client.get(url(`scope=school&id=${f.ids.teachingPointId}`));
    expect(own.statusCode).toBe(200);
    expect((own.json() as LinkHealthReport).rows.map((r) => r.classroomId)).toEqual([f.ids.receivingClassroomId]);
    expect((await client.get(url(`scope=school&id=${f.ids.leadSchoolId}`))).statusCode).toBe(403);
  });

  it('downloads the ranking and the trend as an XLSX workbook that reads back', async () => {
    const res = await (await f.as('group_admin')).get(url(`scope=group&id=${f.ids.groupId}&format=xlsx`));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="link-health-group-\d+-[\d-]+_[\d-]+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(workbook.title).toBe('教学点网络状况 — 城关教育集团');
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['网络较差的教学点', '每周趋势']);
    const ranking = workbook.worksheets[0]!;
    expect((ranking.getRow(1).values as unknown[]).slice(1)).toEqual(['排名', '学校/教学点', '接收教室', '上课分钟（有采样）', '网络较差时间占比(%)', '往返时延中位数(ms)', '平均丢包率(%)', '丢包率中位数(%)', '上课天数']);
    expect((ranking.getRow(2).values as unknown[]).slice(1)).toEqual([1, '石门教学点', '教学点教室', 16, 31.3, 100, 2.88, 1, 3]);
    expect((workbook.worksheets[1]!.getRow(2).values as unknown[]).slice(1, 4)).toEqual(['石门教学点', '教学点教室', w]);
  });
});
