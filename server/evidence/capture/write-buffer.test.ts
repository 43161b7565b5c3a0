import BetterSqlite3 from 'better-sqlite3';
import { and, eq, isNull, sql } from 'drizzle-orm';
import pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport } from '../../../shared/api/evidence-lesson.js';
import { attendanceIntervals, lessonSessions, participationEvents } from '../../db/schema/index.js';
import { execute } from '../../db/store.js';
import { LessonsRepository } from '../../lessons/repository.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';
import { evidenceDropCounter } from './drop-counter.js';
import type { EvidenceOp } from './ops.js';
import { EvidenceRepository } from './repository.js';
import { EvidenceBuffer, type EvidenceDropReason } from './write-buffer.js';

/**
 * Stalls the store the way a busy database does: on SQLite another connection holds the write lock (and
 * the store does not wait for it: a flush fails at once and keeps its batch); on PostgreSQL another
 * connection holds a lock on the table (a flush waits, its batch still in memory). `release()` ends it.
 */
async function stallWrites(f: OrganisationFixture): Promise<{ release(): Promise<void> }> {
  if (f.t.database.dialect === 'sqlite') {
    await execute(f.db, sql`PRAGMA busy_timeout = 0`);
    const locker = new BetterSqlite3(f.t.config.dbPath);
    locker.exec('BEGIN IMMEDIATE');
    return {
      async release() {
        locker.exec('ROLLBACK');
        locker.close();
        await execute(f.db, sql`PRAGMA busy_timeout = 5000`);
      },
    };
  }
  const locker = new pg.Client({ connectionString: f.t.config.databaseUrl });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE participation_events IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await locker.query('ROLLBACK');
      await locker.end();
    },
  };
}

/*
 * Two lessons share the evidence buffer while the real SQLite file is locked by another connection (a
 * stalled database): one lesson floods it, the other records a little. When the database is back, the quiet
 * lesson's evidence must be whole; the noisy one loses what did not fit, is counted on /metrics by reason,
 * and its report says its figures are incomplete.
 */
describe('the evidence buffer is fair between lessons', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  const chat = (lessonSessionId: number, i: number): EvidenceOp => ({
    op: 'participation',
    row: { lessonSessionId, participantId: `p${lessonSessionId}`, userId: null, classroomId: null, schoolId: null, regionId: null, kind: 'chat_message', occurredAt: new Date(1_750_000_000_000 + i) },
  });
  const written = async (lessonSessionId: number) => (await f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId))).length;
  const incomplete = async (lessonSessionId: number) => (await f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)))[0]!.evidenceIncomplete;

  it("one noisy lesson cannot make another lesson's evidence be dropped", async () => {
    const repo = new LessonsRepository(f.db);
    const noisy = await repo.startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const quiet = await repo.startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const registry = new Registry();
    const countDropped = evidenceDropCounter(registry);
    const drops: Array<[EvidenceDropReason, number]> = [];
    const buffer = new EvidenceBuffer({
      sink: new EvidenceRepository(f.db),
      log: pino({ level: 'silent' }),
      maxPending: 100,
      flushAtOps: 1_000_000,
      flushIntervalMs: 3_600_000,
      onDropped: (reason, lessonSessionId) => {
        drops.push([reason, lessonSessionId]);
        countDropped(reason);
      },
    });

    // Another connection holds a lock: the database is stalled.
    const stall = await stallWrites(f);
    let first: Promise<boolean>;
    try {
      for (let i = 0; i < 1_000; i++) {
        buffer.push(chat(noisy, i));
        // The quiet lesson writes now and then, after the buffer is long full.
        if (i % 50 === 49) buffer.push(chat(quiet, i));
      }
      first = buffer.flush();
      // SQLite refuses at once (the batch comes back to the queue); PostgreSQL waits (the batch is out).
      if (f.t.database.dialect === 'sqlite') expect(await first).toBe(false);
      expect(buffer.pending).toBe(100);
    } finally {
      await stall.release();
    }
    await first;
    expect(await buffer.flush()).toBe(true);
    await buffer.close();

    expect(await written(quiet)).toBe(20);
    expect(await written(noisy)).toBe(80);
    expect(drops).toHaveLength(920);
    expect(drops.every(([reason, lesson]) => reason === 'buffer_full' && lesson === noisy)).toBe(true);
    expect([await incomplete(noisy), await incomplete(quiet)]).toEqual([true, false]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('tongke_evidence_dropped_total{reason="buffer_full"} 920');
    expect(metrics).toContain('tongke_evidence_dropped_total{reason="refused"} 0');

    // The lesson report says so: JSON, and a column of the CSV.
    const teacher = await f.as('teacher');
    const report = (await teacher.get(`/api/reports/lessons/${noisy}`)).json() as LessonReport;
    expect(report.header.evidenceIncomplete).toBe(true);
    expect(((await teacher.get(`/api/reports/lessons/${quiet}`)).json() as LessonReport).header.evidenceIncomplete).toBe(false);
    const csv = await teacher.request('GET', `/api/reports/lessons/${noisy}?format=csv`, undefined, { 'accept-language': 'en' });
    // The table's header row follows the title block and its empty line.
    const lines = csv.body.split('\r\n');
    expect(lines[lines.indexOf('') + 1]).toMatch(/,Evidence$/);
  });

  it('marks a lesson incomplete when the database refuses one of its rows, and keeps the rest', async () => {
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const reasons: EvidenceDropReason[] = [];
    const buffer = new EvidenceBuffer({ sink: new EvidenceRepository(f.db), log: pino({ level: 'silent' }), flushIntervalMs: 3_600_000, onDropped: (reason) => reasons.push(reason) });
    buffer.push(chat(lessonSessionId, 1));
    buffer.push({ op: 'participation', row: { ...(chat(lessonSessionId, 2) as Extract<EvidenceOp, { op: 'participation' }>).row, userId: 999_999 } }); // no such user
    buffer.push(chat(lessonSessionId, 3));
    expect(await buffer.flush()).toBe(true);
    expect(await buffer.flush()).toBe(true); // the mark goes with the next batch
    await buffer.close();
    expect(await written(lessonSessionId)).toBe(2);
    expect(reasons).toEqual(['refused']);
    expect(await incomplete(lessonSessionId)).toBe(true);
  });
});

/*
 * Flushes are asynchronous now, and a lesson's writes only make sense in order: an interval closed in a
 * later batch than the one that opened it must find it open in the database. Flushes asked for while one
 * is running wait for it (and share one flush), so batches never overlap.
 */
describe('the evidence buffer flushes one batch at a time', () => {
  let f: OrganisationFixture;
  beforeAll(async () => {
    f = await createOrganisationFixture();
  });
  afterAll(async () => f.close());

  it('closes an interval opened by a flush still running when the close was pushed', async () => {
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const repository = new EvidenceRepository(f.db);
    let writing = 0;
    let overlapped = false;
    const batches: string[][] = [];
    // The real repository, watched: how many batches are being written at once.
    const sink = {
      async apply(ops: readonly EvidenceOp[]) {
        overlapped ||= ++writing > 1;
        batches.push(ops.map((op) => op.op));
        try {
          await repository.apply(ops);
        } finally {
          writing--;
        }
      },
      applyEach: (ops: readonly EvidenceOp[]) => repository.applyEach(ops),
    };
    const buffer = new EvidenceBuffer({ sink, log: pino({ level: 'silent' }), flushIntervalMs: 3_600_000, flushAtOps: 1_000_000 });
    const joinedAt = new Date(1_750_000_000_000);
    const leftAt = new Date(1_750_000_060_000);
    const site = { lessonSessionId, userId: f.ids.users.classroom_device, siteKind: 'receiving_classroom', classroomId: f.ids.receivingClassroomId, schoolId: f.ids.teachingPointId, regionId: f.ids.regionId } as const;
    const flushes: Array<Promise<boolean>> = [];
    for (let i = 0; i < 20; i++) {
      buffer.push({ op: 'attendance-open', row: { ...site, participantId: `p${i}`, joinedAt, lastHeartbeatAt: joinedAt } });
      flushes.push(buffer.flush());
      buffer.push({ op: 'attendance-close', lessonSessionId, participantId: `p${i}`, leftAt, reason: 'left' });
      flushes.push(buffer.flush());
    }
    expect(await Promise.all(flushes)).toEqual(flushes.map(() => true));
    await buffer.close();

    expect(overlapped).toBe(false);
    expect(batches.flat().filter((op) => op === 'attendance-close')).toHaveLength(20);
    const open = await f.db
      .select()
      .from(attendanceIntervals)
      .where(and(eq(attendanceIntervals.lessonSessionId, lessonSessionId), isNull(attendanceIntervals.leftAt)));
    expect(open).toEqual([]);
  });
});
