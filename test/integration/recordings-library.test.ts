import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingDetail, RecordingList, RecordingView } from '../../shared/api/recordings.js';
import { courseStudents, courses, mediaStateIntervals, participationEvents, recordings } from '../../server/db/schema/index.js';
import { DirectoryRecordingStore, recordingFolder } from '../../server/recordings/storage.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { finishedLesson, makeRecording } from '../support/recordings.js';

/*
 * The library and replay over a real app and store: who finds and plays a recording before and after it is
 * published, the media route's Range answers, chapters from the lesson's evidence, the teacher's changes.
 */

const listed = async (f: OrganisationFixture, who: PrincipalKey, query = ''): Promise<number[]> => {
  const res = await (await f.as(who)).get(`/api/recordings${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as RecordingList).items.map((r) => r.id);
};

describe('the recordings library', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  it("lists an unpublished recording for the course's own audience only, and widens it as it is published", async () => {
    const { id } = await makeRecording(f, { title: '春天的歌 第一课' });
    for (const who of ['teacher', 'student', 'classroom_device', 'assistant_teacher', 'school_admin', 'region_admin'] as const) expect(await listed(f, who)).toContain(id);
    for (const who of ['other_school_admin', 'other_region_admin', 'other_group_admin'] as const) expect(await listed(f, who)).not.toContain(id);

    const teacher = await f.as('teacher');
    const publish = async (visibility: string | null) => {
      const res = await teacher.request('PATCH', `/api/recordings/${id}`, { visibility });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as RecordingView;
    };
    const inRegion = await publish('region');
    expect(inRegion.visibility).toBe('region');
    expect(inRegion.publishedAt).not.toBeNull();
    expect(await listed(f, 'other_school_admin')).toContain(id);
    expect(await listed(f, 'other_region_admin')).not.toContain(id);
    await publish('everyone');
    expect(await listed(f, 'other_region_admin')).toContain(id);
    const unpublished = await publish(null);
    expect(unpublished).toMatchObject({ visibility: null, publishedAt: null });
    expect(await listed(f, 'other_school_admin')).not.toContain(id);
  });

  it('filters by subject, grade, lesson kind, school and teacher, and searches title, course, teacher and school', async () => {
    const { id } = await makeRecording(f, { title: '节奏练习 公开课' });
    expect(await listed(f, 'student', '?subject=music&grade=3&lessonKind=delivered')).toContain(id);
    expect(await listed(f, 'student', '?subject=art')).not.toContain(id);
    expect(await listed(f, 'student', `?schoolId=${f.ids.leadSchoolId}&teacherId=${f.ids.users.teacher}`)).toContain(id);
    const facets = ((await (await f.as('student')).get('/api/recordings')).json() as RecordingList).facets;
    expect(facets).toEqual({ schools: [{ id: f.ids.leadSchoolId, name: '城关第一小学' }], teachers: [{ id: f.ids.users.teacher, name: '王老师' }] });
    expect(await listed(f, 'student', `?schoolId=${f.ids.teachingPointId}`)).not.toContain(id);
    for (const q of ['节奏', '三年级音乐', '王老师', '城关第一小学', '节奏 王老师']) expect(await listed(f, 'student', `?q=${encodeURIComponent(q)}`)).toContain(id);
    expect(await listed(f, 'student', `?q=${encodeURIComponent('数学')}`)).not.toContain(id);
    expect(await listed(f, 'student', `?q=${encodeURIComponent('100%')}`)).not.toContain(id);
    expect((await (await f.as('student')).get('/api/recordings?subject=dance')).statusCode).toBe(400);
  });

  it('shows viewers only ready recordings, and the teacher her own in every status', async () => {
    const processing = await makeRecording(f, { status: 'processing' });
    const failed = await makeRecording(f, { status: 'failed' });
    expect(await listed(f, 'student')).not.toContain(processing.id);
    const mine = await listed(f, 'teacher', '?mine=true');
    expect(mine).toEqual(expect.arrayContaining([processing.id, failed.id]));
    // `mine` is what the caller manages: not the student's.
    expect(await listed(f, 'student', '?mine=true')).toEqual([]);
    const view = ((await (await f.as('teacher')).get(`/api/recordings/${processing.id}`)).json() as RecordingDetail).recording;
    expect(view).toMatchObject({ status: 'processing', progress: 40, renditions: [], canManage: true });
  });

  it('pages the library', async () => {
    const all = await listed(f, 'teacher');
    const res = (await (await f.as('teacher')).get('/api/recordings?page=2')).json() as RecordingList;
    expect(res).toMatchObject({ page: 2, pageSize: 24, total: all.length, items: [] });
  });

  it('serves a rendition with HTTP Range requests, checking access on every request', async () => {
    const { id, sizeBytes } = await makeRecording(f);
    const student = await f.as('student');
    const url = `/api/recordings/${id}/media/high`;
    const whole = await student.get(url);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['cache-control']).toMatch(/^private/);
    expect(whole.rawPayload.length).toBe(sizeBytes);
    expect(whole.rawPayload.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const part = await student.request('GET', url, undefined, { range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${sizeBytes}`);
    expect(part.rawPayload).toEqual(whole.rawPayload.subarray(100, 200));
    const tail = await student.request('GET', url, undefined, { range: `bytes=${sizeBytes - 10}-` });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.length).toBe(10);
    const past = await student.request('GET', url, undefined, { range: `bytes=${sizeBytes + 10}-` });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${sizeBytes}`);

    for (const who of ['other_region_admin', 'other_school_admin'] as const) {
      const res = await (await f.as(who)).request('GET', url, undefined, { range: 'bytes=0-99' });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.rawPayload.includes(Buffer.from('ftyp'))).toBe(false);
    }
    expect((await (await f.as('anonymous')).get(url)).statusCode).toBe(401);

    // Access is asked again on the next request: once the student leaves the course, no more bytes.
    await f.db.delete(courseStudents).where(eq(courseStudents.studentId, f.ids.users.student));
    try {
      expect((await student.request('GET', url, undefined, { range: 'bytes=0-99' })).statusCode).toBe(403);
    } finally {
      await f.db.insert(courseStudents).values({ courseId: f.ids.courseId, studentId: f.ids.users.student });
    }
  });

  it('answers 404 for a rendition whose file is missing, a recording not ready, and an unknown one', async () => {
    const missing = await makeRecording(f);
    const store = new DirectoryRecordingStore(f.t.config.recordingsDir);
    await rm(await store.pathOf(`${recordingFolder(missing.lessonSessionId, missing.id)}/low.mp4`));
    const student = await f.as('student');
    expect((await student.get(`/api/recordings/${missing.id}/media/high`)).statusCode).toBe(200);
    expect((await student.get(`/api/recordings/${missing.id}/media/low`)).statusCode).toBe(404);
    const processing = await makeRecording(f, { status: 'processing' });
    expect((await student.get(`/api/recordings/${processing.id}/media/high`)).statusCode).toBe(404);
    expect((await student.get('/api/recordings/999999/media/high')).statusCode).toBe(404);
    expect((await student.get(`/api/recordings/${missing.id}/media/medium`)).statusCode).toBe(400);
  });

  it("makes chapters of the lesson's stage, hands, polls and screen sharing inside the recording's span", async () => {
    const lessonStart = new Date('2026-09-14T01:00:00Z');
    const lessonSessionId = await finishedLesson(f, lessonStart);
    const startedAt = new Date(lessonStart.getTime() + 5 * 60_000);
    const { id } = await makeRecording(f, { lessonSessionId, startedAt, durationMs: 20 * 60_000 });
    const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000);
    const site = { lessonSessionId, participantId: 'p-room', userId: f.ids.users.classroom_device, classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId, regionId: f.ids.regionId };
    await f.db.insert(participationEvents).values([
      { ...site, kind: 'hand_raised', occurredAt: at(-2) },
      { ...site, kind: 'hand_raised', occurredAt: at(1) },
      { ...site, kind: 'stage_invited', occurredAt: at(2) },
      { ...site, kind: 'stage_returned', occurredAt: at(4) },
      { ...site, kind: 'poll_answer', occurredAt: at(6), pollId: 'q1', correct: true },
      { ...site, participantId: 'p-student', userId: f.ids.users.student, classroomId: null, kind: 'poll_answer', occurredAt: at(6.5), pollId: 'q1', correct: false },
      { ...site, kind: 'poll_answer', occurredAt: at(9), pollId: 'q2', correct: true },
      { ...site, kind: 'chat_message', occurredAt: at(10) },
      { ...site, kind: 'stage_invited', occurredAt: at(25) },
    ]);
    await f.db.insert(mediaStateIntervals).values({ lessonSessionId, participantId: 'p-teacher', userId: f.ids.users.teacher, schoolId: f.ids.leadSchoolId, kind: 'screen_sharing', startedAt: at(12), endedAt: at(15) });
    const res = await (await f.as('student')).get(`/api/recordings/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json() as RecordingDetail;
    expect(detail.chapters).toEqual([
      { atSeconds: 60, kind: 'hand_raised', label: '石门教学点 教学点教室' },
      { atSeconds: 120, kind: 'stage_invited', label: '石门教学点 教学点教室' },
      { atSeconds: 240, kind: 'stage_returned', label: '石门教学点 教学点教室' },
      { atSeconds: 360, kind: 'poll', label: '1' },
      { atSeconds: 540, kind: 'poll', label: '2' },
      { atSeconds: 720, kind: 'screen_share', label: '王老师' },
    ]);
    expect(detail.recording.renditions.map((r) => [r.rendition, r.url])).toEqual([
      ['high', `/api/recordings/${id}/media/high`],
      ['low', `/api/recordings/${id}/media/low`],
    ]);
    expect((await (await f.as('other_region_admin')).get(`/api/recordings/${id}`)).statusCode).toBe(403);
  });

  it("lets the lead teacher rename and publish, and nobody else of the course; a recording not ready is not published", async () => {
    const { id } = await makeRecording(f);
    for (const who of ['assistant_teacher', 'student', 'classroom_device', 'other_region_admin'] as const) {
      expect((await (await f.as(who)).request('PATCH', `/api/recordings/${id}`, { title: '改名' })).statusCode).toBe(403);
    }
    const teacher = await f.as('teacher');
    expect((await teacher.request('PATCH', `/api/recordings/${id}`, { title: '第三单元 复习' })).json()).toMatchObject({ title: '第三单元 复习' });
    expect((await teacher.request('PATCH', `/api/recordings/${id}`, {})).statusCode).toBe(400);
    expect((await teacher.request('PATCH', `/api/recordings/${id}`, { visibility: 'world' })).statusCode).toBe(400);
    const processing = await makeRecording(f, { status: 'processing' });
    expect((await teacher.request('PATCH', `/api/recordings/${processing.id}`, { visibility: 'group' })).statusCode).toBe(409);
    const [row] = await f.db.select().from(recordings).where(eq(recordings.id, processing.id));
    expect(row!.visibility).toBeNull();
  });

  it('deletes the files and keeps the row, marked deleted, out of the library', async () => {
    const { id, lessonSessionId } = await makeRecording(f, { visibility: 'everyone' });
    const store = new DirectoryRecordingStore(f.t.config.recordingsDir);
    const folder = `${store.root}/${recordingFolder(lessonSessionId, id)}`;
    expect(existsSync(folder)).toBe(true);
    for (const who of ['student', 'other_region_admin', 'other_school_admin'] as const) expect((await (await f.as(who)).request('DELETE', `/api/recordings/${id}`)).statusCode).toBe(403);
    expect(existsSync(folder)).toBe(true);
    expect((await f.db.select().from(recordings).where(eq(recordings.id, id)))[0]).toMatchObject({ status: 'ready', visibility: 'everyone' });
    const teacher = await f.as('teacher');
    expect((await teacher.request('DELETE', `/api/recordings/${id}`)).statusCode).toBe(204);
    expect(existsSync(folder)).toBe(false);
    const [row] = await f.db.select().from(recordings).where(eq(recordings.id, id));
    expect(row).toMatchObject({ status: 'deleted', visibility: null, highKey: null, lowKey: null });
    expect(row!.deletedAt).not.toBeNull();
    expect(await listed(f, 'other_region_admin')).not.toContain(id);
    expect(await listed(f, 'teacher', '?mine=true')).toContain(id);
    expect((await teacher.get(`/api/recordings/${id}/media/high`)).statusCode).toBe(404);
    const live = await makeRecording(f, { status: 'recording' });
    expect((await teacher.request('DELETE', `/api/recordings/${live.id}`)).statusCode).toBe(409);
  });

  it("lists a lesson's recordings for those who may open its report", async () => {
    const lessonSessionId = await finishedLesson(f, new Date('2026-09-21T01:00:00Z'));
    const first = await makeRecording(f, { lessonSessionId, startedAt: new Date('2026-09-21T01:02:00Z') });
    const second = await makeRecording(f, { lessonSessionId, startedAt: new Date('2026-09-21T01:20:00Z'), status: 'processing' });
    const res = await (await f.as('student')).get(`/api/lessons/${lessonSessionId}/recordings`);
    expect(res.statusCode).toBe(200);
    expect((res.json() as RecordingView[]).map((r) => r.id)).toEqual([first.id, second.id]);
    expect((await (await f.as('other_region_admin')).get(`/api/lessons/${lessonSessionId}/recordings`)).statusCode).toBe(403);
    expect((await (await f.as('student')).get('/api/lessons/999999/recordings')).statusCode).toBe(404);
  });

  it("sets the course's recording policy: the lead teacher or an admin over it, a bad value changes nothing", async () => {
    const url = `/api/courses/${f.ids.courseId}/recording-policy`;
    const policy = async () => (await f.db.select({ p: courses.recordingPolicy }).from(courses).where(eq(courses.id, f.ids.courseId)))[0]!.p;
    expect((await (await f.as('student')).get(url)).json()).toEqual({ policy: 'teacher_choice' });
    expect((await (await f.as('teacher')).request('PUT', url, { policy: 'always' })).json()).toEqual({ policy: 'always' });
    expect(await policy()).toBe('always');
    expect((await (await f.as('assistant_teacher')).request('PUT', url, { policy: 'never' })).statusCode).toBe(403);
    expect((await (await f.as('other_region_admin')).request('PUT', url, { policy: 'never' })).statusCode).toBe(403);
    expect((await (await f.as('school_admin')).request('PUT', url, { policy: 'sometimes' })).statusCode).toBe(400);
    expect(await policy()).toBe('always');
    expect((await (await f.as('school_admin')).request('PUT', url, { policy: 'never' })).json()).toEqual({ policy: 'never' });
  });
});
