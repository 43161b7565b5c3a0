import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonMedia } from '../../media/index.js';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import type { LiveLessons } from '../../shared/api/lessons.js';
import type { ParticipantChanges } from '../../shared/lesson/protocol.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';
import { closedAttendance, LessonSocket, recordedEnd } from '../support/lesson-socket.js';

/*
 * A broadcast lesson (直播, 名校网络课堂) over the real gateway, a real mediasoup worker and the real store:
 * students of the region who are none of the course's join as receive-only viewers, are listed to no site,
 * are counted for the lead teacher, get the teacher's camera below its top layer, raise a hand, are invited
 * on stage and send, and are recorded as live viewers. A lesson that is not broadcast refuses them.
 */

const OPUS = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
const VP8_SIMULCAST = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 55550001 }, { ssrc: 55550002 }, { ssrc: 55550003 }] };

/** Everyone a site's list heard of, from its `participants:changed` events. */
const listedTo = (socket: LessonSocket) =>
  socket.received.flatMap((r) => (r.event === 'participants:changed' ? [...(r.payload as ParticipantChanges).joined, ...(r.payload as ParticipantChanges).updated] : []));

describe('a broadcast lesson (直播) and its viewers', () => {
  let f: OrganisationFixture;
  let media: LessonMedia | undefined;
  const sockets: LessonSocket[] = [];
  const connect = async (cookie: string) => {
    const socket = new LessonSocket(f.t.baseUrl!, cookie);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const signIn = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    return connect(client.cookieHeader());
  };
  /** What her home page is told is live: her own courses' lessons, and broadcasts she may watch. */
  const liveFor = async (username: string) => {
    const client = new TestClient(f.t.app);
    expect((await client.login(username, FIXTURE_PASSWORD)).statusCode).toBe(200);
    const response = await client.request('GET', '/api/lessons/live');
    expect(response.statusCode).toBe(200);
    return response.json() as LiveLessons;
  };
  let homeStudentId: number;

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 1 });
    const pool = f.t.media!;
    const create = pool.createLessonMedia.bind(pool);
    pool.createLessonMedia = async (options) => (media = await create(options));
    // A pupil of the region's independent school, at home: no part of the course, nor of its group.
    homeStudentId = await f.addUser('pupil-home', 'student', { schoolId: f.ids.independentSchoolId });
    await f.addUser('pupil-far', 'student', { schoolId: f.ids.otherSchoolId });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('refuses viewers of a lesson that is not broadcast, saying why, and anyone outside the region', async () => {
    const teacher = await connect((await f.as('teacher')).cookieHeader());
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    expect((await teacher.joinLesson(f.ids.courseId)).snapshot.broadcast).toEqual({ enabled: false, viewers: 0 });
    const home = await signIn('pupil-home');
    expect(await home.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } })).toMatchObject({
      ok: false,
      error: { code: 'not_broadcast', message: '这节课没有开直播，只有本课程的教室和学生可以进入。' },
    });
    const far = await signIn('pupil-far');
    expect(await far.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // No home offers her a lesson that is not broadcast.
    expect(await liveFor('pupil-home')).toEqual({ lessons: [], broadcasts: [] });
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
  }, 30_000);

  it('lets a pupil of the region watch, unlisted and counted, below the top layer; her hand takes her on stage to send; she is recorded as a viewer', async () => {
    const teacher = await connect((await f.as('teacher')).cookieHeader());
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId, broadcast: true });
    const lead = await teacher.joinLesson(f.ids.courseId);
    expect(lead.snapshot.broadcast).toEqual({ enabled: true, viewers: 0 });
    // The region's pupil finds it on her home, to watch; the course's own see it as their lesson; another region's, nothing.
    expect((await liveFor('pupil-home')).broadcasts).toEqual([expect.objectContaining({ courseId: f.ids.courseId, lessonSessionId, courseName: '三年级音乐' })]);
    expect(await liveFor('pupil-home')).toMatchObject({ lessons: [] });
    expect(await liveFor('student')).toMatchObject({ lessons: [expect.objectContaining({ lessonSessionId })], broadcasts: [] });
    expect(await liveFor('pupil-far')).toEqual({ lessons: [], broadcasts: [] });
    const send = await teacher.request('transport:create', { direction: 'send' });
    const { producerId: camera } = await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8_SIMULCAST });
    await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(55550010) });
    const classroom = await connect((await f.as('classroom_device')).cookieHeader());
    const room = await classroom.joinLesson(f.ids.courseId, { receive: true });
    const roomCamera = room.receiving!.consumers.find((c) => c.producerId === camera)!;
    await classroom.request('consumers:resume', { consumerIds: room.receiving!.consumers.map((c) => c.id) });

    const home = await signIn('pupil-home');
    const watching = await home.joinLesson(f.ids.courseId, { receive: true });
    // She is a viewer; she is shown the teacher and herself, not the classroom.
    expect(watching.snapshot.participants.map((p) => [p.kind, p.id === watching.participantId])).toEqual([
      ['lead_teacher', false],
      ['viewer', true],
    ]);
    expect(watching.snapshot.broadcast).toEqual({ enabled: true, viewers: 0 });
    expect((await teacher.nextEvent('viewers:changed')).count).toBe(1);
    // A number to the teacher: her list never heard of the viewer's join (it would have come before the count).
    expect(listedTo(teacher).some((p) => p.id === watching.participantId)).toBe(false);
    // The teacher's camera and microphone from the join on; the camera never above its middle layer.
    const viewerCamera = watching.receiving!.consumers.find((c) => c.producerId === camera)!;
    expect(watching.receiving!.consumers.map((c) => c.kind).sort()).toEqual(['audio', 'video']);
    await home.request('consumers:resume', { consumerIds: watching.receiving!.consumers.map((c) => c.id) });
    await home.request('consumer:tile', { consumerId: viewerCamera.id, width: 1920, height: 1080, visible: true });
    await classroom.request('consumer:tile', { consumerId: roomCamera.id, width: 1920, height: 1080, visible: true });
    expect(media!.consumerState(watching.participantId, viewerCamera.id)).toMatchObject({ spatialLayers: 3, preferredSpatialLayer: 1, paused: false });
    expect(media!.consumerState(room.participantId, roomCamera.id).preferredSpatialLayer).toBe(2);

    // Receive-only: no send transport, no producer, no chat, no board.
    expect(await home.ask('transport:create', { direction: 'send' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await home.ask('producer:create', { transportId: watching.receiving!.transport.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(55550020) })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await home.ask('chat:send', { text: '老师好' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await home.ask('stage:invite', { participantId: watching.participantId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Her hand: the teacher hears of her now (to call her), the classroom still does not.
    await home.request('hand:raise', {});
    const raised = await teacher.nextParticipant('updated', (p) => p.id === watching.participantId);
    expect(raised).toMatchObject({ kind: 'viewer', displayName: 'pupil-home' });
    expect(raised.handRaisedAt).not.toBeNull();
    expect((await teacher.nextEvent('hand:queue', (q) => q.queue.length === 1)).queue[0]!.participantId).toBe(watching.participantId);
    expect(listedTo(classroom).some((p) => p.id === watching.participantId)).toBe(false);

    // On stage she may send like an invited site; the classroom now sees her and is offered her microphone.
    await teacher.request('stage:invite', { participantId: watching.participantId });
    await classroom.nextParticipant('updated', (p) => p.id === watching.participantId && p.onStage);
    const stageSend = await home.request('transport:create', { direction: 'send' });
    const { producerId: herMic } = await home.request('producer:create', { transportId: stageSend.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(55550030) });
    expect((await classroom.nextEvent('producer:new', (p) => p.id === herMic)).participantId).toBe(watching.participantId);
    // Back off stage she receives only again: what she sent ends.
    await home.request('stage:return', { participantId: watching.participantId });
    await classroom.nextEvent('producer:closed', (p) => p.producerId === herMic);
    expect(await home.ask('producer:create', { transportId: stageSend.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(55550031) })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await home.request('lesson:leave', {});
    expect((await teacher.nextEvent('viewers:changed', (v) => v.count === 0)).count).toBe(0);
    await teacher.request('lesson:end', {});
    await recordedEnd(f.db, lessonSessionId);
    const attendance = await closedAttendance(f.db, lessonSessionId);
    expect(attendance.filter((a) => a.userId === homeStudentId).map((a) => [a.siteKind, a.schoolId, a.regionId])).toEqual([['viewer', f.ids.independentSchoolId, f.ids.regionId]]);

    // The county sees her as a live viewer of the lesson; she was on stage, so she has her row too.
    const county = await f.as('region_admin');
    const report = (await county.get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    expect(report.header.liveViewers.count).toBe(1);
    expect(report.participants.filter((p) => p.kind === 'viewer').map((p) => [p.userId, p.stageInvitations])).toEqual([[homeStudentId, 1]]);
  }, 40_000);
});
