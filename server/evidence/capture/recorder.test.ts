import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { shanghaiInstant } from '../../../shared/time.js';
import type { LessonMediaEvents, TransportQuality } from '../../../media/index.js';
import { attendanceIntervals, lessonSessions, mediaStateIntervals, participationEvents, qualitySamples } from '../../db/schema/index.js';
import { LiveLesson } from '../../lessons/live-lesson.js';
import type { ParticipantIdentity } from '../../lessons/participant.js';
import { LessonsRepository } from '../../lessons/repository.js';
import type { LessonRegistryEvents } from '../../lessons/registry.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';
import type { EvidenceOp, EvidenceSink } from './ops.js';
import { EvidenceRecorder } from './recorder.js';
import { EvidenceRepository } from './repository.js';
import { EvidenceBuffer } from './write-buffer.js';

const at = (time: string) => shanghaiInstant('2025-06-04', time);

/** A logger whose lines the test can read. */
function recordingLog() {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

class FakeMedia extends EventEmitter<LessonMediaEvents> {
  readonly quality = new Map<string, TransportQuality[]>();
  async stats(participantId: string): Promise<TransportQuality[]> {
    const quality = this.quality.get(participantId);
    if (!quality) throw new Error(`unknown participant ${participantId}`);
    return quality;
  }
}

describe('EvidenceRecorder', () => {
  let f: OrganisationFixture;
  let teacher: ParticipantIdentity;
  let room: ParticipantIdentity;
  let clock: number;
  const now = () => new Date(clock);

  beforeAll(async () => {
    f = await createOrganisationFixture();
    const { ids } = f;
    teacher = { userId: ids.users.teacher, displayName: '王老师', kind: 'lead_teacher', classroomId: ids.hostClassroomId, schoolId: ids.leadSchoolId, regionId: ids.regionId, schoolName: '城关第一小学' };
    room = { userId: ids.users.classroom_device, displayName: '石门教学点 教学点教室', kind: 'receiving_classroom', classroomId: ids.receivingClassroomId, schoolId: ids.teachingPointId, regionId: ids.regionId, schoolName: '石门教学点' };
  });
  afterAll(async () => f.close());

  /** A live lesson with fake media, recorded by a recorder on the fixture's database. */
  async function startLesson(options: { sampleIntervalMs?: number } = {}) {
    clock = at('09:00').getTime();
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, now());
    const lesson = new LiveLesson({ lessonSessionId, courseId: f.ids.courseId, courseName: '三年级音乐', startedAt: now(), reconnectGraceMs: 600_000 });
    const media = new FakeMedia();
    const registry = new EventEmitter<LessonRegistryEvents>();
    const finalised: number[] = [];
    const { log, lines } = recordingLog();
    const recorder = new EvidenceRecorder(registry, {
      sink: new EvidenceRepository(f.db),
      log,
      now,
      onLessonFinalised: (id) => void finalised.push(id),
      sampleIntervalMs: options.sampleIntervalMs ?? 3_600_000,
      heartbeatIntervalMs: 3_600_000,
    });
    recorder.record({ lesson, media, watchMedia: (watch) => watch(media) });
    /** Ends the lesson; resolves once its evidence is written (a flush after the one its end started). */
    const end = async () => {
      lesson.end(now());
      registry.emit('lesson-ended', lessonSessionId, now());
      await recorder.flush();
    };
    return { lessonSessionId, lesson, media, recorder, finalised, lines, end };
  }

  const rowsOf = async (lessonSessionId: number) => ({
    attendance: await f.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(attendanceIntervals.id)),
    media: await f.db.select().from(mediaStateIntervals).where(eq(mediaStateIntervals.lessonSessionId, lessonSessionId)).orderBy(asc(mediaStateIntervals.id)),
    participation: await f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId)).orderBy(asc(participationEvents.id)),
    quality: await f.db.select().from(qualitySamples).where(eq(qualitySamples.lessonSessionId, lessonSessionId)),
  });

  it('records attendance, media states and participation; a reconnect continues the interval, a lost site left when it dropped', async () => {
    const { lessonSessionId, lesson, media, recorder, finalised, end } = await startLesson();
    const tick = (time: string) => (clock = at(time).getTime());

    const t = lesson.join(teacher).participant;
    lesson.setMedia(t.id, 'camera', true);
    lesson.setMedia(t.id, 'mic', true);
    tick('09:01');
    const r = lesson.join(room).participant;
    lesson.features.hands.raise(r.id);
    tick('09:02');
    lesson.features.stage.invite(r.id);
    tick('09:03');
    media.emit('active-speaker', { participantId: r.id });
    tick('09:04');
    media.emit('active-speaker', { participantId: t.id });
    lesson.features.chat.send(r.id, '老师好');
    lesson.features.chat.send(r.id, '听到了');
    const poll = lesson.features.polls.create('1+1=?', ['1', '2'], false, [1]);
    lesson.features.polls.answer(r.id, poll.id, [1]);
    lesson.setHeadcount(r.id, 11);
    tick('09:05');
    media.emit('active-speaker', { participantId: null });
    lesson.features.stage.return(t, r.id);
    tick('09:06');
    lesson.disconnected(r.id);
    tick('09:06:20');
    expect(lesson.join(room).resumed).toBe(true);
    tick('09:07');
    lesson.disconnected(r.id);
    tick('09:07:30');
    lesson.leave(r.id, 'connection_lost');
    tick('09:08');
    const again = lesson.join(room).participant;
    tick('09:10');
    lesson.setMedia(t.id, 'mic', false);
    tick('09:40');
    await end();

    const rows = await rowsOf(lessonSessionId);
    expect(rows.attendance.map((a) => ({ p: a.participantId, kind: a.siteKind, from: a.joinedAt, to: a.leftAt, reason: a.leaveReason, headcount: a.headcount }))).toEqual([
      { p: t.id, kind: 'host', from: at('09:00'), to: at('09:40'), reason: 'lesson_ended', headcount: null },
      // One interval across the reconnect at 09:06; lost at 09:07 (when the link dropped, not when the grace ran out).
      { p: r.id, kind: 'receiving_classroom', from: at('09:01'), to: at('09:07'), reason: 'connection_lost', headcount: 11 },
      // Back as a new participant: a new interval, with the classroom's headcount carried over.
      { p: again.id, kind: 'receiving_classroom', from: at('09:08'), to: at('09:40'), reason: 'lesson_ended', headcount: 11 },
    ]);
    expect(rows.attendance[1]).toMatchObject({ userId: f.ids.users.classroom_device, classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId, regionId: f.ids.regionId });
    expect(rows.media.map((m) => ({ p: m.participantId, kind: m.kind, from: m.startedAt, to: m.endedAt }))).toEqual([
      { p: t.id, kind: 'camera_on', from: at('09:00'), to: at('09:40') },
      { p: t.id, kind: 'mic_on', from: at('09:00'), to: at('09:10') },
      { p: r.id, kind: 'on_stage', from: at('09:02'), to: at('09:05') },
      { p: r.id, kind: 'speaking', from: at('09:03'), to: at('09:04') },
      { p: t.id, kind: 'speaking', from: at('09:04'), to: at('09:05') },
    ]);
    expect(rows.participation.map((p) => [p.kind, p.participantId, p.occurredAt, p.pollId, p.correct])).toEqual([
      ['hand_raised', r.id, at('09:01'), null, null],
      ['stage_invited', r.id, at('09:02'), null, null],
      ['chat_message', r.id, at('09:04'), null, null],
      ['chat_message', r.id, at('09:04'), null, null],
      ['poll_answer', r.id, at('09:04'), poll.id, true],
      ['stage_returned', r.id, at('09:05'), null, null],
    ]);
    expect(finalised).toEqual([lessonSessionId]);
    expect(recorder.backlog).toEqual({ pending: 0, dropped: 0 });
    await recorder.close();
  });

  it('samples each connected site: bitrates from its side, mean round trip and loss, mean stream score', async () => {
    const { lessonSessionId, lesson, media, recorder, end } = await startLesson({ sampleIntervalMs: 20 });
    const t = lesson.join(teacher).participant;
    const r = lesson.join(room).participant;
    media.quality.set(t.id, [
      { transportId: 's', direction: 'send', recvBitrate: 800_000, sendBitrate: 2_000, rttMs: 40, packetLossPct: 0 },
      { transportId: 'r', direction: 'recv', recvBitrate: 10_000, sendBitrate: 1_200_000, rttMs: 60, packetLossPct: 2 },
    ]);
    media.emit('consumer-score', { participantId: t.id, consumerId: 'c1', score: 9, producerScore: 10 });
    media.emit('consumer-score', { participantId: t.id, consumerId: 'c2', score: 6, producerScore: 10 });
    media.emit('consumer-score', { participantId: t.id, consumerId: 'c3', score: 1, producerScore: 10 });
    media.emit('consumer-closed', { participantId: t.id, consumerId: 'c3', producerId: 'p3', reason: 'closed' });
    // The room has no transports yet: its stats fail, and it simply has no sample.
    expect(r.id).not.toBe(t.id);
    await expect.poll(async () => (await recorder.flush(), (await rowsOf(lessonSessionId)).quality.length), { timeout: 5_000 }).toBeGreaterThan(0);
    await end();
    const samples = (await rowsOf(lessonSessionId)).quality;
    expect(new Set(samples.map((s) => s.participantId))).toEqual(new Set([t.id]));
    expect(samples[0]).toMatchObject({ classroomId: f.ids.hostClassroomId, rttMs: 50, packetLossPct: 1, sendBitrate: 810_000, recvBitrate: 1_202_000, consumerScore: 8 });
    await recorder.close();
  });

  it('heartbeats the connected sites only', async () => {
    const { lessonSessionId, lesson, recorder, end } = await startLesson();
    const t = lesson.join(teacher).participant;
    const r = lesson.join(room).participant;
    clock = at('09:05').getTime();
    lesson.disconnected(r.id);
    clock = at('09:15').getTime();
    recorder.heartbeat();
    await recorder.flush();
    const beats = Object.fromEntries((await rowsOf(lessonSessionId)).attendance.map((a) => [a.participantId, a.lastHeartbeatAt]));
    expect(beats).toEqual({ [t.id]: at('09:15'), [r.id]: at('09:00') });
    await end();
    await recorder.close();
  });

  it('writes a stray refused row alone and keeps the rest of its batch', async () => {
    const { log, lines } = recordingLog();
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, at('10:00'));
    const buffer = new EvidenceBuffer({ sink: new EvidenceRepository(f.db), log, flushIntervalMs: 3_600_000 });
    const event = (id: number): EvidenceOp => ({
      op: 'participation',
      row: { lessonSessionId: id, participantId: 'p', userId: null, classroomId: null, schoolId: null, regionId: null, kind: 'chat_message', occurredAt: at('10:01') },
    });
    buffer.push(event(lessonSessionId));
    buffer.push(event(999_999)); // no such lesson: the foreign key refuses it
    buffer.push(event(lessonSessionId));
    expect(await buffer.flush()).toBe(true);
    expect((await rowsOf(lessonSessionId)).participation).toHaveLength(2);
    expect(lines.some((l) => l.msg.includes('refused') && l.level === 50)).toBe(true);
    await buffer.close();
  });

  it('never throws into the lesson while the database is busy, keeps a bounded backlog, and writes it when the database is back', async () => {
    const written: EvidenceOp[] = [];
    let busy = true;
    const busyError = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const sink: EvidenceSink = {
      async apply(ops) {
        if (busy) throw busyError;
        written.push(...ops);
      },
      applyEach: () => Promise.reject(new Error('not expected')),
    };
    const { log, lines } = recordingLog();
    const registry = new EventEmitter<LessonRegistryEvents>();
    const recorder = new EvidenceRecorder(registry, { sink, log, buffer: { maxPending: 10, flushIntervalMs: 3_600_000 }, sampleIntervalMs: 3_600_000, heartbeatIntervalMs: 3_600_000 });
    const lesson = new LiveLesson({ lessonSessionId: 1, courseId: 1, courseName: 'x', startedAt: new Date(), reconnectGraceMs: 60_000 });
    const media = new FakeMedia();
    recorder.record({ lesson, media, watchMedia: (watch) => watch(media) });
    const t = lesson.join(teacher).participant;
    for (let i = 0; i < 30; i++) expect(() => lesson.features.chat.send(t.id, `消息 ${i}`)).not.toThrow();
    expect(await recorder.flush()).toBe(false);
    expect(recorder.backlog).toEqual({ pending: 10, dropped: 21 });
    expect(lines.some((l) => l.level === 50 && l.msg.startsWith('EVIDENCE LOST'))).toBe(true);
    busy = false;
    expect(await recorder.flush()).toBe(true);
    // The lesson lost writes: it is marked incomplete in the same batch.
    expect(written.map((op) => op.op)).toEqual(['evidence-incomplete', 'attendance-open', ...Array(9).fill('participation')]);
    await recorder.close();
  });

  it('closes what a crash left open at the last evidence recorded, not only the last heartbeat', async () => {
    const repo = new LessonsRepository(f.db);
    const lessonSessionId = await repo.startSession(f.ids.courseId, f.ids.users.teacher, null, at('11:00'), 'recorder-test');
    await repo.heartbeat([lessonSessionId], at('11:32'));
    const base = { lessonSessionId, userId: f.ids.users.classroom_device, classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId };
    await f.db.insert(attendanceIntervals).values({ ...base, participantId: 'room', siteKind: 'receiving_classroom', regionId: f.ids.regionId, joinedAt: at('11:00'), lastHeartbeatAt: at('11:30') });
    await f.db.insert(mediaStateIntervals).values({ ...base, participantId: 'room', kind: 'camera_on', startedAt: at('11:10') });
    // Recorded after the lesson's last heartbeat (the room spoke at 11:33): the lesson and the room's stay
    // last until then.
    await f.db.insert(mediaStateIntervals).values({ ...base, participantId: 'room', kind: 'speaking', startedAt: at('11:33') });

    const { LessonRegistry } = await import('../../lessons/registry.js');
    const { log } = recordingLog();
    const registry = await LessonRegistry.create(
      repo,
      { createLessonMedia: () => Promise.reject(new Error('no media in this test')) },
      { nodeId: 'recorder-test', reconnectGraceMs: 1_000, noLeadTeacherMs: 3_600_000, overrunGraceMs: 3_600_000, mediaRebuildMs: 30_000 },
      log,
    );
    expect(registry.recoveredSessionIds).toContain(lessonSessionId);
    // The recovered lesson's evidence is final: its roll-ups are refreshed as the recorder starts.
    const finalised: number[] = [];
    const recorder = new EvidenceRecorder(registry, { sink: new EvidenceRepository(f.db), log, onLessonFinalised: (id) => void finalised.push(id), recoveredLessonIds: registry.recoveredSessionIds });
    expect(finalised).toContain(lessonSessionId);
    await recorder.close();
    await registry.close();

    const rows = await rowsOf(lessonSessionId);
    expect(rows.attendance.map((a) => [a.leftAt, a.leaveReason])).toEqual([[at('11:33'), 'server_restart']]);
    expect(rows.media.map((m) => [m.kind, m.endedAt])).toEqual([
      ['camera_on', at('11:33')],
      ['speaking', at('11:33')],
    ]);
    expect((await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)))[0]).toMatchObject({ endedAt: at('11:33'), endReason: 'server_restart' });
  });
});
