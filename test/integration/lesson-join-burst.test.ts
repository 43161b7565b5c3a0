import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParticipantChanges } from '../../shared/lesson/protocol.js';
import { and, eq } from 'drizzle-orm';
import { courseStudents } from '../../server/db/schema/index.js';
import { TestClient } from '../support/app.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

/** Sites joining at once: enough that one message per site per site would be obvious. */
const K = 24;

const changesOf = (socket: LessonSocket): ParticipantChanges[] =>
  socket.received.filter((r) => r.event === 'participants:changed').map((r) => r.payload as ParticipantChanges);

/** Who a site believes is in the lesson: its join snapshot with every participant change applied in order. */
function participantsSeenBy(socket: LessonSocket, snapshotIds: readonly string[]): Set<string> {
  const ids = new Set(snapshotIds);
  for (const { joined, updated, left } of changesOf(socket)) {
    for (const { participantId } of left) ids.delete(participantId);
    for (const p of [...joined, ...updated]) ids.add(p.id);
  }
  return ids;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a burst of joins (real Socket.IO, real mediasoup worker)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true }, { loginRateLimit: 1_000 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('tells the teacher of K joins in far fewer than K messages, and each student of the teacher, herself and the stage only', async () => {
    const connect = (cookie: string) => {
      const socket = new LessonSocket(f.t.baseUrl!, cookie);
      sockets.push(socket);
      return socket;
    };
    const teacher = connect((await f.as('teacher')).cookieHeader());
    await teacher.connected();
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const host = await teacher.joinLesson(f.ids.courseId);

    const students: LessonSocket[] = [];
    for (let i = 0; i < K; i++) {
      const userId = await f.addUser(`burst-student-${i}`, 'student', { schoolId: f.ids.teachingPointId });
      await f.db.insert(courseStudents).values({ courseId: f.ids.courseId, studentId: userId });
      const client = new TestClient(f.t.app);
      expect((await client.login(`burst-student-${i}`, FIXTURE_PASSWORD)).statusCode).toBe(200);
      students.push(connect(client.cookieHeader()));
    }
    await Promise.all(students.map((s) => s.connected()));

    const joins = await Promise.all(students.map((s) => s.joinLesson(f.ids.courseId)));
    const everyone = new Set([host.participantId, ...joins.map((j) => j.participantId)]);
    const snapshotIds = (i: number) => joins[i]!.snapshot.participants.map((p) => p.id);
    const hostSnapshot = host.snapshot.participants.map((p) => p.id);
    await until(() => participantsSeenBy(teacher, hostSnapshot).size === everyone.size, 'the teacher to know every participant');
    expect(participantsSeenBy(teacher, hostSnapshot)).toEqual(everyone);
    // One message per join would be K for the teacher; gathered, it is a handful.
    expect(changesOf(teacher).length).toBeLessThan(K / 2);
    // A student is shown the teacher and herself: her snapshot and what follows stay that size, whatever K.
    await new Promise((resolve) => setTimeout(resolve, 300));
    students.forEach((student, i) => {
      expect(participantsSeenBy(student, snapshotIds(i))).toEqual(new Set([host.participantId, joins[i]!.participantId]));
      expect(joins[i]!.snapshot.participants.length).toBeLessThanOrEqual(2);
      expect(changesOf(student).flatMap((c) => [...c.joined, ...c.updated]).every((p) => p.id === joins[i]!.participantId)).toBe(true);
    });

    // The teacher calls one up: every student is shown her, then that she went back and that she left.
    const called = joins[0]!.participantId;
    await teacher.request('stage:invite', { participantId: called });
    await until(() => students.every((s, i) => participantsSeenBy(s, snapshotIds(i)).has(called)), 'every student to be shown the one on stage');
    await teacher.request('stage:return', { participantId: called });
    const lastOfHer = (s: LessonSocket) => changesOf(s).flatMap((c) => c.updated).filter((p) => p.id === called).at(-1);
    await until(() => students.slice(1).every((s) => lastOfHer(s)?.onStage === false), 'every student to hear she went back');
    await students[0]!.request('lesson:leave', {});
    await until(() => students.slice(1).every((s, i) => !participantsSeenBy(s, snapshotIds(i + 1)).has(called)), 'every student to hear she left');
    await teacher.request('lesson:end', {});
  });

  it('reads the course once per lesson but enrolment on every join: a student enrolled during the lesson joins, one unenrolled cannot', async () => {
    const teacher = new LessonSocket(f.t.baseUrl!, (await f.as('teacher')).cookieHeader());
    sockets.push(teacher);
    await teacher.connected();
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await teacher.joinLesson(f.ids.courseId);

    const userId = await f.addUser('late-student', 'student', { schoolId: f.ids.teachingPointId });
    const client = new TestClient(f.t.app);
    expect((await client.login('late-student', FIXTURE_PASSWORD)).statusCode).toBe(200);
    const student = new LessonSocket(f.t.baseUrl!, client.cookieHeader());
    sockets.push(student);
    await student.connected();
    // Not enrolled, she is a pupil of the region like any other: she could watch it only as a broadcast (直播).
    expect(await student.ask('lesson:capabilities', { courseId: f.ids.courseId })).toMatchObject({ ok: false, error: { code: 'not_broadcast' } });

    await f.db.insert(courseStudents).values({ courseId: f.ids.courseId, studentId: userId });
    const joined = await student.joinLesson(f.ids.courseId);
    expect(joined.snapshot.participants.find((p) => p.id === joined.participantId)?.kind).toBe('student');
    await student.request('lesson:leave', {});

    await f.db.delete(courseStudents).where(and(eq(courseStudents.courseId, f.ids.courseId), eq(courseStudents.studentId, userId)));
    expect(await student.ask('lesson:join', { courseId: f.ids.courseId, rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'not_broadcast' } });
    await teacher.request('lesson:end', {});
  });
});
