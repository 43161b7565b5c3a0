import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, participationEvents } from '../../server/db/schema/index.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';

/*
 * Observers (听课) are no site: a lesson's report counts neither their presence among the sites present
 * nor their activity among the scored participants — an observer chatting through the lesson (the lead
 * teacher let observers chat) must not lower the classrooms' activity scores, nor raise the sites present.
 */

describe('observers in the lesson report', () => {
  let f: OrganisationFixture;
  let lessonSessionId: number;
  const startedAt = new Date('2026-10-12T01:00:00Z');
  const minute = (n: number) => new Date(startedAt.getTime() + n * 60_000);

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { ids } = f;
    lessonSessionId = await recordFinishedLesson(f, startedAt, [
      { participantId: 't', userId: ids.users.teacher, siteKind: 'host', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId },
      { participantId: 'd', userId: ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId },
    ]);
    const observerId = await f.addUser('teacher-li', 'teacher', { schoolId: ids.independentSchoolId });
    await f.db.insert(attendanceIntervals).values({ lessonSessionId, participantId: 'o', userId: observerId, siteKind: 'observer', classroomId: null, schoolId: null, regionId: ids.regionId, joinedAt: minute(1), leftAt: minute(39), leaveReason: 'left', lastHeartbeatAt: minute(39) });
    // The classroom writes in one minute of the lesson; the observer in five.
    const chat = (participantId: string, userId: number, n: number, classroomId: number | null) => ({ lessonSessionId, participantId, userId, classroomId, schoolId: null, regionId: ids.regionId, kind: 'chat_message' as const, occurredAt: minute(n) });
    await f.db.insert(participationEvents).values([
      chat('d', ids.users.classroom_device, 3, ids.receivingClassroomId),
      ...[2, 5, 8, 11, 14].map((n) => chat('o', observerId, n, null)),
    ]);
  });
  afterAll(() => f.close());

  it('leaves observers out of the sites present and out of the activity scores', async () => {
    const teacher = await f.as('teacher');
    const list = (await teacher.request('GET', '/api/reports/lessons?from=2026-10-01&to=2026-10-31')).json() as { lessons: Array<{ lessonSessionId: number; sitesPresent: number; receivingClassroomsPresent: number }> };
    const row = list.lessons.find((l) => l.lessonSessionId === lessonSessionId);
    expect(row).toMatchObject({ sitesPresent: 2, receivingClassroomsPresent: 1 });

    const report = (await teacher.request('GET', `/api/reports/lessons/${lessonSessionId}`)).json();
    const figures = report.participants as Array<{ kind: string; messages: number; activityScore: number | null }>;
    const observer = figures.find((p) => p.kind === 'observer');
    const classroom = figures.find((p) => p.kind === 'receiving_classroom');
    expect(observer).toMatchObject({ activityScore: null });
    // The classroom is the most active scored site in chat: the whole message component (20), which an
    // observer counted among the scored (five minutes of chat) would cut to 4.
    expect(classroom?.activityScore).toBe(20);
  });
});
