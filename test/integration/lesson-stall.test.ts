import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport } from '../../shared/api/evidence-lesson.js';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket, closedAttendance, lessonDriver } from '../support/lesson-socket.js';

const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };
const OPUS_ROOM = { ...OPUS, encodings: [{ ssrc: 33333333 }] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The reconnect grace of this file's server: long enough to come back in, short enough to wait out. */
const GRACE_SECONDS = 4;

/*
 * A signalling stall does not take a site's media (issue #15, NETWORK-LAB.md: at 40 % loss the old ping
 * timeout dropped a classroom whose audio might have survived). On the real gateway and a real worker:
 * a classroom whose socket drops keeps its transports, producers and consumers; back within the grace
 * period it resumes them by id as the same participant, with one attendance interval; a site that never
 * comes back is gone after the grace, its media with it.
 */
describe('a dropped signalling link keeps the site media (real worker, two scripted sockets)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true }, { reconnectGraceSeconds: GRACE_SECONDS });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await f.close();
  });

  const { connect, join } = lessonDriver(() => f, sockets);

  /** A lesson where the teacher sends her mic and the classroom receives it and sends its own. */
  const lessonWithMedia = async () => {
    const teacher = await connect('teacher');
    const { lessonSessionId } = await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    const teacherSend = await teacher.request('transport:create', { direction: 'send' });
    const { producerId: teacherMic } = await teacher.request('producer:create', { transportId: teacherSend.id, kind: 'audio', source: 'mic', rtpParameters: OPUS });

    const room = await connect('classroom_device');
    const joined = await room.joinLesson(f.ids.courseId, { receive: true });
    expect(joined.receiving?.consumers.map((c) => c.producerId)).toEqual([teacherMic]);
    const roomSend = await room.request('transport:create', { direction: 'send' });
    const { producerId: roomMic } = await room.request('producer:create', { transportId: roomSend.id, kind: 'audio', source: 'mic', rtpParameters: OPUS_ROOM });
    await teacher.nextEvent('producer:new', (p) => p.id === roomMic);
    return {
      teacher,
      room,
      lessonSessionId,
      roomParticipantId: joined.participantId,
      transportIds: [joined.receiving!.transport.id, roomSend.id],
      consumerId: joined.receiving!.consumers[0]!.id,
      roomMic,
    };
  };

  /** Drops the socket the way a broken link does (the transport closes; no goodbye from the client). */
  const dropLink = (socket: LessonSocket) => socket.socket.io.engine.close();

  it('keeps the media of a site whose socket dropped, and resumes it by id as the same participant', async () => {
    const { teacher, room, lessonSessionId, roomParticipantId, transportIds, consumerId, roomMic } = await lessonWithMedia();

    dropLink(room);
    await teacher.nextParticipant('updated', (p) => p.id === roomParticipantId && p.connection === 'reconnecting');
    // A few seconds of stall: the classroom's microphone is still offered, nobody was told it closed.
    await sleep(1_500);
    expect(teacher.received.filter((r) => r.event === 'producer:closed')).toEqual([]);

    const back = await connect('classroom_device');
    const rejoined = await back.joinLesson(f.ids.courseId, { receive: true, resumeMedia: { transportIds } });
    expect(rejoined).toMatchObject({ participantId: roomParticipantId, resumed: true });
    expect(rejoined.resumedMedia).toEqual({ transportIds: expect.arrayContaining(transportIds), producerIds: [roomMic], consumerIds: [consumerId] });
    expect(rejoined.resumedMedia!.transportIds).toHaveLength(2);
    // Nothing new was made for her: no second recv transport, no second consumer.
    expect(rejoined.receiving).toBeUndefined();
    // The kept consumer and producer are hers on the new socket.
    await back.request('consumer:resume', { consumerId });
    await back.request('producer:pause', { producerId: roomMic });
    await teacher.nextParticipant('updated', (p) => p.id === roomParticipantId && p.connection === 'connected');
    expect(teacher.received.filter((r) => r.event === 'producer:closed')).toEqual([]);
    expect(room.socket.connected).toBe(false);

    await teacher.request('lesson:end', {});
    // One continuous attendance interval for the classroom, in the store and in the lesson report.
    const rows = (await closedAttendance(f.db, lessonSessionId)).filter((r) => r.participantId === roomParticipantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.leaveReason).toBe('lesson_ended');
    const report = (await (await f.as('teacher')).get(`/api/reports/lessons/${lessonSessionId}`)).json() as LessonReport;
    const classroom = report.participants.filter((p) => p.userId === f.ids.users.classroom_device);
    expect(classroom).toHaveLength(1);
    expect(classroom[0]!.spells).toEqual([expect.objectContaining({ leaveReason: 'lesson_ended' })]);
  });

  it('builds afresh when the client offers other transports than those kept (a reload, a new tab)', async () => {
    const { teacher, room, roomParticipantId, transportIds, roomMic } = await lessonWithMedia();
    dropLink(room);
    await teacher.nextParticipant('updated', (p) => p.id === roomParticipantId && p.connection === 'reconnecting');

    const back = await connect('classroom_device');
    const rejoined = await back.joinLesson(f.ids.courseId, { receive: true, resumeMedia: { transportIds: [transportIds[0]!] } });
    expect(rejoined).toMatchObject({ participantId: roomParticipantId, resumed: true });
    expect(rejoined.resumedMedia).toBeUndefined();
    expect(rejoined.receiving?.transport.id).not.toBe(transportIds[0]);
    await teacher.nextEvent('producer:closed', (p) => p.producerId === roomMic);
    await teacher.request('lesson:end', {});
  });

  it('closes the media of a site that never comes back when the grace period ends (no ghosts)', async () => {
    const { teacher, room, lessonSessionId, roomParticipantId, roomMic } = await lessonWithMedia();
    const dropped = Date.now();
    dropLink(room);
    await teacher.nextParticipant('updated', (p) => p.id === roomParticipantId && p.connection === 'reconnecting');
    await sleep(1_000);
    expect(teacher.received.some((r) => r.event === 'producer:closed')).toBe(false);

    const closed = await teacher.nextEvent('producer:closed', (p) => p.producerId === roomMic, (GRACE_SECONDS + 5) * 1_000);
    expect(closed).toEqual({ producerId: roomMic });
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(GRACE_SECONDS * 1_000 - 200);
    await teacher.nextParticipant('left', (p) => p.participantId === roomParticipantId && p.reason === 'connection_lost');
    // Too late to resume: the same account joins as a new participant with new media.
    const back = await connect('classroom_device');
    const rejoined = await back.joinLesson(f.ids.courseId, { receive: true });
    expect(rejoined.participantId).not.toBe(roomParticipantId);
    expect(rejoined.resumedMedia).toBeUndefined();

    await teacher.request('lesson:end', {});
    const rows = (await closedAttendance(f.db, lessonSessionId)).filter((r) => r.participantId === roomParticipantId);
    expect(rows).toEqual([expect.objectContaining({ leaveReason: 'connection_lost' })]);
  });
});
