import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorReport, UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, shanghaiDate } from '../../shared/time.js';
import { recordingViewings, recordings, studentProfiles } from '../../server/db/schema/index.js';
import { toSection } from '../../server/evaluation/usage-section.js';
import { purgeExpiredEvidence } from '../../server/evidence/usage/retention.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';

/*
 * 点播 figures in the usage reports, by the VIEWER's unit. A ready one-hour recording of the fixture course;
 * two viewers watch it today:
 *   the teaching point's student (a 送教上门 student here): [0, 600] then [300, 900] → 900 s (300 s re-watched, once);
 *   the lead school's teacher: [0, 1800] → 1800 s.
 * Region: 2 views, 2 viewers, 0.75 h, of which home delivery 0.25 h.
 */
describe('usage reports with replays of recordings', () => {
  let f: OrganisationFixture;
  const today = shanghaiDate(new Date());
  const range = `from=${addDays(today, -6)}&to=${today}`;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    await f.db.update(studentProfiles).set({ homeDelivery: true }).where(eq(studentProfiles.userId, f.ids.users.student));
    const lessonSessionId = await recordFinishedLesson(f, new Date(Date.now() - 3 * 86_400_000), []);
    const [row] = await f.db
      .insert(recordings)
      .values({ lessonSessionId, courseId: f.ids.courseId, title: '《茉莉花》欣赏', status: 'ready', startedAt: new Date(Date.now() - 3 * 86_400_000), durationMs: 3_600_000 })
      .returning({ id: recordings.id });
    const recordingId = row!.id;

    const watch = async (who: PrincipalKey, parts: Array<[number, number]>) => {
      const client = await f.as(who);
      const started = await client.post(`/api/recordings/${recordingId}/viewings`, { device: 'desktop', rendition: 'high' });
      expect(started.statusCode, started.body).toBe(201);
      const viewingId = Number(started.json().viewingId);
      for (const part of parts) {
        // As if the player had been playing for as long as the part lasts.
        await f.db.update(recordingViewings).set({ lastReportAt: new Date(Date.now() - (part[1] - part[0]) * 1000) }).where(eq(recordingViewings.id, viewingId));
        const res = await client.post(`/api/recording-viewings/${viewingId}`, { ranges: [part] });
        expect(res.statusCode, res.body).toBe(200);
      }
    };
    await watch('student', [[0, 600], [300, 900]]);
    await watch('teacher', [[0, 1800]]);
  });
  afterAll(async () => f.close());

  const usage = async (query: string, who: PrincipalKey = 'region_admin'): Promise<UsageReport> => {
    const res = await (await f.as(who)).get(`/api/reports/usage?${query}&${range}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as UsageReport;
  };
  const replays = (figures: UsageReport['totals']) => [figures.replayViews, figures.replayViewers, figures.replayHours, figures.homeReplayHours];

  it('totals the region’s replays beside the live figures, re-watched parts once, and puts each viewer in her own school’s row', async () => {
    const report = await usage(`scope=region&id=${f.ids.regionId}`);
    expect(replays(report.totals)).toEqual([2, 2, 0.75, 0.25]);
    // The live figures are untouched: nothing was taught in the range.
    expect([report.totals.heldLessons, report.totals.receivedHours]).toEqual([0, 0]);
    const row = (schoolId: number) => report.rows.find((r) => r.unit.id === schoolId)!.figures;
    expect(replays(row(f.ids.teachingPointId))).toEqual([1, 1, 0.25, 0.25]);
    expect(replays(row(f.ids.leadSchoolId))).toEqual([1, 1, 0.5, 0]);
    expect(report.trend.reduce((sum, p) => sum + (p.figures.replayViews ?? 0), 0)).toBe(2);
    expect(report.topRecordings).toEqual([{ recordingId: expect.any(Number), title: '《茉莉花》欣赏', courseName: '三年级音乐', schoolName: '城关第一小学', views: 2, viewers: 2, hours: 0.75 }]);
  });

  it('shows a school its students’ replays (送教上门 included) and the recordings they watched most', async () => {
    const school = await usage(`scope=school&id=${f.ids.teachingPointId}`);
    expect(replays(school.totals)).toEqual([1, 1, 0.25, 0.25]);
    expect(replays(school.rows.find((r) => r.unit.kind === 'students')!.figures)).toEqual([1, 1, 0.25, 0.25]);
    expect(school.topRecordings?.map((r) => [r.title, r.views, r.viewers, r.hours])).toEqual([['《茉莉花》欣赏', 1, 1, 0.25]]);
    const term = await usage(`scope=school&id=${f.ids.leadSchoolId}&groupBy=term`);
    expect(term.trend.map((p) => p.figures.replayHours)).toEqual([0.5]);
  });

  it('carries the replay columns in the XLSX (with a sheet of the recordings watched) and the recordings CSV', async () => {
    const admin = await f.as('region_admin');
    const xlsx = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['应用情况', '趋势', '课件与资料', '名校网络课堂点播']);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const hoursCol = header.indexOf('点播时长（小时）') + 1;
    const homeCol = header.indexOf('其中送教上门点播（小时）') + 1;
    const viewersCol = header.indexOf('点播人数') + 1;
    expect(hoursCol * homeCol * viewersCol).toBeGreaterThan(0);
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2));
    const point = rows.find((r) => r.getCell(1).value === '石门教学点')!;
    expect([point.getCell(hoursCol).value, point.getCell(homeCol).value]).toEqual([0.25, 0.25]);
    const total = rows.find((r) => r.getCell(1).value === '合计')!;
    expect([total.getCell(viewersCol).value, total.getCell(hoursCol).value]).toEqual([2, 0.75]);
    const watched = workbook.getWorksheet('名校网络课堂点播')!;
    expect((watched.getRow(2).values as unknown[]).slice(1)).toEqual(['《茉莉花》欣赏', '三年级音乐', '城关第一小学', 2, 2, 0.75]);

    const csv = await admin.request('GET', `/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=csv&table=recordings`, undefined, { 'accept-language': 'en' });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\ufeff/, '').trimEnd().split('\r\n\r\n')[1]!.split('\r\n');
    expect(lines).toEqual(['Recording,Course,Recorded at,Replay views,Replay viewers,Replay hours', '《茉莉花》欣赏,三年级音乐,城关第一小学,2,2,0.75']);
    const units = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=csv`);
    expect(units.body).toContain('点播次数');
  });

  it('puts the region’s replays in the county’s indicator report and its evaluation file', async () => {
    const res = await (await f.as('region_admin')).get(`/api/reports/indicators?regionId=${f.ids.regionId}&${range}`);
    expect(res.statusCode).toBe(200);
    const report = res.json() as IndicatorReport;
    expect(report.summary).toMatchObject({ replayViews: 2, replayViewers: 2, replayHours: 0.75, homeReplayHours: 0.25 });
    const figures = new Map(toSection(report).figures.map((fig) => [fig.key, fig.value]));
    expect([figures.get('replay_views'), figures.get('replay_viewers'), figures.get('replay_hours'), figures.get('home_replay_hours')]).toEqual([2, 2, 0.75, 0.25]);
  });

  it('keeps the figures when retention purges the raw viewings: the day roll-up stays', async () => {
    const before = await usage(`scope=region&id=${f.ids.regionId}`);
    await purgeExpiredEvidence(f.db, 1, new Date(Date.now() + 2 * 86_400_000));
    expect(await f.db.select().from(recordingViewings)).toEqual([]);
    const after = await usage(`scope=region&id=${f.ids.regionId}`);
    // (The purge also rolls up the recording's lesson, which had not been: only the replays are compared.)
    expect(replays(after.totals)).toEqual(replays(before.totals));
    expect(after.rows.map((r) => replays(r.figures))).toEqual(before.rows.map((r) => replays(r.figures)));
    expect(after.topRecordings).toEqual(before.topRecordings);
  });
});
