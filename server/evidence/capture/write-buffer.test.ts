import BetterSqlite3 from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonReport } from '../../../shared/api/evidence-lesson.js';
import { lessonSessions, participationEvents } from '../../db/schema/index.js';
import { LessonsRepository } from '../../lessons/repository.js';
import { createOrganisationFixture, type OrganisationFixture } from '../../../test/support/fixtures.js';
import { evidenceDropCounter } from './drop-counter.js';
import type { EvidenceOp } from './ops.js';
import { EvidenceRepository } from './repository.js';
import { EvidenceBuffer, type EvidenceDropReason } from './write-buffer.js';

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
  afterAll(() => f.close());

  const chat = (lessonSessionId: number, i: number): EvidenceOp => ({
    op: 'participation',
    row: { lessonSessionId, participantId: `p${lessonSessionId}`, userId: null, classroomId: null, schoolId: null, regionId: null, kind: 'chat_message', occurredAt: new Date(1_750_000_000_000 + i) },
  });
  const written = (lessonSessionId: number) => f.db.select().from(participationEvents).where(eq(participationEvents.lessonSessionId, lessonSessionId)).all().length;
  const incomplete = (lessonSessionId: number) => f.db.select().from(lessonSessions).where(eq(lessonSessions.id, lessonSessionId)).get()!.evidenceIncomplete;

  it("one noisy lesson cannot make another lesson's evidence be dropped", async () => {
    const repo = new LessonsRepository(f.db);
    const noisy = repo.startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const quiet = repo.startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
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

    // Another connection holds the write lock: the database is stalled (and we do not wait for it).
    f.t.database.sqlite.pragma('busy_timeout = 0');
    const locker = new BetterSqlite3(f.t.config.dbPath);
    locker.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0; i < 1_000; i++) {
        buffer.push(chat(noisy, i));
        // The quiet lesson writes now and then, after the buffer is long full.
        if (i % 50 === 49) buffer.push(chat(quiet, i));
      }
      expect(buffer.flush()).toBe(false);
      expect(buffer.pending).toBe(100);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
      f.t.database.sqlite.pragma('busy_timeout = 5000');
    }
    expect(buffer.flush()).toBe(true);
    buffer.close();

    expect(written(quiet)).toBe(20);
    expect(written(noisy)).toBe(80);
    expect(drops).toHaveLength(920);
    expect(drops.every(([reason, lesson]) => reason === 'buffer_full' && lesson === noisy)).toBe(true);
    expect([incomplete(noisy), incomplete(quiet)]).toEqual([true, false]);
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

  it('marks a lesson incomplete when the database refuses one of its rows, and keeps the rest', () => {
    const lessonSessionId = new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const reasons: EvidenceDropReason[] = [];
    const buffer = new EvidenceBuffer({ sink: new EvidenceRepository(f.db), log: pino({ level: 'silent' }), flushIntervalMs: 3_600_000, onDropped: (reason) => reasons.push(reason) });
    buffer.push(chat(lessonSessionId, 1));
    buffer.push({ op: 'participation', row: { ...(chat(lessonSessionId, 2) as Extract<EvidenceOp, { op: 'participation' }>).row, userId: 999_999 } }); // no such user
    buffer.push(chat(lessonSessionId, 3));
    expect(buffer.flush()).toBe(true);
    expect(buffer.flush()).toBe(true); // the mark goes with the next batch
    buffer.close();
    expect(written(lessonSessionId)).toBe(2);
    expect(reasons).toEqual(['refused']);
    expect(incomplete(lessonSessionId)).toBe(true);
  });
});
