import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { TongkeDb } from '../../db/store.js';
import { attendanceIntervals, lessonSessions, mediaStateIntervals, participationEvents, qualitySamples } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import type { EvidenceOp, EvidenceSink } from './ops.js';

/** Consecutive inserts into one table, written as multi-row INSERTs. */
type InsertRun =
  | { table: 'attendance'; rows: Array<typeof attendanceIntervals.$inferInsert> }
  | { table: 'media'; rows: Array<typeof mediaStateIntervals.$inferInsert> }
  | { table: 'participation'; rows: Array<typeof participationEvents.$inferInsert> }
  | { table: 'quality'; rows: Array<typeof qualitySamples.$inferInsert> };
type Step = InsertRun | { table: null; op: EvidenceOp };

/** Rows per multi-row INSERT: well under SQLite's bound-parameter limit for the widest table. */
const ROWS_PER_INSERT = 200;

type Tx = Parameters<Parameters<TongkeDb['transaction']>[0]>[0];

/** Writes the evidence recorder's batches: appends rows and closes open intervals. */
export class EvidenceRepository implements EvidenceSink {
  constructor(private readonly db: TongkeDb) {}

  apply(ops: readonly EvidenceOp[]): void {
    this.db.transaction((tx) => {
      for (const step of plan(ops)) {
        if (step.table === null) applyOne(tx, step.op);
        else insertRun(tx, step);
      }
    });
  }

  applyEach(ops: readonly EvidenceOp[]): Array<{ op: EvidenceOp; error: unknown }> {
    const failed: Array<{ op: EvidenceOp; error: unknown }> = [];
    this.db.transaction((tx) => {
      for (const op of ops) {
        try {
          // A savepoint per op: a refused row rolls back alone, the rest of the batch stays.
          tx.transaction((inner) => applyOne(inner, op));
        } catch (error) {
          failed.push({ op, error });
        }
      }
    });
    return failed;
  }
}

/** Groups consecutive inserts into the same table; the order of all writes is kept. */
function plan(ops: readonly EvidenceOp[]): Step[] {
  const steps: Step[] = [];
  for (const op of ops) {
    const last = steps.at(-1);
    switch (op.op) {
      case 'attendance-open':
        if (last?.table === 'attendance') last.rows.push(op.row);
        else steps.push({ table: 'attendance', rows: [op.row] });
        break;
      case 'media-open':
        if (last?.table === 'media') last.rows.push(op.row);
        else steps.push({ table: 'media', rows: [op.row] });
        break;
      case 'participation':
        if (last?.table === 'participation') last.rows.push(op.row);
        else steps.push({ table: 'participation', rows: [op.row] });
        break;
      case 'quality':
        if (last?.table === 'quality') last.rows.push(op.row);
        else steps.push({ table: 'quality', rows: [op.row] });
        break;
      default:
        steps.push({ table: null, op });
    }
  }
  return steps;
}

function insertRun(tx: Tx, run: InsertRun): void {
  switch (run.table) {
    case 'attendance':
      for (const rows of chunks(run.rows, ROWS_PER_INSERT)) tx.insert(attendanceIntervals).values(rows).run();
      return;
    case 'media':
      for (const rows of chunks(run.rows, ROWS_PER_INSERT)) tx.insert(mediaStateIntervals).values(rows).run();
      return;
    case 'participation':
      for (const rows of chunks(run.rows, ROWS_PER_INSERT)) tx.insert(participationEvents).values(rows).run();
      return;
    case 'quality':
      for (const rows of chunks(run.rows, ROWS_PER_INSERT)) tx.insert(qualitySamples).values(rows).run();
      return;
  }
}

function applyOne(tx: Tx, op: EvidenceOp): void {
  switch (op.op) {
    case 'attendance-open':
    case 'media-open':
    case 'participation':
    case 'quality':
      for (const step of plan([op])) if (step.table !== null) insertRun(tx, step);
      return;
    case 'attendance-close':
      tx.update(attendanceIntervals)
        .set({ leftAt: op.leftAt, leaveReason: op.reason, lastHeartbeatAt: op.leftAt })
        .where(openAttendance(op.lessonSessionId, op.participantId))
        .run();
      return;
    case 'attendance-headcount':
      tx.update(attendanceIntervals).set({ headcount: op.headcount }).where(openAttendance(op.lessonSessionId, op.participantId)).run();
      return;
    case 'attendance-heartbeat':
      for (const part of chunks(op.participantIds)) {
        tx.update(attendanceIntervals)
          .set({ lastHeartbeatAt: op.at })
          .where(and(eq(attendanceIntervals.lessonSessionId, op.lessonSessionId), inArray(attendanceIntervals.participantId, part), isNull(attendanceIntervals.leftAt)))
          .run();
      }
      return;
    case 'evidence-incomplete':
      tx.update(lessonSessions).set({ evidenceIncomplete: true }).where(eq(lessonSessions.id, op.lessonSessionId)).run();
      return;
    case 'media-close':
      tx.update(mediaStateIntervals)
        .set({ endedAt: op.endedAt })
        .where(
          and(
            eq(mediaStateIntervals.lessonSessionId, op.lessonSessionId),
            eq(mediaStateIntervals.participantId, op.participantId),
            eq(mediaStateIntervals.kind, op.kind),
            isNull(mediaStateIntervals.endedAt),
          ),
        )
        .run();
      return;
  }
}

function openAttendance(lessonSessionId: number, participantId: string) {
  return and(eq(attendanceIntervals.lessonSessionId, lessonSessionId), eq(attendanceIntervals.participantId, participantId), isNull(attendanceIntervals.leftAt));
}
