import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyObservations, ObservationNote, ObservationView } from '../../shared/api/research-observations.js';
import { lessonReviews, lessonSessions, observationNotes, observations, recordings } from '../../server/db/schema/index.js';
import { ObservationsRepository } from '../../server/research/observations/repository.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, recordFinishedLesson, type OrganisationFixture } from '../support/fixtures.js';
import { TestClient } from '../support/app.js';

/*
 * 听课笔记 over the fixture county: the music course's lead teacher is 王老师 at the lead school. 河口中学 (the
 * region's independent school) has a teacher who may observe her lessons (same region); 邻县 has a teacher who
 * may not. A finished 40-minute lesson is observed; a second, live lesson takes notes "until now".
 */
describe('observation notes', () => {
  let f: OrganisationFixture;
  let lessonId: number;
  let liveLessonId: number;
  let observer: TestClient;
  let colleague: TestClient;
  let outsider: TestClient;

  const signIn = async (username: string): Promise<TestClient> => {
    const client = new TestClient(f.t.app);
    const res = await client.login(username, FIXTURE_PASSWORD);
    expect(res.statusCode, res.body).toBe(200);
    return client;
  };

  beforeAll(async () => {
    f = await createOrganisationFixture();
    lessonId = await recordFinishedLesson(f, new Date(Date.now() - 2 * 3600_000), []);
    const started = new Date(Date.now() - 10 * 60_000);
    const [live] = await f.db
      .insert(lessonSessions)
      .values({ courseId: f.ids.courseId, startedBy: f.ids.users.teacher, startedAt: started, lastHeartbeatAt: new Date() })
      .returning();
    liveLessonId = live!.id;
    await f.addUser('observer', 'teacher', { schoolId: f.ids.independentSchoolId });
    await f.addUser('colleague', 'teacher', { schoolId: f.ids.independentSchoolId });
    await f.addUser('outsider', 'teacher', { schoolId: f.ids.otherSchoolId });
    [observer, colleague, outsider] = await Promise.all([signIn('observer'), signIn('colleague'), signIn('outsider')]);
  });
  afterAll(async () => f.close());

  const open = async (client: TestClient, lesson = lessonId, mode = 'replay'): Promise<ObservationView> => {
    const res = await client.post(`/api/lessons/${lesson}/observation`, { mode });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as ObservationView;
  };
  const rowsOf = async (lesson: number) => f.db.select().from(observations).where(eq(observations.lessonSessionId, lesson));

  it('opens one observation per lesson and observer, keeping the first mode', async () => {
    const repo = new ObservationsRepository(f.db);
    await repo.open(liveLessonId, f.ids.users.region_admin, 'live');
    await repo.open(liveLessonId, f.ids.users.region_admin, 'replay');
    expect((await rowsOf(liveLessonId)).map((r) => r.mode)).toEqual(['live']);

    const first = await open(observer);
    const again = await open(observer, lessonId, 'live');
    expect(again.id).toBe(first.id);
    expect(again.mode).toBe('replay');
    expect(first).toMatchObject({ lessonSessionId: lessonId, courseName: '三年级音乐', schoolName: '城关第一小学', leadTeacher: { id: f.ids.users.teacher, name: '王老师' }, notes: [], submitted: false, reviewClosed: false });
    expect(first.lessonEndedAt).not.toBeNull();
    expect(await rowsOf(lessonId)).toHaveLength(1);
  });

  it('answers 404 for her observation of a lesson she has not opened', async () => {
    expect((await colleague.get(`/api/lessons/${lessonId}/observation`)).statusCode).toBe(404);
  });

  it('refuses an outsider of another region and writes nothing', async () => {
    const before = (await rowsOf(lessonId)).length;
    const res = await outsider.post(`/api/lessons/${lessonId}/observation`, { mode: 'replay' });
    expect(res.statusCode).toBe(403);
    expect(await rowsOf(lessonId)).toHaveLength(before);
    expect((await outsider.get(`/api/lessons/${lessonId}/observation`)).statusCode).toBe(403);
    // Nor may the other region's admin observe, or the course's own lead teacher (she teaches it).
    expect((await (await f.as('other_region_admin')).post(`/api/lessons/${lessonId}/observation`, { mode: 'replay' })).statusCode).toBe(403);
    expect((await (await f.as('teacher')).post(`/api/lessons/${lessonId}/observation`, { mode: 'replay' })).statusCode).toBe(403);
    expect(await rowsOf(lessonId)).toHaveLength(before);
  });

  it('keeps her notes in lesson-time order and lets only her change them', async () => {
    const mine = await open(observer);
    const add = (atMs: number, text: string) => observer.post(`/api/observations/${mine.id}/notes`, { atMs, text, mode: 'replay' });
    const late = (await add(30 * 60_000, '小组合作环节，教学点学生参与积极')).json() as ObservationNote;
    const early = (await add(65_000, '  导入用了歌曲视频  ')).json() as ObservationNote;
    expect(early).toMatchObject({ atMs: 65_000, text: '导入用了歌曲视频', mode: 'replay' });

    const edited = await observer.patch(`/api/observations/${mine.id}/notes/${late.id}`, { text: '小组合作环节，两个教室都参与' });
    expect(edited.statusCode, edited.body).toBe(200);
    const view = (await observer.get(`/api/lessons/${lessonId}/observation`)).json() as ObservationView;
    expect(view.notes.map((n) => [n.atMs, n.text])).toEqual([
      [65_000, '导入用了歌曲视频'],
      [30 * 60_000, '小组合作环节，两个教室都参与'],
    ]);

    // Another observer of the same lesson reaches none of them, and writes nothing on her observation.
    await open(colleague);
    expect((await colleague.post(`/api/observations/${mine.id}/notes`, { atMs: 1000, text: '不是我的', mode: 'replay' })).statusCode).toBe(403);
    expect((await colleague.patch(`/api/observations/${mine.id}/notes/${late.id}`, { text: '改掉' })).statusCode).toBe(403);
    expect((await colleague.delete(`/api/observations/${mine.id}/notes/${late.id}`)).statusCode).toBe(403);
    expect((await colleague.delete(`/api/observations/999999/notes/${late.id}`)).statusCode).toBe(404);
    // A note id of her observation named under his own observation is not his either.
    const his = (await colleague.get(`/api/lessons/${lessonId}/observation`)).json() as ObservationView;
    expect((await colleague.delete(`/api/observations/${his.id}/notes/${late.id}`)).statusCode).toBe(404);
    expect(await f.db.select().from(observationNotes).where(eq(observationNotes.observationId, mine.id))).toHaveLength(2);

    expect((await observer.delete(`/api/observations/${mine.id}/notes/${early.id}`)).statusCode).toBe(204);
    expect(((await observer.get(`/api/lessons/${lessonId}/observation`)).json() as ObservationView).notes.map((n) => n.id)).toEqual([late.id]);

    const list = (await observer.get('/api/observations/mine')).json() as MyObservations;
    expect(list.items).toEqual([expect.objectContaining({ id: mine.id, lessonSessionId: lessonId, teacherName: '王老师', courseName: '三年级音乐', notesCount: 1, submitted: false })]);
  });

  it('refuses a note stamped outside the lesson with a message naming the field', async () => {
    const mine = await open(observer);
    const past = await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 40 * 60_000 + 1, text: '下课以后', mode: 'replay' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.details).toEqual([expect.objectContaining({ path: 'atMs' })]);
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: -1, text: '上课以前', mode: 'replay' })).statusCode).toBe(400);
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 1000, text: '', mode: 'replay' })).statusCode).toBe(400);
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 1000, text: '长'.repeat(1001), mode: 'replay' })).statusCode).toBe(400);
    expect(await f.db.select().from(observationNotes).where(eq(observationNotes.atMs, 40 * 60_000 + 1))).toHaveLength(0);

    // A live lesson takes notes up to now (and a minute's grace for the page's clock), not beyond.
    const live = await open(observer, liveLessonId, 'live');
    expect(live.lessonEndedAt).toBeNull();
    expect((await observer.post(`/api/observations/${live.id}/notes`, { atMs: 10 * 60_000, text: '现在', mode: 'live' })).statusCode).toBe(200);
    expect((await observer.post(`/api/observations/${live.id}/notes`, { atMs: 15 * 60_000, text: '五分钟以后', mode: 'live' })).statusCode).toBe(400);
  });

  it('places the recordings she may watch on the lesson timeline', async () => {
    const [lesson] = await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonId));
    await f.db.insert(recordings).values({ lessonSessionId: lessonId, courseId: f.ids.courseId, title: '三年级音乐 录像', status: 'ready', startedAt: new Date(lesson!.startedAt.getTime() + 90_000), durationMs: 30 * 60_000 });
    // Not published: the region's admin (over its sites) may watch it; a teacher of another school may not.
    const admin = await open(await f.as('region_admin'));
    expect(admin.recordings).toEqual([expect.objectContaining({ title: '三年级音乐 录像', offsetMs: 90_000, durationMs: 30 * 60_000, ready: true })]);
    expect((await open(observer)).recordings).toEqual([]);
    await f.db.update(recordings).set({ visibility: 'region' }).where(eq(recordings.lessonSessionId, lessonId));
    expect((await open(observer)).recordings.map((r) => r.offsetMs)).toEqual([90_000]);

    // The replay page offers the note pad to whoever may observe the recorded lesson, not to its own teacher.
    const [recording] = await f.db.select().from(recordings).where(eq(recordings.lessonSessionId, lessonId));
    const detail = async (client: TestClient) => (await client.get(`/api/recordings/${recording!.id}`)).json() as { canObserve?: boolean };
    expect((await detail(observer)).canObserve).toBe(true);
    expect((await detail(await f.as('teacher'))).canObserve).toBe(false);
  });

  it('refuses every change to notes once the lesson review closed', async () => {
    const mine = await open(observer);
    const [note] = mine.notes;
    await f.db.insert(lessonReviews).values({ lessonSessionId: lessonId, closesAt: new Date(Date.now() + 86_400_000) });
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 2000, text: '还开着', mode: 'replay' })).statusCode).toBe(200);

    await f.db.update(lessonReviews).set({ closedAt: new Date() }).where(eq(lessonReviews.lessonSessionId, lessonId));
    const before = await f.db.select().from(observationNotes).where(eq(observationNotes.observationId, mine.id));
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 3000, text: '关了', mode: 'replay' })).statusCode).toBe(409);
    expect((await observer.patch(`/api/observations/${mine.id}/notes/${note!.id}`, { text: '关了' })).statusCode).toBe(409);
    expect((await observer.delete(`/api/observations/${mine.id}/notes/${note!.id}`)).statusCode).toBe(409);
    expect(await f.db.select().from(observationNotes).where(eq(observationNotes.observationId, mine.id))).toEqual(before);
    expect((await open(observer)).reviewClosed).toBe(true);

    // A review whose closing time passed is closed too, without anyone closing it.
    await f.db.update(lessonReviews).set({ closedAt: null, closesAt: new Date(Date.now() - 1000) }).where(eq(lessonReviews.lessonSessionId, lessonId));
    expect((await observer.post(`/api/observations/${mine.id}/notes`, { atMs: 3000, text: '过期', mode: 'replay' })).statusCode).toBe(409);
  });
});
