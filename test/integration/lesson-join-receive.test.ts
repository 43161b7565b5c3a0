import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonMedia } from '../../media/index.js';
import { createOrganisationFixture, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

const OPUS = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
const VP8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 22222222 }, { ssrc: 22222223 }] };

/**
 * `lesson:join { receive: true }` opens the receiving side in the join (recv transport and a paused consumer
 * per producer the site may receive), and `consumers:resume` resumes them in one request. Real worker,
 * real Socket.IO; the lesson's media is the pool's own, watched (not replaced) to read consumer states.
 */
describe('joining with the receiving side in the ack (real mediasoup worker, real Socket.IO)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  let media: LessonMedia | null = null;

  const connect = async (principal: PrincipalKey) => {
    const socket = new LessonSocket(f.t.baseUrl!, (await f.as(principal)).cookieHeader());
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const join = (socket: LessonSocket, options: { receive?: boolean; resumeToken?: string } = {}) => socket.joinLesson(f.ids.courseId, options);
  // Paused on the worker: the receiver has not resumed it (or its tile or audio-only mode holds it).
  const paused = (participantId: string, consumerId: string) => media!.consumerState(participantId, consumerId).paused;

  let teacher: LessonSocket;
  let teacherId: string;
  let teacherProducers: string[];
  let classroom: LessonSocket;
  let classroomMic: string;

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true, mediaWorkers: 1 });
    // Keep a handle on the lesson's media as the pool makes it, to read the worker's consumer states.
    const pool = f.t.media!;
    const create = pool.createLessonMedia.bind(pool);
    pool.createLessonMedia = async (options) => (media = await create(options));

    teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    teacherId = (await join(teacher)).participantId;
    const send = await teacher.request('transport:create', { direction: 'send' });
    const mic = await teacher.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(11111111) });
    const camera = await teacher.request('producer:create', { transportId: send.id, kind: 'video', source: 'camera', rtpParameters: VP8 });
    teacherProducers = [mic.producerId, camera.producerId];

    classroom = await connect('classroom_device');
    await join(classroom);
    const classroomSend = await classroom.request('transport:create', { direction: 'send' });
    classroomMic = (await classroom.request('producer:create', { transportId: classroomSend.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(33333333) })).producerId;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('carries the recv transport and a paused consumer of every producer the site may receive, and resumes them in one request', async () => {
    const student = await connect('student');
    const joined = await join(student, { receive: true });

    expect(joined.receiving?.transport).toMatchObject({ id: expect.any(String), iceParameters: expect.anything(), dtlsParameters: expect.anything() });
    // A site receives the lead teacher, not another classroom (who may receive whom is the consume rule's).
    const consumers = joined.receiving!.consumers;
    expect(consumers.map((c) => c.producerId).sort()).toEqual([...teacherProducers].sort());
    expect(consumers.map((c) => [c.participantId, c.kind, c.source]).sort()).toEqual([
      [teacherId, 'audio', 'mic'],
      [teacherId, 'video', 'camera'],
    ]);
    expect(joined.snapshot.producers.map((p) => p.id).sort()).toEqual([...teacherProducers].sort());
    for (const c of consumers) expect(paused(joined.participantId, c.id)).toBe(true);

    await student.request('consumers:resume', { consumerIds: consumers.map((c) => c.id) });
    for (const c of consumers) expect(paused(joined.participantId, c.id)).toBe(false);
    // They are hers like any other: asking for the same producer again gives the same consumer.
    expect((await student.request('consumer:create', { producerId: teacherProducers[0]! })).id).toBe(consumers.find((c) => c.producerId === teacherProducers[0])!.id);
  });

  it('refuses a batch holding a consumer that is not hers with not_found and resumes none of it', async () => {
    const student = await connect('student_link');
    const mine = await join(student, { receive: true });
    const other = await connect('assistant_teacher');
    const theirs = await join(other, { receive: true });
    const myIds = mine.receiving!.consumers.map((c) => c.id);
    const theirId = theirs.receiving!.consumers[0]!.id;

    expect(await student.ask('consumers:resume', { consumerIds: [...myIds, theirId] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const id of myIds) expect(paused(mine.participantId, id)).toBe(true);
    expect(paused(theirs.participantId, theirId)).toBe(true);
  });

  it('answers a malformed batch with bad_request and a clear message, and stays usable', async () => {
    const student = await connect('student');
    const joined = await join(student, { receive: true });
    const ids = joined.receiving!.consumers.map((c) => c.id);
    for (const payload of [{ consumerIds: [] }, { consumerIds: 'x' }, { consumerIds: [''] }, { consumerIds: Array.from({ length: 101 }, () => ids[0]) }, { consumerIds: ids, extra: 1 }, {}]) {
      expect(await student.ask('consumers:resume', payload), JSON.stringify(payload).slice(0, 60)).toEqual({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('格式') } });
    }
    expect(await student.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] }, receive: 'yes' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    for (const id of ids) expect(paused(joined.participantId, id)).toBe(true);
    await student.request('consumers:resume', { consumerIds: ids });
    for (const id of ids) expect(paused(joined.participantId, id)).toBe(false);
  });

  it('resumed on a new socket, a site gets a fresh transport and consumers; the old ones are gone', async () => {
    const first = await connect('student');
    const before = await join(first, { receive: true });
    const second = await connect('student');
    const after = await join(second, { receive: true, resumeToken: before.resumeToken });

    expect(after.resumed).toBe(true);
    expect(after.participantId).toBe(before.participantId);
    expect(after.receiving!.transport.id).not.toBe(before.receiving!.transport.id);
    expect(after.receiving!.consumers.map((c) => c.producerId).sort()).toEqual([...teacherProducers].sort());
    const oldIds = before.receiving!.consumers.map((c) => c.id);
    expect(after.receiving!.consumers.map((c) => c.id).some((id) => oldIds.includes(id))).toBe(false);
    expect(await second.ask('consumers:resume', { consumerIds: oldIds })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await second.request('consumers:resume', { consumerIds: after.receiving!.consumers.map((c) => c.id) });
  });

  // Last: the lead teacher's rejoin starts her media afresh (her producers close with it).
  it('gives the lead teacher every site, and leaves receiving out of the ack when not asked for', async () => {
    const again = await join(teacher, { receive: true });
    expect(again.receiving!.consumers.map((c) => c.producerId)).toContain(classroomMic);
    expect(again.receiving!.consumers.map((c) => c.participantId)).not.toContain(again.participantId);
    const observer = await connect('system_admin');
    expect((await join(observer)).receiving).toBeUndefined();
  });
});
