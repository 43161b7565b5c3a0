import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attendanceIntervals, courses, lessonSessions } from '../../server/db/schema/index.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';

/*
 * The HTTP side of observing (听课): a course's 开放听课 setting (lead teacher or an admin over its host
 * school; another region's admin gets 403 and nothing changes), and the live lessons the caller may
 * observe (colleagues of the group or region and the region's researchers; never her own course, nothing
 * closed, no research meeting, nothing ended).
 */

describe('observing routes', () => {
  let f: OrganisationFixture;
  const signIn = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return client;
  };
  const observable = async () => (await f.db.select({ observable: courses.observable }).from(courses).where(eq(courses.id, f.ids.courseId)))[0]!.observable;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    await f.addUser('teacher-li', 'teacher', { schoolId: f.ids.teachingPointId });
    await f.addUser('teacher-far', 'teacher', { schoolId: f.ids.otherSchoolId });
    await f.addUser('researcher', 'researcher', { regionId: f.ids.regionId });
  });
  afterAll(() => f.close());

  it('lets the lead teacher close and open her course to observation; another region admin is refused and changes nothing', async () => {
    const teacher = await f.as('teacher');
    expect((await teacher.request('GET', `/api/courses/${f.ids.courseId}/observation`)).json()).toEqual({ observable: true });
    const closed = await teacher.request('PUT', `/api/courses/${f.ids.courseId}/observation`, { observable: false });
    expect(closed.statusCode).toBe(200);
    expect(await observable()).toBe(false);

    const outsider = await f.as('other_region_admin');
    expect((await outsider.request('PUT', `/api/courses/${f.ids.courseId}/observation`, { observable: true })).statusCode).toBe(403);
    expect((await outsider.request('GET', `/api/courses/${f.ids.courseId}/observation`)).statusCode).toBe(403);
    expect(await observable()).toBe(false);
    // A colleague who may observe the course does not decide whether it is open.
    expect((await (await signIn('teacher-li')).request('PUT', `/api/courses/${f.ids.courseId}/observation`, { observable: true })).statusCode).toBe(403);
    expect((await teacher.request('PUT', `/api/courses/${f.ids.courseId}/observation`, { observable: 'yes' })).statusCode).toBe(400);
    expect((await teacher.request('PUT', '/api/courses/999999/observation', { observable: true })).statusCode).toBe(404);

    const admin = await f.as('school_admin');
    expect((await admin.request('PUT', `/api/courses/${f.ids.courseId}/observation`, { observable: true })).json()).toEqual({ observable: true });
    expect(await observable()).toBe(true);
  });

  it('lists the live lessons a colleague or researcher may observe, with the observers in each, and not to others', async () => {
    const startedAt = new Date();
    const [live] = await f.db.insert(lessonSessions).values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt, lastHeartbeatAt: startedAt }).returning();
    const observerId = await f.addUser('observer-x', 'teacher', { schoolId: f.ids.independentSchoolId });
    await f.db.insert(attendanceIntervals).values([
      { lessonSessionId: live!.id, participantId: 'p-obs', userId: observerId, siteKind: 'observer', joinedAt: startedAt, lastHeartbeatAt: startedAt },
      // One who already left is not observing now.
      { lessonSessionId: live!.id, participantId: 'p-gone', userId: f.ids.users.region_admin, siteKind: 'observer', joinedAt: startedAt, leftAt: startedAt, lastHeartbeatAt: startedAt },
    ]);

    const list = (await (await signIn('teacher-li')).request('GET', '/api/observations/live')).json();
    expect(list).toEqual([
      expect.objectContaining({ lessonSessionId: live!.id, courseId: f.ids.courseId, courseName: '三年级音乐', subject: 'music', grade: 3, schoolName: '城关第一小学', teacherName: '王老师', observers: 1 }),
    ]);
    expect((await (await signIn('researcher')).request('GET', '/api/observations/live')).json()).toHaveLength(1);
    // Her own course is no lesson for her to observe; a teacher of another region may observe none.
    expect((await (await f.as('teacher')).request('GET', '/api/observations/live')).json()).toEqual([]);
    expect((await (await signIn('teacher-far')).request('GET', '/api/observations/live')).json()).toEqual([]);
    // Closed to observation: colleagues no longer see it.
    await f.db.update(courses).set({ observable: false }).where(eq(courses.id, f.ids.courseId));
    expect((await (await signIn('teacher-li')).request('GET', '/api/observations/live')).json()).toEqual([]);
    await f.db.update(courses).set({ observable: true }).where(eq(courses.id, f.ids.courseId));
    // Ended: gone from the list.
    await f.db.update(lessonSessions).set({ endedAt: new Date() }).where(eq(lessonSessions.id, live!.id));
    expect((await (await signIn('teacher-li')).request('GET', '/api/observations/live')).json()).toEqual([]);
  });
});
