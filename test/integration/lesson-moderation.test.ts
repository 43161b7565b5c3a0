import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisationFixture, type OrganisationFixture } from '../support/fixtures.js';
import { lessonDriver, type LessonSocket } from '../support/lesson-socket.js';

const OPUS = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });

/*
 * The lead teacher's moderation over the real socket and a real mediasoup worker: a removed classroom is
 * told why it cannot join and can be let in again; her mute survives the classroom's reload; and she sees
 * each site's quiz answer.
 */
describe('lesson moderation: removal and readmission, a mute that holds, per-site quiz results', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const { connect, join } = lessonDriver(() => f, sockets);

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
  });
  afterEach(async () => {
    const teacher = await connect('teacher');
    await teacher.ask('lesson:end', {});
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await f.close();
  });

  const startLesson = async () => {
    const teacher = await connect('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await join(teacher);
    return teacher;
  };

  it('tells a removed classroom why it cannot join, lists it for the teacher, and lets it in again', async () => {
    const teacher = await startLesson();
    const room = await connect('classroom_device');
    const { participantId } = await join(room);
    await teacher.request('moderate:remove', { participantId });
    await room.nextEvent('moderation:applied', (e) => e.action === 'removed');

    const { removed } = await teacher.nextEvent('lesson:removed', (e) => e.removed.length === 1);
    const again = await connect('classroom_device');
    const refused = await again.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } });
    expect(refused).toEqual({ ok: false, error: { code: 'removed_from_lesson', message: expect.stringContaining('老师已将本教室移出本节课') } });

    // The teacher's snapshot after a reload still lists it; the readmission clears the list and the room joins.
    const reloaded = await connect('teacher');
    expect((await join(reloaded)).snapshot.removed).toEqual(removed);
    const userId = removed[0]!.userId;
    await reloaded.request('moderate:readmit', { userId });
    await reloaded.nextEvent('lesson:removed', (e) => e.removed.length === 0);
    expect(await reloaded.ask('moderate:readmit', { userId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const back = await join(again);
    expect(back.snapshot.participants.some((p) => p.id === back.participantId && p.kind === 'receiving_classroom')).toBe(true);
    // A site is not shown who was removed.
    expect(back.snapshot.removed).toEqual([]);
    expect(room.received.some((r) => r.event === 'lesson:removed')).toBe(false);
  });

  it("keeps a classroom muted by 全体静音 across a reload until it unmutes itself", async () => {
    const teacher = await startLesson();
    const room = await connect('classroom_device');
    await join(room);
    const send = await room.request('transport:create', { direction: 'send' });
    await room.request('producer:create', { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(3001) });
    await teacher.request('moderate:mute', { participantId: 'all' });
    await room.nextEvent('moderation:applied', (e) => e.action === 'muted');

    // The reload: a new socket, the same account, a fresh microphone producer.
    room.close();
    const reloaded = await connect('classroom_device');
    const rejoined = await join(reloaded);
    expect(rejoined.snapshot.mutedByTeacher).toBe(true);
    const send2 = await reloaded.request('transport:create', { direction: 'send' });
    const { producerId } = await reloaded.request('producer:create', { transportId: send2.id, kind: 'audio', source: 'mic', rtpParameters: OPUS(3002) });
    await reloaded.nextEvent('moderation:applied', (e) => e.action === 'muted');
    // The teacher hears nothing from it: its microphone arrives paused and the site shows the mic off.
    expect((await teacher.nextEvent('producer:new', (p) => p.id === producerId)).paused).toBe(true);
    expect(await teacher.nextParticipant('updated', (p) => p.id === rejoined.participantId && p.connection === 'connected' && !p.micOn)).toBeTruthy();

    // The site unmutes itself (allowed): the teacher's mute no longer holds after another reload.
    await reloaded.request('producer:resume', { producerId });
    reloaded.close();
    const third = await connect('classroom_device');
    expect((await join(third)).snapshot.mutedByTeacher).toBe(false);
  });

  it("shows the teacher each site's answer and verdict, and no site another's", async () => {
    const teacher = await startLesson();
    const room = await connect('classroom_device');
    const student = await connect('student_link');
    const roomJoin = await join(room);
    const studentJoin = await join(student);
    const { pollId } = await teacher.request('poll:create', { question: '2+3=?', options: ['4', '5'], multiple: false, correct: [1] });
    await room.request('poll:answer', { pollId, choices: [1] });
    await student.request('poll:answer', { pollId, choices: [0] });

    const seen = await teacher.nextEvent('poll:updated', (p) => p.id === pollId && p.answered === 2);
    expect(seen.answers).toEqual([
      { participantId: roomJoin.participantId, displayName: expect.any(String), choices: [1], correct: true },
      { participantId: studentJoin.participantId, displayName: expect.any(String), choices: [0], correct: false },
    ]);
    expect(seen.answers!.every((a) => a.displayName.length > 0)).toBe(true);
    const roomView = await room.nextEvent('poll:updated', (p) => p.id === pollId && p.answered === 2);
    expect(roomView.answers).toBeNull();
    await teacher.request('poll:close', { pollId });
    expect((await student.nextEvent('poll:updated', (p) => p.id === pollId && !p.open)).answers).toBeNull();
  });
});
