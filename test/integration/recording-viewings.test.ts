import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiInstant, addDays } from '../../shared/time.js';
import { recordingViewDays, recordingViewings, recordings, studentProfiles } from '../../server/db/schema/index.js';
import type { Access } from '../../server/core/access.js';
import { Places } from '../../server/organisation/places.js';
import { ViewingRepository } from '../../server/recordings/viewing/repository.js';
import { ViewingService } from '../../server/recordings/viewing/service.js';
import { createOrganisationFixture, recordFinishedLesson, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';

/*
 * The two viewing routes over the fixture county: a ready 10-minute recording of the fixture course (the
 * enrolled student, a home-delivery student here, is its audience; it starts unpublished). Time between
 * reports is made by moving the viewing's last report back, as if the player had been playing that long.
 */
describe('recording viewings (点播 evidence)', () => {
  let f: OrganisationFixture;
  let recordingId: number;

  beforeAll(async () => {
    f = await createOrganisationFixture();
    await f.db.update(studentProfiles).set({ homeDelivery: true }).where(eq(studentProfiles.userId, f.ids.users.student));
    const lessonSessionId = await recordFinishedLesson(f, shanghaiInstant(addDays(shanghaiDate(new Date()), -1), '09:00'), []);
    const [row] = await f.db
      .insert(recordings)
      .values({ lessonSessionId, courseId: f.ids.courseId, title: '三年级音乐', status: 'ready', startedAt: new Date(Date.now() - 86_400_000), durationMs: 600_000 })
      .returning({ id: recordings.id });
    recordingId = row!.id;
  });
  afterAll(async () => f.close());
  beforeEach(async () => {
    await f.db.update(recordings).set({ visibility: null, status: 'ready' }).where(eq(recordings.id, recordingId));
  });

  const start = async (who: PrincipalKey, device = 'desktop') => (await f.as(who)).post(`/api/recordings/${recordingId}/viewings`, { device, rendition: 'high' });
  const startOk = async (who: PrincipalKey, device = 'desktop'): Promise<number> => {
    const res = await start(who, device);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().viewingId as number;
  };
  /** As if the last report was `seconds` ago. */
  const elapse = async (viewingId: number, seconds: number) => {
    await f.db.update(recordingViewings).set({ lastReportAt: new Date(Date.now() - seconds * 1000) }).where(eq(recordingViewings.id, viewingId));
  };
  const report = async (who: PrincipalKey, viewingId: number, ranges: Array<[number, number]>) => (await f.as(who)).post(`/api/recording-viewings/${viewingId}`, { ranges });
  const viewing = async (id: number) => (await f.db.select().from(recordingViewings).where(eq(recordingViewings.id, id)))[0]!;
  const dayRows = async (userId: number) => f.db.select().from(recordingViewDays).where(and(eq(recordingViewDays.recordingId, recordingId), eq(recordingViewDays.userId, userId)));

  it('starts a viewing for the course’s audience, keeping the viewer’s place and 送教上门 as they are', async () => {
    const id = await startOk('student', 'mobile');
    const row = await viewing(id);
    expect(row).toMatchObject({ userId: f.ids.users.student, device: 'mobile', schoolId: f.ids.teachingPointId, regionId: f.ids.regionId, groupId: f.ids.groupId, classroomId: null, homeDelivery: true, watchedSeconds: 0 });
    // The device kind is the account's: a classroom device's browser saying "desktop" is still the classroom, a person never is.
    const device = await viewing(await startOk('classroom_device', 'desktop'));
    expect(device).toMatchObject({ device: 'classroom', classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId, homeDelivery: false });
    expect((await viewing(await startOk('school_admin', 'classroom'))).device).toBe('desktop');
  });

  it('refuses outsiders of an unpublished recording (403), and opens it by its published visibility', async () => {
    expect((await start('other_school_admin')).statusCode).toBe(403);
    expect((await start('other_region_admin')).statusCode).toBe(403);
    expect((await start('anonymous')).statusCode).toBe(401);
    await f.db.update(recordings).set({ visibility: 'region' }).where(eq(recordings.id, recordingId));
    expect((await start('other_school_admin')).statusCode).toBe(201);
    expect((await start('other_region_admin')).statusCode).toBe(403);
  });

  it('has nothing to watch before the recording is made (404), and 404 for no such recording', async () => {
    await f.db.update(recordings).set({ status: 'processing' }).where(eq(recordings.id, recordingId));
    expect((await start('student')).statusCode).toBe(404);
    expect((await (await f.as('student')).post('/api/recordings/999999/viewings', { device: 'desktop', rendition: 'low' })).statusCode).toBe(404);
  });

  it('counts re-watched parts once, cuts parts past the end, and adds what is new to the day roll-up', async () => {
    const id = await startOk('teacher');
    await elapse(id, 60);
    expect((await report('teacher', id, [[0, 60]])).json()).toEqual({ watchedSeconds: 60 });
    await elapse(id, 60);
    // Back to 30 s and on to 90 s: only 60–90 is new.
    expect((await report('teacher', id, [[30, 90]])).json()).toEqual({ watchedSeconds: 90 });
    await elapse(id, 60);
    expect((await report('teacher', id, [[0, 90], [590, 650]])).json()).toEqual({ watchedSeconds: 100 });
    expect(await viewing(id)).toMatchObject({ watched: [[0, 90], [590, 600]], watchedSeconds: 100 });
    const days = await dayRows(f.ids.users.teacher);
    expect(days.map((d) => [d.day, d.views, d.watchedSeconds, d.schoolId])).toEqual([[shanghaiDate(new Date()), 1, 100, f.ids.leadSchoolId]]);
  });

  it('refuses a report claiming more than could have played since the last one, and changes nothing', async () => {
    const id = await startOk('assistant_teacher');
    await elapse(id, 10);
    const res = await report('assistant_teacher', id, [[0, 200]]);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('viewing_implausible');
    expect(await viewing(id)).toMatchObject({ watched: [], watchedSeconds: 0 });
    expect((await dayRows(f.ids.users.assistant_teacher)).map((d) => d.watchedSeconds)).toEqual([0]);
    // At double speed for 10 s (+ slack) it is believable.
    expect((await report('assistant_teacher', id, [[0, 25]])).json()).toEqual({ watchedSeconds: 25 });
  });

  it('lets only the viewer report on her viewing: another user gets 403 and nothing changes; no such viewing is 404', async () => {
    const id = await startOk('student');
    await elapse(id, 60);
    expect((await report('teacher', id, [[0, 30]])).statusCode).toBe(403);
    expect((await report('region_admin', id, [[0, 30]])).statusCode).toBe(403);
    expect((await report('student', 999_999, [[0, 30]])).statusCode).toBe(404);
    expect((await report('anonymous', id, [[0, 30]])).statusCode).toBe(401);
    expect((await viewing(id)).watchedSeconds).toBe(0);
  });

  it('splits a viewing that runs across midnight between the two days', async () => {
    const service = new ViewingService(new ViewingRepository(f.db), async () => undefined);
    const userId = f.ids.users.group_admin;
    await f.db.update(recordings).set({ visibility: 'group' }).where(eq(recordings.id, recordingId));
    const access = { principal: { userId, grants: [{ role: 'group_admin', regionId: null, groupId: f.ids.groupId, schoolId: null, classroomId: null }], courseOnly: null }, can: () => false } as unknown as Access;
    const day = '2026-03-01';
    const at = (time: string, seconds = 0) => new Date(shanghaiInstant(day, time).getTime() + seconds * 1000);
    const { viewingId } = await service.start(access, recordingId, { device: 'desktop', rendition: 'low' }, at('23:59', 20));
    expect(await service.report(access, viewingId, { ranges: [[0, 30]] }, at('23:59', 50))).toEqual({ watchedSeconds: 30 });
    // 23:59:50 → 00:00:20 the next day: 10 s before midnight, 20 s after.
    expect(await service.report(access, viewingId, { ranges: [[30, 60]] }, new Date(at('23:59', 50).getTime() + 30_000))).toEqual({ watchedSeconds: 60 });
    const days = (await dayRows(userId)).sort((a, b) => a.day.localeCompare(b.day));
    expect(days.map((d) => [d.day, d.week, d.views, d.watchedSeconds, d.groupId])).toEqual([
      [day, '2026-02-23', 1, 40, f.ids.groupId],
      ['2026-03-02', '2026-03-02', 0, 20, f.ids.groupId],
    ]);
  });
});
