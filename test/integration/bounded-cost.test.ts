import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses } from '../../server/db/schema/index.js';
import { chunks } from '../../server/core/lists.js';
import { MAX_REPORT_DAYS } from '../../server/evidence/usage/figures.js';
import { MAX_COURSES_LISTED } from '../../server/teaching/service.js';
import { MAX_LESSON_WINDOW_DAYS } from '../../server/teaching/lessons.js';
import { addDays } from '../../shared/time.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * One request's cost is bounded: a report covers at most three years, a calendar at most 62 days, a list
 * at most a page or a hard cap — each refused with a message a teacher can act on, in her language.
 */
describe('bounded cost of one request', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const threeYearsFrom = (from: string) => addDays(from, MAX_REPORT_DAYS - 1);

  it('answers a usage report of three years, and refuses one day more with range_too_long', async () => {
    const admin = await f.as('region_admin');
    const from = '2023-09-01';
    const ok = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&from=${from}&to=${threeYearsFrom(from)}&groupBy=month`);
    expect(ok.statusCode).toBe(200);
    const tooLong = await admin.get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&from=${from}&to=${addDays(threeYearsFrom(from), 1)}&groupBy=month`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatchObject({ code: 'range_too_long', message: `日期范围太长：一次最多查询 ${MAX_REPORT_DAYS} 天，请缩短范围（例如按学期查询）。`, details: [{ path: '/to' }] });
  });

  it('refuses a ten-year indicator report, in English when asked', async () => {
    const admin = await f.as('region_admin');
    const res = await admin.request('GET', `/api/reports/indicators?regionId=${f.ids.regionId}&from=2016-09-01&to=2026-08-31`, undefined, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'range_too_long', message: expect.stringContaining(`at most ${MAX_REPORT_DAYS} days`) });
  });

  it("refuses a teacher's calendar over 62 days with range_too_long", async () => {
    const res = await (await f.as('teacher')).get('/api/me/lessons?from=2026-09-01T00:00:00Z&to=2026-11-03T00:00:00Z');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'range_too_long', message: expect.stringContaining(`${MAX_LESSON_WINDOW_DAYS} 天`) });
  });

  it('pages the user list at most 500 at a time', async () => {
    const admin = await f.as('system_admin');
    expect((await admin.get('/api/users?limit=500')).statusCode).toBe(200);
    expect((await admin.get('/api/users?limit=501')).statusCode).toBe(400);
  });

  it('refuses a course list longer than the cap, and answers the same list filtered', async () => {
    const many = Array.from({ length: MAX_COURSES_LISTED + 1 }, (_, i) => ({
      termId: f.ids.termId,
      schoolId: f.ids.independentSchoolId,
      name: `批量课程${i}`,
      subject: 'art' as const,
      grade: 3,
      kind: 'delivered' as const,
      leadTeacherId: f.ids.users.teacher,
      hostClassroomId: null,
      active: true,
    }));
    for (const part of chunks(many, 100)) await f.db.insert(courses).values(part);
    expect((await f.db.select().from(courses)).length).toBeGreaterThan(MAX_COURSES_LISTED);
    const admin = await f.as('region_admin');
    const all = await admin.get('/api/courses');
    expect(all.statusCode).toBe(400);
    expect(all.json().error).toMatchObject({ code: 'too_many_results', message: expect.stringContaining(String(MAX_COURSES_LISTED)) });
    const filtered = await admin.get(`/api/courses?schoolId=${f.ids.leadSchoolId}`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.json().map((c: { id: number }) => c.id)).toContain(f.ids.courseId);
  });
});
