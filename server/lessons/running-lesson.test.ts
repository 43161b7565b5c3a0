import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../../test/support/app.js';
import { LiveLesson } from './live-lesson.js';
import type { ParticipantIdentity } from './participant.js';
import { RunningLesson } from './running-lesson.js';

const identity = (userId: number, kind: ParticipantIdentity['kind']): ParticipantIdentity => ({
  userId,
  displayName: `user ${userId}`,
  kind,
  classroomId: null,
  schoolId: null,
  regionId: null,
  schoolName: null,
});
const opus = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
const channel = { emit: () => undefined, disconnect: () => undefined, drop: () => undefined };

describe('RunningLesson consumers (real mediasoup worker)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { media: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds at most the cap of consumers per participant, and a repeated consume gives the same consumer', async () => {
    const lesson = new LiveLesson({ lessonSessionId: 1, courseId: 1, courseName: '课', startedAt: new Date(), reconnectGraceMs: 1_000 });
    const running = await RunningLesson.create(lesson, t.media!, pino({ level: 'silent' }), { maxConsumersPerParticipant: 2 });
    const caps = running.media.rtpCapabilities;
    const teacher = lesson.join(identity(1, 'lead_teacher')).participant;
    running.attach(teacher, channel, caps);
    const producers: string[] = [];
    for (const userId of [2, 3, 4]) {
      const site = lesson.join(identity(userId, 'receiving_classroom')).participant;
      running.attach(site, channel, caps);
      const send = await running.media.createTransport(site.id, 'send');
      producers.push(await running.produce(site, { transportId: send.id, kind: 'audio', source: 'mic', rtpParameters: opus(userId) }));
    }
    await running.media.createTransport(teacher.id, 'recv');
    const first = await running.consume(teacher, producers[0]!);
    expect((await running.consume(teacher, producers[0]!)).id).toBe(first.id);
    await running.consume(teacher, producers[1]!);
    await expect(running.consume(teacher, producers[2]!)).rejects.toMatchObject({ code: 'too_many_streams', params: { limit: 2 } });
    running.end(new Date());
  });
});
