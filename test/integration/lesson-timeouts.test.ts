import { and, asc, eq, lt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import { scheduledLessons } from '../../server/db/schema/index.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket, closedAttendance, lessonDriver, recordedEnd } from '../support/lesson-socket.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * Lessons nobody ends, on the real server (real gateway, real worker) with timeouts configured short: no
 * lead teacher for 2 s, or 2 s past the timetabled end. They end as `timed_out`, and what the report counts
 * ends at the last real activity — not at the moment the timeout noticed.
 */
describe('lessons that nobody ends time out', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true }, { lessonNoTeacherSeconds: 2, lessonOverrunGraceSeconds: 2, reconnectGraceSeconds: 1 });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await f.close();
  });

  const { connect, join } = lessonDriver(() => f, sockets);
  // The end is recorded just after the sites are told: wait for it.
  const session = (id: number) => recordedEnd(f.db, id);

  it('ends a lesson whose lead teacher is gone, at the moment she left', async () => {
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const room = await connect('classroom_device');
    await join(room);
    await room.request('chat:send', { text: '老师再见' });
    await sleep(300);
    const teacherLeft = Date.now();
    teacher.close();

    const ended = await room.nextEvent('lesson:ended', (e) => e.lessonSessionId === lessonSessionId, 15_000);
    const noticed = Date.now();
    const row = await session(lessonSessionId);
    expect(row.endReason).toBe('timed_out');
    // Ended where the teacher left (she was the last activity), though the timeout noticed 2 s later.
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(teacherLeft);
    expect(row.endedAt!.getTime()).toBeLessThan(teacherLeft + 1_500);
    expect(noticed - row.endedAt!.getTime()).toBeGreaterThanOrEqual(2_000);
    expect(new Date(ended.endedAt).getTime()).toBe(row.endedAt!.getTime());
    // The classroom still connected is counted up to that end, not to the timeout.
    const rows = await closedAttendance(f.db, lessonSessionId);
    expect(rows.find((r) => r.siteKind === 'receiving_classroom')).toMatchObject({ leftAt: row.endedAt, leaveReason: 'lesson_ended' });
    const report = (await (await f.as('teacher')).get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    expect(report.header.endReason).toBe('timed_out');
    expect(report.header.durationMinutes).toBe(Math.round(((row.endedAt!.getTime() - row.startedAt.getTime()) / 60_000) * 10) / 10);
  });

  it('ends a timetabled lesson long past its scheduled end, at its last activity, even with the teacher still there', async () => {
    const [past] = await f.db
      .select()
      .from(scheduledLessons)
      .where(and(eq(scheduledLessons.courseId, f.ids.courseId), lt(scheduledLessons.endsAt, new Date())))
      .orderBy(asc(scheduledLessons.startsAt))
      .limit(1);
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId, scheduledLessonId: past!.id });
    await join(teacher);
    const beforeLastAct = Date.now();
    await teacher.request('chat:send', { text: '下课了' });
    const afterLastAct = Date.now();

    await teacher.nextEvent('lesson:ended', (e) => e.lessonSessionId === lessonSessionId, 15_000);
    const row = await session(lessonSessionId);
    expect(row.endReason).toBe('timed_out');
    expect(row.endedAt!.getTime()).toBeGreaterThanOrEqual(beforeLastAct);
    expect(row.endedAt!.getTime()).toBeLessThanOrEqual(afterLastAct);
  });
});
