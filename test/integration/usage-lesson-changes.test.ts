import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { UsageFigures, UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, mondayOf, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { scheduledLessons } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The usage figures count timetabled lessons as they stand after 调课 and 停课: a cancelled lesson is not
 * expected any more, a moved one is expected where it was moved to (in the period it now falls in). Each
 * unit also says how many of its lessons were moved, cancelled or started ad hoc (临时上课), in the table
 * and in the exports, so a county officer sees why its plan changed.
 */
describe('usage figures after lessons are moved or cancelled', () => {
  let f: OrganisationFixture;
  // Two weeks from next Monday: the fixture's Mon/Thu timetable has four lessons there.
  const w = mondayOf(addDays(shanghaiDate(new Date()), 7));
  const range = `from=${w}&to=${addDays(w, 13)}`;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const report = async (period = range): Promise<UsageReport> => {
    const res = await (await f.as('region_admin')).get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${period}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as UsageReport;
  };
  const scheduled = async (): Promise<number> => (await report()).totals.scheduledLessons;
  /** Moved / cancelled / ad hoc of the totals and of each school's row (host school, teaching point). */
  const changes = (f: UsageFigures) => [f.movedLessons, f.cancelledLessons, f.adHocLessons];
  const changesBySchool = async (period = range) => {
    const r = await report(period);
    const school = (id: number) => r.rows.find((row) => row.unit.kind === 'school' && row.unit.id === id)?.figures;
    return { total: changes(r.totals), lead: school(f.ids.leadSchoolId) && changes(school(f.ids.leadSchoolId)!), point: school(f.ids.teachingPointId) && changes(school(f.ids.teachingPointId)!) };
  };
  const lessonsInRange = async () =>
    f.db
      .select()
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, f.ids.courseId), gte(scheduledLessons.startsAt, shanghaiInstant(w)), lt(scheduledLessons.startsAt, shanghaiInstant(addDays(w, 14)))))
      .orderBy(asc(scheduledLessons.startsAt), asc(scheduledLessons.id));

  it('stops counting a cancelled lesson, counts a moved one in its new period only', async () => {
    const before = await scheduled();
    // Two sites (host and receiving classroom) per lesson of the fixture's course.
    expect(before).toBeGreaterThan(0);
    const perLesson = before / (await lessonsInRange()).length;
    const [first, second] = await lessonsInRange();
    const teacher = await f.as('teacher');
    expect((await teacher.post(`/api/scheduled-lessons/${first!.id}/cancel`, { reason: '停电' })).statusCode).toBe(204);
    expect(await scheduled()).toBe(before - perLesson);
    // Moved within the period: still expected once.
    expect((await teacher.post(`/api/scheduled-lessons/${second!.id}/move`, { date: addDays(w, 2), startsAt: '14:00', endsAt: '14:40' })).statusCode).toBe(204);
    expect(await scheduled()).toBe(before - perLesson);
    // Moved out of the period: expected in the next one, not in this.
    expect((await teacher.post(`/api/scheduled-lessons/${second!.id}/move`, { date: addDays(w, 15), startsAt: '14:00', endsAt: '14:40' })).statusCode).toBe(204);
    expect(await scheduled()).toBe(before - 2 * perLesson);
  });

  it('counts moved, cancelled and ad hoc lessons per school, in the report and its CSV', async () => {
    // After the test above: the first lesson of the period is cancelled, the second moved out of it.
    const teacher = await f.as('teacher');
    const [third] = (await lessonsInRange()).filter((l) => l.status === 'scheduled');
    const before = await report();
    expect((await teacher.post(`/api/scheduled-lessons/${third!.id}/move`, { date: addDays(w, 3), startsAt: '15:00', endsAt: '15:40' })).statusCode).toBe(204);
    // Each lesson counts at both of its sites (the host school, the teaching point that receives it), once in the total.
    expect(await changesBySchool()).toEqual({ total: [1, 1, 0], lead: [1, 1, 0], point: [1, 1, 0] });
    // Moving or counting changes leaves the plan's own figures as they were.
    const after = await report();
    expect(after.totals.scheduledLessons).toBe(before.totals.scheduledLessons);
    expect(after.totals.scheduledDelivered).toBe(before.totals.scheduledDelivered);
    // The lesson moved out of the period counts as moved where it now is.
    const next = `from=${addDays(w, 14)}&to=${addDays(w, 20)}`;
    expect(await changesBySchool(next)).toEqual({ total: [1, 0, 0], lead: [1, 0, 0], point: [1, 0, 0] });

    // 临时上课 now: counted today, among the scheduled lessons. A timetabled lesson of the course falling in the
    // next 40 minutes would be taken for it (the teacher means that one), so on the fixture's lesson days the
    // test first clears that time.
    const soon = new Date(Date.now() + 41 * 60_000);
    await f.db.delete(scheduledLessons).where(and(eq(scheduledLessons.courseId, f.ids.courseId), lt(scheduledLessons.startsAt, soon), gte(scheduledLessons.endsAt, new Date(Date.now() - 60_000))));
    const adHoc = await teacher.post(`/api/courses/${f.ids.courseId}/ad-hoc-lessons`, { minutes: 40 });
    expect(adHoc.statusCode, adHoc.body).toBe(200);
    const today = shanghaiDate(new Date());
    const todays = await changesBySchool(`from=${today}&to=${today}`);
    expect(todays.total[2]).toBe(1);
    expect(todays.point![2]).toBe(1);

    // The CSV of the schools has the three columns, with the same counts on the total row.
    const csv = await (await f.as('region_admin')).get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=csv&table=units`);
    expect(csv.statusCode, csv.body).toBe(200);
    const records = parse(csv.body.replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];
    const header = records.find((r) => r.includes('计划节数'))!;
    expect(header).toBeDefined();
    const total = records.find((r) => r[0] === '合计')!;
    const column = (name: string) => total[header.indexOf(name)];
    expect([column('调课节数'), column('停课节数'), column('临时上课节数')]).toEqual(['1', '1', '0']);
    // In English too.
    const admin = await f.as('region_admin');
    const url = `/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}&format=csv&table=units`;
    const en = await f.t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookieHeader(), 'accept-language': 'en' } });
    expect(en.body).toContain('Lessons moved,Lessons cancelled,Ad hoc lessons');
  });
});
