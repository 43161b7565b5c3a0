import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, mediaStateIntervals, participationEvents, qualitySamples } from '../../db/schema/index.js';
import { LessonsRepository } from '../../lessons/repository.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';
import type { EvidenceOp } from './ops.js';
import { EvidenceRepository } from './repository.js';

/*
 * A batch is written in few statements (appends together, opens before updates, closes of different sites
 * together). What it leaves in the database must be what writing its ops one at a time leaves: the same
 * batch goes to two lessons, once through `apply` and once through `applyEach` (one op per savepoint).
 */
describe('EvidenceRepository writes a batch as its ops one by one would', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const at = (minute: number) => new Date(Date.UTC(2025, 5, 4, 1, minute));

  function batch(lessonSessionId: number): EvidenceOp[] {
    const site = { lessonSessionId, userId: f.ids.users.classroom_device, classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId };
    const attendance = (participantId: string, minute: number): EvidenceOp => ({
      op: 'attendance-open',
      row: { ...site, participantId, siteKind: 'receiving_classroom', regionId: f.ids.regionId, joinedAt: at(minute), lastHeartbeatAt: at(minute) },
    });
    const media = (participantId: string, kind: 'camera_on' | 'mic_on', minute: number): EvidenceOp => ({ op: 'media-open', row: { ...site, participantId, kind, startedAt: at(minute) } });
    const chat = (participantId: string, minute: number): EvidenceOp => ({
      op: 'participation',
      row: { lessonSessionId, participantId, userId: site.userId, classroomId: site.classroomId, schoolId: site.schoolId, regionId: f.ids.regionId, kind: 'chat_message', occurredAt: at(minute) },
    });
    return [
      // Closed before this batch opens anything for it: a close with nothing open changes nothing.
      { op: 'attendance-close', lessonSessionId, participantId: 'a', leftAt: at(0), reason: 'left' },
      attendance('a', 1),
      media('a', 'camera_on', 1),
      chat('a', 2),
      { op: 'attendance-headcount', lessonSessionId, participantId: 'a', headcount: 7 },
      attendance('b', 3),
      { op: 'quality', row: { lessonSessionId, participantId: 'a', classroomId: site.classroomId, schoolId: site.schoolId, sampledAt: at(3), rttMs: 40, packetLossPct: 0.5, recvBitrate: 800_000, sendBitrate: 20_000, consumerScore: 9 } },
      // The camera goes off and on again: two intervals, the first closed, the second open.
      { op: 'media-close', lessonSessionId, participantId: 'a', kind: 'camera_on', endedAt: at(4) },
      media('a', 'camera_on', 5),
      media('b', 'mic_on', 5),
      { op: 'attendance-heartbeat', lessonSessionId, participantIds: ['a', 'b'], at: at(6) },
      chat('b', 6),
      // Two sites leave one after the other, then one of them is back as a new participant.
      { op: 'attendance-close', lessonSessionId, participantId: 'a', leftAt: at(7), reason: 'left' },
      { op: 'attendance-close', lessonSessionId, participantId: 'b', leftAt: at(8), reason: 'connection_lost' },
      attendance('a2', 9),
      { op: 'attendance-headcount', lessonSessionId, participantId: 'a', headcount: 99 },
      { op: 'media-close', lessonSessionId, participantId: 'a', kind: 'camera_on', endedAt: at(7) },
      { op: 'media-close', lessonSessionId, participantId: 'b', kind: 'mic_on', endedAt: at(7) },
      chat('a2', 10),
    ];
  }

  async function recorded(lessonSessionId: number) {
    const a = attendanceIntervals;
    const m = mediaStateIntervals;
    return {
      attendance: (await f.db.select().from(a).where(eq(a.lessonSessionId, lessonSessionId)).orderBy(asc(a.id))).map(({ id: _, lessonSessionId: __, ...row }) => row),
      media: (await f.db.select().from(m).where(eq(m.lessonSessionId, lessonSessionId)).orderBy(asc(m.id))).map(({ id: _, lessonSessionId: __, ...row }) => row),
      participation: (await f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId)).orderBy(asc(participationEvents.id))).map(
        ({ id: _, lessonSessionId: __, ...row }) => row,
      ),
      quality: (await f.db.select().from(qualitySamples).where(eq(qualitySamples.lessonSessionId, lessonSessionId))).map(({ id: _, lessonSessionId: __, ...row }) => row),
    };
  }

  it('leaves the same rows', async () => {
    const lessons = new LessonsRepository(f.db);
    const batched = await lessons.startSession(f.ids.courseId, f.ids.users.teacher, null, at(0));
    const oneByOne = await lessons.startSession(f.ids.courseId, f.ids.users.teacher, null, at(0));
    const repository = new EvidenceRepository(f.db);
    await repository.apply(batch(batched));
    expect(await repository.applyEach(batch(oneByOne))).toEqual([]);

    const expected = await recorded(oneByOne);
    expect(await recorded(batched)).toEqual(expected);
    // And that is what the ops mean.
    expect(expected.attendance.map((r) => [r.participantId, r.leftAt, r.leaveReason, r.headcount, r.lastHeartbeatAt])).toEqual([
      ['a', at(7), 'left', 7, at(7)],
      ['b', at(8), 'connection_lost', null, at(8)],
      ['a2', null, null, null, at(9)],
    ]);
    expect(expected.media.map((r) => [r.participantId, r.kind, r.startedAt, r.endedAt])).toEqual([
      ['a', 'camera_on', at(1), at(4)],
      ['a', 'camera_on', at(5), at(7)],
      ['b', 'mic_on', at(5), at(7)],
    ]);
    expect(expected.participation.map((r) => [r.participantId, r.occurredAt])).toEqual([
      ['a', at(2)],
      ['b', at(6)],
      ['a2', at(10)],
    ]);
    expect(expected.quality).toEqual([expect.objectContaining({ participantId: 'a', rttMs: 40, packetLossPct: 0.5, consumerScore: 9 })]);
  });
});
