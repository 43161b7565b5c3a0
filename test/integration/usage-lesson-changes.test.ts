import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { UsageReport } from '../../shared/api/evidence-usage.js';
import { addDays, mondayOf, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { scheduledLessons } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The usage figures count timetabled lessons as they stand after 调课 and 停课: a cancelled lesson is not
 * expected any more, a moved one is expected where it was moved to (in the period it now falls in).
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

  const scheduled = async (): Promise<number> => {
    const res = await (await f.as('region_admin')).get(`/api/reports/usage?scope=region&id=${f.ids.regionId}&${range}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as UsageReport).totals.scheduledLessons;
  };
  const lessonsInRange = () =>
    f.db
      .select()
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, f.ids.courseId), gte(scheduledLessons.startsAt, shanghaiInstant(w)), lt(scheduledLessons.startsAt, shanghaiInstant(addDays(w, 14)))))
      .orderBy(asc(scheduledLessons.startsAt))
      .all();

  it('stops counting a cancelled lesson, counts a moved one in its new period only', async () => {
    const before = await scheduled();
    // Two sites (host and receiving classroom) per lesson of the fixture's course.
    expect(before).toBeGreaterThan(0);
    const perLesson = before / lessonsInRange().length;
    const [first, second] = lessonsInRange();
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
});
