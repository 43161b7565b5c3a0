import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, gt, lt } from 'drizzle-orm';
import { createOrganisationFixture, type OrganisationFixture } from '../../test/support/fixtures.js';
import { addDays, isoWeekday, shanghaiDate, shanghaiInstant } from '../../shared/time.js';
import { courses, lessonSessions, scheduledLessons, timetableSlots } from '../db/schema/index.js';
import type { ScheduledLessonView } from '../../shared/api/teaching.js';

/** The next date from tomorrow on (Shanghai) that falls on an ISO weekday. */
const nextWeekday = (weekday: number, after = shanghaiDate(new Date())): string => {
  let date = addDays(after, 1);
  while (isoWeekday(date) !== weekday) date = addDays(date, 1);
  return date;
};

describe('调课, 停课, 临时上课 and the region calendar', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const futureLessons = (courseId = f.ids.courseId) =>
    f.db
      .select()
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, courseId), gt(scheduledLessons.startsAt, new Date())))
      .orderBy(asc(scheduledLessons.startsAt));
  const myLessons = async (who: 'classroom_device' | 'student' | 'teacher', days = 40): Promise<ScheduledLessonView[]> => {
    const from = shanghaiInstant(shanghaiDate(new Date())).toISOString();
    const to = shanghaiInstant(addDays(shanghaiDate(new Date()), days)).toISOString();
    const res = await (await f.as(who)).get(`/api/me/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(res.statusCode).toBe(200);
    return res.json().lessons;
  };

  it('lets the lead teacher move a lesson; the receiving classroom sees it at the new time, marked as moved with the reason', async () => {
    const lesson = (await futureLessons())[0]!;
    const date = addDays(shanghaiDate(lesson.startsAt), 1);
    const res = await (await f.as('teacher')).post(`/api/scheduled-lessons/${lesson.id}/move`, { date, startsAt: '15:00', endsAt: '15:40', reason: '教研活动' });
    expect(res.statusCode).toBe(204);
    const seen = (await myLessons('classroom_device')).find((l) => l.id === lesson.id)!;
    expect(seen).toMatchObject({ startsAt: shanghaiInstant(date, '15:00').toISOString(), movedFrom: lesson.startsAt.toISOString(), changeReason: '教研活动', status: 'scheduled' });
  });

  it('keeps a moved lesson where it was moved when the timetable is re-planned, without planning its old slot again', async () => {
    const [lesson] = await futureLessons();
    const date = addDays(shanghaiDate(lesson!.startsAt), 1);
    await (await f.as('teacher')).post(`/api/scheduled-lessons/${lesson!.id}/move`, { date, startsAt: '16:00', endsAt: '16:40' });
    const before = (await futureLessons()).length;
    const slots = await f.db.select().from(timetableSlots).where(eq(timetableSlots.courseId, f.ids.courseId));
    const replan = await (await f.as('school_admin')).put(`/api/courses/${f.ids.courseId}/timetable`, {
      slots: slots.map(({ weekday, period, startsAt, endsAt }) => ({ weekday, period, startsAt, endsAt })),
    });
    expect(replan.statusCode).toBe(200);
    const after = await futureLessons();
    expect(after).toHaveLength(before);
    expect(after.find((l) => l.id === lesson!.id)?.startsAt).toEqual(shanghaiInstant(date, '16:00'));
    expect(after.some((l) => l.startsAt.getTime() === lesson!.startsAt.getTime())).toBe(false);
  });

  it('cancels a lesson with a reason; students see 已停课 and why; a blank reason is refused and changes nothing', async () => {
    const lesson = (await futureLessons()).find((l) => l.movedFrom === null)!;
    const teacher = await f.as('teacher');
    expect((await teacher.post(`/api/scheduled-lessons/${lesson.id}/cancel`, { reason: '   ' })).statusCode).toBe(400);
    expect((await teacher.post(`/api/scheduled-lessons/${lesson.id}/cancel`, {})).statusCode).toBe(400);
    expect((await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, lesson.id)).limit(1))[0]!.status).toBe('scheduled');
    expect((await teacher.post(`/api/scheduled-lessons/${lesson.id}/cancel`, { reason: '台风停课' })).statusCode).toBe(204);
    expect((await myLessons('student')).find((l) => l.id === lesson.id)).toMatchObject({ status: 'cancelled', changeReason: '台风停课' });
    // A cancelled lesson is the record; it cannot be cancelled or moved again.
    expect((await teacher.post(`/api/scheduled-lessons/${lesson.id}/cancel`, { reason: '再停' })).statusCode).toBe(400);
  });

  it('refuses to move or cancel a lesson already held, or into the past, or onto another lesson of the course', async () => {
    const teacher = await f.as('teacher');
    const [first, second] = (await futureLessons()).filter((l) => l.status === 'scheduled');
    await f.db.insert(lessonSessions).values({ courseId: f.ids.courseId, scheduledLessonId: first!.id, startedAt: new Date(), startedBy: f.ids.users.teacher, lastHeartbeatAt: new Date() });
    const held = await teacher.post(`/api/scheduled-lessons/${first!.id}/cancel`, { reason: '已上过' });
    expect(held.statusCode).toBe(409);
    expect(held.json().error.code).toBe('lesson_already_held');
    const past = await teacher.post(`/api/scheduled-lessons/${second!.id}/move`, { date: addDays(shanghaiDate(new Date()), -2), startsAt: '09:00', endsAt: '09:40' });
    expect(past.statusCode).toBe(400);
    const onto = shanghaiDate(first!.startsAt);
    const clash = await teacher.post(`/api/scheduled-lessons/${second!.id}/move`, { date: onto, startsAt: '00:00', endsAt: '23:59' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('lesson_clash');
    expect((await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, second!.id)).limit(1))[0]!.startsAt).toEqual(second!.startsAt);
  });

  it('lets only the lead teacher and admins over the host school change lessons', async () => {
    const lesson = (await futureLessons()).filter((l) => l.status === 'scheduled').at(-1)!;
    for (const who of ['assistant_teacher', 'classroom_device', 'student', 'other_school_admin'] as const) {
      const res = await (await f.as(who)).post(`/api/scheduled-lessons/${lesson.id}/cancel`, { reason: '不该能停' });
      expect([403, 404]).toContain(res.statusCode);
    }
    expect((await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.id, lesson.id)).limit(1))[0]!.status).toBe('scheduled');
  });

  it('starts an ad hoc lesson (临时上课) now, whatever the timetable: it is listed today for the classroom', async () => {
    // Clear the fixture's lessons of the coming hour, so that the case does not depend on the hour it runs at.
    const soon = new Date(Date.now() + 3600_000);
    await f.db.delete(scheduledLessons).where(and(eq(scheduledLessons.courseId, f.ids.courseId), lt(scheduledLessons.startsAt, soon), gt(scheduledLessons.endsAt, new Date())));
    const res = await (await f.as('teacher')).post(`/api/courses/${f.ids.courseId}/ad-hoc-lessons`, { minutes: 40 });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(true);
    const seen = (await myLessons('classroom_device', 1)).find((l) => l.id === res.json().id);
    expect(seen).toMatchObject({ adHoc: true, status: 'scheduled' });
    expect(shanghaiDate(new Date(seen!.startsAt))).toBe(shanghaiDate(new Date()));
    // Asked again while it runs: the same lesson, not a second one beside it.
    const again = await (await f.as('teacher')).post(`/api/courses/${f.ids.courseId}/ad-hoc-lessons`, { minutes: 40 });
    expect(again.json()).toEqual({ id: res.json().id, created: false });
    expect((await (await f.as('assistant_teacher')).post(`/api/courses/${f.ids.courseId}/ad-hoc-lessons`, { minutes: 40 })).statusCode).toBe(403);
    expect((await (await f.as('teacher')).post(`/api/courses/${f.ids.courseId}/ad-hoc-lessons`, { minutes: 5 })).statusCode).toBe(400);
  });

  describe('the region calendar', () => {
    /** A course of its own, Mon 09:00 and Wed 09:00, so that the cases above do not disturb it. */
    const calendarCourse = async (): Promise<number> => {
      const course = (await f.db.select().from(courses).where(eq(courses.id, f.ids.courseId)).limit(1))[0]!;
      const { id: _id, ...values } = course;
      const id = (await f.db.insert(courses).values({ ...values, name: '日历课程' }).returning())[0]!.id;
      const res = await (await f.as('school_admin')).put(`/api/courses/${id}/timetable`, {
        slots: [
          { weekday: 1, period: 1, startsAt: '09:00', endsAt: '09:40' },
          { weekday: 3, period: 1, startsAt: '09:00', endsAt: '09:40' },
        ],
      });
      expect(res.statusCode).toBe(200);
      return id;
    };
    const datesOf = async (courseId: number) => (await futureLessons(courseId)).map((l) => shanghaiDate(l.startsAt));

    it('drops the lessons of a holiday and adds those of a make-up working day; removing them re-plans', async () => {
      const courseId = await calendarCourse();
      const monday = nextWeekday(1, addDays(shanghaiDate(new Date()), 7));
      const saturday = addDays(monday, 5);
      expect(await datesOf(courseId)).toContain(monday);
      const admin = await f.as('region_admin');
      const holiday = await admin.post(`/api/regions/${f.ids.regionId}/calendar-days`, { kind: 'holiday', name: '国庆节', startsOn: monday, endsOn: addDays(monday, 2) });
      expect(holiday.statusCode).toBe(201);
      const workday = await admin.post(`/api/regions/${f.ids.regionId}/calendar-days`, { kind: 'workday', name: '国庆调休', startsOn: saturday, endsOn: saturday, followsWeekday: 1 });
      expect(workday.statusCode).toBe(201);
      expect(await datesOf(courseId)).not.toContain(monday);
      expect(await datesOf(courseId)).not.toContain(addDays(monday, 2));
      expect(await datesOf(courseId)).toContain(saturday);
      const listed = (await (await f.as('school_admin')).get(`/api/regions/${f.ids.regionId}/calendar-days`)).json().days;
      expect(listed.map((d: { name: string }) => d.name)).toEqual(['国庆节', '国庆调休']);

      expect((await admin.delete(`/api/calendar-days/${holiday.json().id}`)).statusCode).toBe(204);
      expect((await admin.delete(`/api/calendar-days/${workday.json().id}`)).statusCode).toBe(204);
      expect(await datesOf(courseId)).toContain(monday);
      expect(await datesOf(courseId)).not.toContain(saturday);
    });

    it.each([
      ['an overlap with an existing holiday', (d: string) => ({ kind: 'holiday', name: '重叠', startsOn: d, endsOn: d }), 409],
      ['a holiday ending before it starts', (d: string) => ({ kind: 'holiday', name: '倒序', startsOn: addDays(d, 3), endsOn: d }), 400],
      ['a make-up day on a weekday', (d: string) => ({ kind: 'workday', name: '周一补课', startsOn: nextWeekday(2, d), endsOn: nextWeekday(2, d), followsWeekday: 1 }), 400],
      ['a make-up day without the weekday it follows', (d: string) => ({ kind: 'workday', name: '补课', startsOn: nextWeekday(6, d), endsOn: nextWeekday(6, d) }), 400],
      ['a date that does not exist', () => ({ kind: 'holiday', name: '坏日期', startsOn: '2027-02-30', endsOn: '2027-03-01' }), 400],
    ])('refuses %s and changes nothing', async (_case, body, status) => {
      const admin = await f.as('region_admin');
      const base = addDays(shanghaiDate(new Date()), 60);
      const existing = await admin.post(`/api/regions/${f.ids.regionId}/calendar-days`, { kind: 'holiday', name: `已有${_case}`, startsOn: base, endsOn: base });
      const lessonsBefore = await f.db.select().from(scheduledLessons).orderBy(asc(scheduledLessons.id));
      const res = await admin.post(`/api/regions/${f.ids.regionId}/calendar-days`, body(base));
      expect(res.statusCode).toBe(status);
      expect(await f.db.select().from(scheduledLessons).orderBy(asc(scheduledLessons.id))).toEqual(lessonsBefore);
      await admin.delete(`/api/calendar-days/${existing.json().id}`);
    });

    it('is managed by the region admin only', async () => {
      const day = nextWeekday(6, addDays(shanghaiDate(new Date()), 90));
      for (const who of ['group_admin', 'school_admin', 'teacher', 'other_region_admin'] as const) {
        const res = await (await f.as(who)).post(`/api/regions/${f.ids.regionId}/calendar-days`, { kind: 'holiday', name: '不该能加', startsOn: day, endsOn: day });
        expect(res.statusCode).toBe(403);
      }
    });
  });
});
