import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import { LESSON_REQUESTS, type LessonRequestName, type ParticipantChanges } from '../../shared/lesson/protocol.js';
import { eq } from 'drizzle-orm';
import { classrooms, courses, scheduledLessons } from '../../server/db/schema/index.js';
import { TestClient } from '../support/app.js';
import { courseware } from '../../server/db/schema/index.js';
import { createOrganisationFixture, FIXTURE_PASSWORD, type OrganisationFixture, type PrincipalKey } from '../support/fixtures.js';
import { LessonSocket } from '../support/lesson-socket.js';

/*
 * Every request of the lesson protocol × every kind of participant, with the exact ack each gets. The rows
 * are keyed by LESSON_REQUESTS: a new request without a row fails here (and does not compile).
 */

const KINDS = ['classroom', 'assistant', 'student', 'observer', 'lead'] as const;
type Kind = (typeof KINDS)[number];
const PRINCIPAL: Record<Kind, PrincipalKey> = {
  lead: 'teacher',
  classroom: 'classroom_device',
  assistant: 'assistant_teacher',
  student: 'student_link',
  observer: 'region_admin',
};
const PARTICIPANT_KIND: Record<Kind, string> = {
  lead: 'lead_teacher',
  classroom: 'receiving_classroom',
  assistant: 'assistant_teacher',
  student: 'student',
  observer: 'observer',
};

type Outcome = 'ok' | ErrorCode;
const everyone = (outcome: Outcome): Record<Kind, Outcome> => ({ lead: outcome, classroom: outcome, assistant: outcome, student: outcome, observer: outcome });
const leadOnly: Record<Kind, Outcome> = { ...everyone('forbidden'), lead: 'ok' };
/** Everyone but an observer (听课): she receives only, so every sending request of hers is refused. */
const sites = (outcome: Outcome): Record<Kind, Outcome> => ({ ...everyone(outcome), observer: 'forbidden' });

const opus = (ssrc: number) => ({ codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc }] });
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

/** Ids the rows put in their payloads: each kind's own things, filled in as the matrix runs. */
interface World {
  courseId: number;
  socket: Record<Kind, LessonSocket>;
  participant: Record<Kind, string>;
  send: Partial<Record<Kind, string>>;
  recv: Partial<Record<Kind, string>>;
  producer: Partial<Record<Kind, string>>;
  consumer: Partial<Record<Kind, string>>;
  pollId: string;
  /** The blank board page the lead teacher added. */
  pageId?: string;
  /** A ready courseware document of the course, for the board to show. */
  coursewareId?: number;
  /** An extra observer the lead teacher removes, and (to let her in again) her account. */
  removable: string;
  removableUserId: number;
}

interface Row {
  payload(w: World, kind: Kind): unknown;
  expected: Record<Kind, Outcome>;
  /** Keeps what an ok ack returned (ids for later rows), or puts things back for the next rows. */
  after?(w: World, kind: Kind, data: unknown): Promise<void> | void;
  /** What a refused kind does instead, for the next rows (an observer makes the receiving transport she may). */
  refused?(w: World, kind: Kind): Promise<void> | void;
}

/** Her own producer, or (an observer has none) the lead teacher's: not hers to touch either way. */
const producerOf = (w: World, kind: Kind) => w.producer[kind] ?? w.producer.lead;

/** Someone other than `kind` to act on: the lead teacher acts on the classroom, the others on the lead teacher's site. */
const other = (w: World, kind: Kind) => (kind === 'lead' ? w.participant.classroom : w.participant.lead);

const MATRIX: Record<LessonRequestName, Row> = {
  'lesson:capabilities': { payload: (w) => ({ courseId: w.courseId }), expected: everyone('ok') },
  'lesson:join': { payload: (w) => ({ courseId: w.courseId, rtpCapabilities: { codecs: [] } }), expected: everyone('ok') },
  'lesson:start': { payload: (w) => ({ courseId: w.courseId }), expected: leadOnly },
  'lesson:lock': { payload: () => ({ locked: false }), expected: leadOnly },
  'transport:create': {
    payload: () => ({ direction: 'send' }),
    expected: sites('ok'),
    after: async (w, kind, data) => {
      w.send[kind] = (data as { id: string }).id;
      w.recv[kind] = (await w.socket[kind].request('transport:create', { direction: 'recv' })).id;
    },
    refused: async (w, kind) => void (w.recv[kind] = (await w.socket[kind].request('transport:create', { direction: 'recv' })).id),
  },
  // After transport:create: before a site has any media there is nothing to switch (not_found).
  'media:audio-only': { payload: () => ({ enabled: false }), expected: everyone('ok') },
  'transport:connect': { payload: (w, kind) => ({ transportId: w.send[kind] ?? w.recv[kind], dtlsParameters: DTLS }), expected: everyone('ok') },
  'transport:restart-ice': { payload: (w, kind) => ({ transportId: w.send[kind] ?? w.recv[kind] }), expected: everyone('ok') },
  // An observer has no send transport: she names her receiving one, and is refused all the same.
  'producer:create': {
    payload: (w, kind) => ({ transportId: w.send[kind] ?? w.recv[kind], kind: 'audio', source: 'mic', rtpParameters: opus(1000 + KINDS.indexOf(kind)) }),
    expected: sites('ok'),
    after: (w, kind, data) => void (w.producer[kind] = (data as { producerId: string }).producerId),
  },
  'producer:pause': { payload: (w, kind) => ({ producerId: producerOf(w, kind) }), expected: sites('ok') },
  'producer:resume': { payload: (w, kind) => ({ producerId: producerOf(w, kind) }), expected: sites('ok') },
  // Sites receive the lead teacher; she receives every site.
  'consumer:create': {
    payload: (w, kind) => ({ producerId: kind === 'lead' ? w.producer.classroom : w.producer.lead }),
    expected: everyone('ok'),
    after: (w, kind, data) => void (w.consumer[kind] = (data as { id: string }).id),
  },
  'consumer:resume': { payload: (w, kind) => ({ consumerId: w.consumer[kind] }), expected: everyone('ok') },
  'consumers:resume': { payload: (w, kind) => ({ consumerIds: [w.consumer[kind]] }), expected: everyone('ok') },
  'consumer:tile': { payload: (w, kind) => ({ consumerId: w.consumer[kind], width: 320, height: 180, visible: true }), expected: everyone('ok') },
  'hand:raise': { payload: () => ({}), expected: sites('ok') },
  'hand:lower': { payload: (w, kind) => ({ participantId: other(w, kind) }), expected: leadOnly },
  'stage:invite': { payload: (w, kind) => ({ participantId: other(w, kind) }), expected: leadOnly },
  'stage:return': { payload: (w, kind) => ({ participantId: other(w, kind) }), expected: leadOnly },
  'moderate:mute': { payload: (w, kind) => ({ participantId: other(w, kind) }), expected: leadOnly },
  'moderate:stop-camera': { payload: (w, kind) => ({ participantId: other(w, kind) }), expected: leadOnly },
  // Observers write only once the lead teacher lets them (observers:chat, after this row).
  'chat:send': { payload: (_w, kind) => ({ text: `${kind} 你好` }), expected: sites('ok') },
  'chat:set-enabled': { payload: () => ({ enabled: true }), expected: leadOnly },
  'observers:chat': { payload: () => ({ allowed: true }), expected: leadOnly },
  // The board: pages and the pen are the lead teacher's; nobody holds the pen, so only she draws.
  'board:open': { payload: () => ({ open: true }), expected: leadOnly },
  'board:add-blank': { payload: () => ({}), expected: leadOnly, after: (w, _kind, data) => void (w.pageId = (data as { pageId: string }).pageId) },
  'board:show-document': { payload: (w) => ({ coursewareId: w.coursewareId ?? 1 }), expected: leadOnly },
  'board:turn': { payload: (w) => ({ pageId: w.pageId }), expected: leadOnly },
  'board:stroke': {
    payload: (w, kind) => ({ pageId: w.pageId, strokeId: `${kind}-stroke`, tool: 'pen', colour: 'red', width: 30, points: [[100, 100], [900, 900]] }),
    expected: leadOnly,
  },
  'board:place': { payload: (w) => ({ pageId: w.pageId, item: { kind: 'shape', shape: 'rect', from: [0, 0], to: [500, 500], colour: 'blue', width: 20 } }), expected: leadOnly },
  'board:erase': { payload: (w) => ({ pageId: w.pageId, all: true }), expected: leadOnly },
  'board:laser': { payload: (w) => ({ pageId: w.pageId, at: [5000, 5000] }), expected: leadOnly },
  'board:pen': { payload: () => ({ participantId: null }), expected: leadOnly },
  'poll:create': {
    payload: () => ({ question: '1+1=?', options: ['1', '2'], multiple: false, correct: [1] }),
    expected: leadOnly,
    after: (w, _kind, data) => void (w.pollId = (data as { pollId: string }).pollId),
  },
  // The class answers; the teacher who set it and an observer do not.
  'poll:answer': { payload: (w) => ({ pollId: w.pollId, choices: [1] }), expected: { ...everyone('ok'), lead: 'forbidden', observer: 'forbidden' } },
  'poll:close': { payload: (w) => ({ pollId: w.pollId }), expected: leadOnly },
  // Recording: the lead teacher's, under the course's default policy (teacher_choice). Her start records
  // her microphone (no packets come: nothing is written), and her stop ends it.
  'recording:start': { payload: () => ({}), expected: leadOnly },
  'recording:stop': { payload: () => ({}), expected: leadOnly },
  'quality:report': { payload: () => ({ rttMs: 80, packetLossPct: 1 }), expected: everyone('ok') },
  'classroom:headcount': { payload: () => ({ count: 9 }), expected: { ...everyone('forbidden'), classroom: 'ok', assistant: 'ok' } },
  'producer:close': { payload: (w, kind) => ({ producerId: producerOf(w, kind) }), expected: sites('ok') },
  'moderate:remove': { payload: (w) => ({ participantId: w.removable }), expected: leadOnly },
  // After the removal: only the lead teacher lets a removed site in again.
  'moderate:readmit': { payload: (w) => ({ userId: w.removableUserId }), expected: leadOnly },
  'lesson:leave': { payload: () => ({}), expected: everyone('ok'), after: async (w, kind) => void (await joinLesson(w.socket[kind], w.courseId)) },
  // Last: the lead teacher's end closes the lesson (the others are refused before it).
  'lesson:end': { payload: () => ({}), expected: leadOnly },
};

async function joinLesson(socket: LessonSocket, courseId: number) {
  const { routerRtpCapabilities } = await socket.request('lesson:capabilities', { courseId });
  return socket.request('lesson:join', { courseId, rtpCapabilities: routerRtpCapabilities as { codecs: [] } });
}

describe('lesson socket matrix: every request × every kind of participant (real server, real worker)', () => {
  let f: OrganisationFixture;
  const sockets: LessonSocket[] = [];
  const connect = async (cookie: string) => {
    const socket = new LessonSocket(f.t.baseUrl!, cookie);
    sockets.push(socket);
    await socket.connected();
    return socket;
  };
  const connectAs = async (principal: PrincipalKey) => connect((await f.as(principal)).cookieHeader());

  beforeAll(async () => {
    f = await createOrganisationFixture({ media: true, listen: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await f.close();
  });

  it('has a row for every request of the protocol', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(Object.keys(LESSON_REQUESTS).sort());
  });

  it('refuses every in-lesson request before joining with lesson_not_live, and runs none of them', async () => {
    const teacher = await connectAs('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    const { participantId: teacherId } = await joinLesson(teacher, f.ids.courseId);
    const early = await connectAs('classroom_device');
    const w = { courseId: f.ids.courseId, participant: { lead: 'x', classroom: 'x' }, send: {}, recv: {}, producer: {}, consumer: {}, pollId: 'x', removable: 'x', removableUserId: 1 } as unknown as World;
    for (const name of Object.keys(LESSON_REQUESTS) as LessonRequestName[]) {
      if (name === 'lesson:capabilities' || name === 'lesson:join' || name === 'lesson:start') continue;
      const payload = MATRIX[name].payload(w, 'classroom') as Record<string, unknown>;
      // Ids the caller does not have yet: any well-formed id.
      for (const [key, value] of Object.entries(payload)) {
        if (value === undefined) payload[key] = 'some-id';
        else if (Array.isArray(value)) payload[key] = value.map((item: unknown) => item ?? 'some-id');
      }
      expect(await early.ask(name, payload), name).toMatchObject({ ok: false, error: { code: 'lesson_not_live' } });
    }
    // Nothing reached the lesson: no chat, no hand, no site.
    const joinedSites = teacher.received.flatMap((r) => (r.event === 'participants:changed' ? (r.payload as ParticipantChanges).joined.filter((p) => p.id !== teacherId) : []));
    expect(teacher.received.filter((r) => r.event === 'chat:message' || r.event === 'hand:queue')).toEqual([]);
    expect(joinedSites).toEqual([]);
    await teacher.request('lesson:end', {});
    await teacher.nextEvent('lesson:ended');
    teacher.close();
    early.close();
  });

  it('gives each kind of participant exactly its ack for every request', async () => {
    const socket = {} as Record<Kind, LessonSocket>;
    for (const kind of KINDS) socket[kind] = await connectAs(PRINCIPAL[kind]);
    await socket.lead.request('lesson:start', { courseId: f.ids.courseId });
    const participant = {} as Record<Kind, string>;
    for (const kind of KINDS) {
      const joined = await joinLesson(socket[kind], f.ids.courseId);
      participant[kind] = joined.participantId;
      expect(joined.snapshot.participants.find((p) => p.id === joined.participantId)?.kind, kind).toBe(PARTICIPANT_KIND[kind]);
    }
    const removableJoin = await joinLesson(await connectAs('group_admin'), f.ids.courseId);
    const removable = removableJoin.participantId;
    const removableUserId = removableJoin.snapshot.participants.find((p) => p.id === removable)!.userId;
    const [document] = await f.db
      .insert(courseware)
      .values({ courseId: f.ids.courseId, title: '课件', fileName: 'a.pdf', sourceKind: 'pdf', sourceSha256: 'c'.repeat(64), sizeBytes: 10, status: 'ready', progress: 100, pdfSha256: 'c'.repeat(64), pageCount: 3, uploadedBy: f.ids.users.teacher })
      .returning({ id: courseware.id });
    const w: World = { courseId: f.ids.courseId, socket, participant, send: {}, recv: {}, producer: {}, consumer: {}, pollId: '', removable, removableUserId, coursewareId: document!.id };

    const outcomes: Record<string, Record<Kind, Outcome>> = {};
    for (const name of Object.keys(MATRIX) as LessonRequestName[]) {
      const row = MATRIX[name];
      outcomes[name] = {} as Record<Kind, Outcome>;
      for (const kind of KINDS) {
        const payload = name === 'lesson:join' ? { courseId: w.courseId, rtpCapabilities: (await socket[kind].request('lesson:capabilities', { courseId: w.courseId })).routerRtpCapabilities } : row.payload(w, kind);
        const ack = await socket[kind].ask(name, payload);
        outcomes[name][kind] = ack.ok ? 'ok' : ack.error.code;
        if (ack.ok) await row.after?.(w, kind, ack.data);
        else await row.refused?.(w, kind);
      }
    }
    const expected = Object.fromEntries(Object.entries(MATRIX).map(([name, row]) => [name, row.expected]));
    expect(outcomes).toEqual(expected);
  }, 60_000);

  it('refuses ids of another live lesson with not_found and changes nothing there', async () => {
    // A second course of the lead school, taught by another teacher, live at the same time.
    const otherTeacherId = await f.addUser('teacher-b', 'teacher', { schoolId: f.ids.leadSchoolId });
    const [room] = await f.db.insert(classrooms).values({ schoolId: f.ids.leadSchoolId, name: '三年级(3)班', receiving: false }).returning();
    const courseB = (
      await f.db
        .insert(courses)
        .values({ termId: f.ids.termId, schoolId: f.ids.leadSchoolId, name: '三年级美术', subject: 'music', grade: 3, kind: 'delivered', leadTeacherId: otherTeacherId, hostClassroomId: room!.id })
        .returning()
    )[0]!;
    const clientB = new TestClient(f.t.app);
    expect((await clientB.login('teacher-b', FIXTURE_PASSWORD)).statusCode).toBe(200);
    const teacherB = await connect(clientB.cookieHeader());
    await teacherB.request('lesson:start', { courseId: courseB.id });
    const leadB = (await joinLesson(teacherB, courseB.id)).participantId;
    const sendB = await teacherB.request('transport:create', { direction: 'send' });
    const { producerId: micB } = await teacherB.request('producer:create', { transportId: sendB.id, kind: 'audio', source: 'mic', rtpParameters: opus(2000) });
    const { pollId: pollB } = await teacherB.request('poll:create', { question: 'Q', options: ['a', 'b'], multiple: false });
    const observerB = await connectAs('system_admin');
    const watcherB = (await joinLesson(observerB, courseB.id)).participantId;
    // An observer is counted, not listed: let the count arrive before counting what comes after.
    await teacherB.nextEvent('observers:changed', (o) => o.count === 1);
    await observerB.request('transport:create', { direction: 'recv' });
    const { id: consumerB } = await observerB.request('consumer:create', { producerId: micB });

    // The first course's lesson, with its lead teacher (who may moderate her own) and a classroom.
    const teacher = await connectAs('teacher');
    await teacher.request('lesson:start', { courseId: f.ids.courseId });
    await joinLesson(teacher, f.ids.courseId);
    const classroom = await connectAs('classroom_device');
    await joinLesson(classroom, f.ids.courseId);
    await teacher.request('transport:create', { direction: 'recv' });
    const seenTeacherB = teacherB.received.length;
    const seenObserverB = observerB.received.length;

    const foreign: Array<[LessonRequestName, unknown]> = [
      ['transport:connect', { transportId: sendB.id, dtlsParameters: DTLS }],
      ['transport:restart-ice', { transportId: sendB.id }],
      ['producer:pause', { producerId: micB }],
      ['producer:resume', { producerId: micB }],
      ['producer:close', { producerId: micB }],
      ['consumer:create', { producerId: micB }],
      ['consumer:resume', { consumerId: consumerB }],
      ['consumers:resume', { consumerIds: [consumerB] }],
      ['consumer:tile', { consumerId: consumerB, width: 0, height: 0, visible: false }],
      ['hand:lower', { participantId: watcherB }],
      ['stage:invite', { participantId: watcherB }],
      ['stage:return', { participantId: watcherB }],
      ['moderate:mute', { participantId: leadB }],
      ['moderate:stop-camera', { participantId: leadB }],
      ['moderate:remove', { participantId: watcherB }],
      ['poll:close', { pollId: pollB }],
    ];
    for (const [name, payload] of foreign) {
      expect(await teacher.ask(name, payload), `${name} by the lead teacher of another lesson`).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    // (The lead teacher answers no quiz at all; a classroom gets not_found for another lesson's.)
    expect(await classroom.ask('poll:answer', { pollId: pollB, choices: [0] })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Another course by its id: not hers to start, join or look at.
    expect(await teacher.ask('lesson:start', { courseId: courseB.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A scheduled lesson of another course does not go with this one.
    const [scheduledA] = await f.db.select().from(scheduledLessons).where(eq(scheduledLessons.courseId, f.ids.courseId)).limit(1);
    expect(await teacherB.ask('lesson:start', { courseId: courseB.id, scheduledLessonId: scheduledA!.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // A classroom of the host's region could watch it were it broadcast (直播): it is told that it is not.
    expect(await classroom.ask('lesson:capabilities', { courseId: courseB.id })).toMatchObject({ ok: false, error: { code: 'not_broadcast' } });
    expect(await classroom.ask('lesson:join', { courseId: courseB.id, rtpCapabilities: { codecs: [] } })).toMatchObject({ ok: false, error: { code: 'not_broadcast' } });

    // Nothing happened in the other lesson: no change reached its sites, and its producer, consumer and poll still work.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const CHANGES = new Set(['producer:paused', 'producer:closed', 'consumer:closed', 'participants:changed', 'poll:updated', 'hand:queue', 'moderation:applied']);
    const changes = [...teacherB.received.slice(seenTeacherB), ...observerB.received.slice(seenObserverB)].filter((r) => CHANGES.has(r.event));
    expect(changes).toEqual([]);
    await teacherB.request('producer:pause', { producerId: micB });
    await observerB.request('consumer:resume', { consumerId: consumerB });
    await teacherB.request('poll:close', { pollId: pollB });
    await teacher.request('lesson:end', {});
    await teacherB.request('lesson:end', {});
  });
});
