import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { and, eq, getTableColumns, getTableName, inArray, isNull, or, SQL, sql, StringChunk, type SQLChunk } from 'drizzle-orm';
import { rowsFromJson, SET_BASED_UPDATES } from '../../db/sql.js';
import { execute, insertRows as insertInto, type BulkColumn, type TongkeDb } from '../../db/store.js';
import { attendanceIntervals, lessonSessions, mediaStateIntervals, participationEvents, qualitySamples } from '../../db/schema/index.js';
import { chunks } from '../../core/lists.js';
import type { EvidenceOp, EvidenceSink } from './ops.js';

/** How long a batch may run without letting the event loop turn (ms). */
const HOLD_LOOP_MS = 10;

type AttendanceRow = typeof attendanceIntervals.$inferInsert;
type MediaRow = typeof mediaStateIntervals.$inferInsert;
type Update = Exclude<EvidenceOp, { op: 'attendance-open' | 'media-open' | 'participation' | 'quality' }>;


/**
 * A stretch of a batch in which every interval opened is inserted before the stretch's updates run.
 * That is only the same as the batch's own order while no interval is opened twice and no update comes
 * before the opening of what it updates, so a new segment starts whenever an open meets a key already
 * seen in the current one (a camera switched on, off and on again in one batch).
 */
interface Segment {
  attendance: AttendanceRow[];
  media: MediaRow[];
  /** Updates of attendance intervals, in the order they were made. */
  attendanceUpdates: Update[];
  /** Updates of media-state intervals, in order (they never touch attendance: the two lists commute). */
  mediaUpdates: Update[];
  /** Keys (participant, or participant + kind) opened or updated in this segment. */
  touched: Set<string>;
}

/** How a batch is written: append-only rows first (nothing refers to them), then the segments in order. */
interface Plan {
  participation: Array<typeof participationEvents.$inferInsert>;
  quality: Array<typeof qualitySamples.$inferInsert>;
  segments: Segment[];
  incomplete: number[];
}

/**
 * Writes the evidence recorder's batches: appends rows and closes open intervals. A batch is one
 * transaction (ambient: every query below made through `db` joins it, on both stores). The batch is
 * written in as few statements as keep its meaning (see `plan`): at thousands of events a second the
 * cost is per statement and per bound value, not per row.
 */
export class EvidenceRepository implements EvidenceSink {
  constructor(private readonly db: TongkeDb) {}

  async apply(ops: readonly EvidenceOp[]): Promise<void> {
    const { participation, quality, segments, incomplete } = plan(ops);
    const db = this.db;
    const steps: Array<() => Promise<void>> = [() => insertRows(db, participationEvents, participation), () => insertRows(db, qualitySamples, quality)];
    for (const segment of segments) {
      steps.push(() => insertRows(db, attendanceIntervals, segment.attendance), () => insertRows(db, mediaStateIntervals, segment.media));
      for (const update of [...coalesce(segment.attendanceUpdates), ...coalesce(segment.mediaUpdates)]) steps.push(() => applyUpdate(db, update));
    }
    for (const part of chunks(incomplete)) steps.push(async () => void (await db.update(lessonSessions).set({ evidenceIncomplete: true }).where(inArray(lessonSessions.id, part))));
    await db.transaction(async () => {
      let heldSince = performance.now();
      for (const step of steps) {
        await step();
        // SQLite runs every statement synchronously: a big batch would hold the event loop (sockets, timers)
        // for as long as it takes. Let it turn between statements once the batch has held it a while (well
        // under the 25 ms of lag a live lesson tolerates).
        if (performance.now() - heldSince >= HOLD_LOOP_MS) {
          await setImmediate();
          heldSince = performance.now();
        }
      }
    });
  }

  async applyEach(ops: readonly EvidenceOp[]): Promise<Array<{ op: EvidenceOp; error: unknown }>> {
    const failed: Array<{ op: EvidenceOp; error: unknown }> = [];
    await this.db.transaction(async () => {
      for (const op of ops) {
        try {
          // A savepoint per op: a refused row rolls back alone, the rest of the batch stays.
          await this.db.transaction(() => applyOne(this.db, op));
        } catch (error) {
          failed.push({ op, error });
        }
      }
    });
    return failed;
  }
}

/** Orders a batch's writes into few statements without changing what they leave in the database. */
function plan(ops: readonly EvidenceOp[]): Plan {
  const result: Plan = { participation: [], quality: [], segments: [], incomplete: [] };
  let segment = newSegment();
  result.segments.push(segment);
  const open = (key: string) => {
    if (segment.touched.has(key)) {
      segment = newSegment();
      result.segments.push(segment);
    }
    segment.touched.add(key);
  };
  for (const op of ops) {
    switch (op.op) {
      case 'participation':
        result.participation.push(op.row);
        break;
      case 'quality':
        result.quality.push(op.row);
        break;
      case 'attendance-open':
        open(op.row.participantId);
        segment.attendance.push(op.row);
        break;
      case 'media-open':
        open(`${op.row.participantId}\u0000${op.row.kind}`);
        segment.media.push(op.row);
        break;
      case 'attendance-close':
      case 'attendance-headcount':
        segment.touched.add(op.participantId);
        segment.attendanceUpdates.push(op);
        break;
      case 'attendance-heartbeat':
        for (const id of op.participantIds) segment.touched.add(id);
        segment.attendanceUpdates.push(op);
        break;
      case 'media-close':
        segment.touched.add(`${op.participantId}\u0000${op.kind}`);
        segment.mediaUpdates.push(op);
        break;
      case 'evidence-incomplete':
        result.incomplete.push(op.lessonSessionId);
        break;
    }
  }
  return result;
}

function newSegment(): Segment {
  return { attendance: [], media: [], attendanceUpdates: [], mediaUpdates: [], touched: new Set() };
}

type AttendanceClose = Extract<Update, { op: 'attendance-close' }>;
/**
 * Consecutive attendance closes of different participants become one UPDATE (each leave closes one, and
 * they do not touch each other's rows); consecutive media closes at the same instant (the end of a lesson
 * closes everyone's) become one UPDATE.
 */
type Coalesced = Update | { op: 'attendance-closes'; closes: AttendanceClose[]; participants: Set<string> } | { op: 'media-close-many'; lessonSessionId: number; endedAt: Date; closes: Array<{ participantId: string; kind: string }> };

function coalesce(updates: readonly Update[]): Coalesced[] {
  const result: Coalesced[] = [];
  for (const op of updates) {
    const last = result.at(-1);
    if (op.op === 'attendance-close') {
      const key = `${op.lessonSessionId}\u0000${op.participantId}`;
      if (last?.op === 'attendance-closes' && !last.participants.has(key)) {
        last.closes.push(op);
        last.participants.add(key);
      } else {
        result.push({ op: 'attendance-closes', closes: [op], participants: new Set([key]) });
      }
    } else if (op.op === 'media-close') {
      if (last?.op === 'media-close-many' && last.lessonSessionId === op.lessonSessionId && last.endedAt.getTime() === op.endedAt.getTime()) last.closes.push(op);
      else if (last?.op === 'media-close' && last.lessonSessionId === op.lessonSessionId && last.endedAt.getTime() === op.endedAt.getTime())
        result[result.length - 1] = { op: 'media-close-many', lessonSessionId: op.lessonSessionId, endedAt: op.endedAt, closes: [last, op] };
      else result.push(op);
    } else {
      result.push(op);
    }
  }
  return result;
}

async function applyUpdate(db: TongkeDb, update: Coalesced): Promise<void> {
  switch (update.op) {
    case 'attendance-closes': {
      if (!SET_BASED_UPDATES || update.closes.length === 1) {
        for (const close of update.closes) await applyOne(db, close);
        return;
      }
      const json = JSON.stringify(update.closes.map((c) => [c.lessonSessionId, c.participantId, c.leftAt.getTime(), c.reason]));
      await execute(
        db,
        sql`update attendance_intervals set left_at = v.left_at, leave_reason = v.leave_reason, last_heartbeat_at = v.left_at from (${rowsFromJson(json, closeColumns())}) as v
            where attendance_intervals.lesson_session_id = v.lesson_session_id and attendance_intervals.participant_id = v.participant_id and attendance_intervals.left_at is null`,
      );
      return;
    }
    case 'media-close-many':
      for (const part of chunks(update.closes, 100)) {
        const which = part.map((c) => and(eq(mediaStateIntervals.participantId, c.participantId), eq(mediaStateIntervals.kind, c.kind as MediaRow['kind'])));
        await db
          .update(mediaStateIntervals)
          .set({ endedAt: update.endedAt })
          .where(and(eq(mediaStateIntervals.lessonSessionId, update.lessonSessionId), isNull(mediaStateIntervals.endedAt), or(...which)));
      }
      return;
    default:
      return applyOne(db, update);
  }
}

/**
 * Inserts `rows` into an evidence table through the store's bulk insert (see `insertRows` in the store):
 * drizzle's insert builder wraps every value in a parameter object and type-checks each one several times,
 * which at this volume costs more than the database spends storing the rows. Absent columns are NULL — the
 * evidence tables have no column defaults but the id.
 */
async function insertRows(db: TongkeDb, table: EvidenceTable, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  const { name, keys, columns } = insertShape(table);
  await insertInto(db, name, columns, rows.map((row) => keys.map((key) => row[key])));
}

type EvidenceTable = typeof attendanceIntervals | typeof mediaStateIntervals | typeof participationEvents | typeof qualitySamples;
interface InsertShape {
  name: string;
  /** Row keys of every column but the id, in the table's order. */
  keys: string[];
  columns: BulkColumn[];
}
const shapes = new Map<EvidenceTable, InsertShape>();

function insertShape(table: EvidenceTable): InsertShape {
  let shape = shapes.get(table);
  if (!shape) {
    const entries = Object.entries(getTableColumns(table)).filter(([key]) => key !== 'id');
    const columns = entries.map(([, column]) => ({ name: column.name, sqlType: column.getSQLType() }));
    shape = { name: getTableName(table), keys: entries.map(([key]) => key), columns };
    shapes.set(table, shape);
  }
  return shape;
}

let closeColumnsOf: BulkColumn[] | null = null;
/** The columns a batch of attendance closes carries (their SQL types are the table's). */
function closeColumns(): BulkColumn[] {
  const a = attendanceIntervals;
  closeColumnsOf ??= [a.lessonSessionId, a.participantId, a.leftAt, a.leaveReason].map((column) => ({ name: column.name, sqlType: column.getSQLType() }));
  return closeColumnsOf;
}

const CLOSE_ATTENDANCE = 'update attendance_intervals set left_at = ?, leave_reason = ?, last_heartbeat_at = ? where lesson_session_id = ? and participant_id = ? and left_at is null';
const CLOSE_MEDIA = 'update media_state_intervals set ended_at = ? where lesson_session_id = ? and participant_id = ? and kind = ? and ended_at is null';

/** The text's pieces around its `?` marks, kept per text (the texts are this file's own few). */
const pieces = new Map<string, StringChunk[]>();

/**
 * `text` with `values` bound at its `?` marks, as a flat SQL (text, value, text, …): no nested SQL per
 * value for drizzle to walk. Both stores number the marks their own way when they run it.
 */
function statement(text: string, values: readonly unknown[]): SQL {
  let parts = pieces.get(text);
  if (!parts) {
    parts = text.split('?').map((piece) => new StringChunk(piece));
    if (parts.length !== values.length + 1) throw new Error(`statement has ${parts.length - 1} marks for ${values.length} values`);
    if (pieces.size > 200) pieces.clear();
    pieces.set(text, parts);
  }
  const query: SQLChunk[] = [parts[0]!];
  for (let i = 0; i < values.length; i++) query.push(values[i] as SQLChunk, parts[i + 1]!);
  return new SQL(query);
}

async function applyOne(db: TongkeDb, op: EvidenceOp): Promise<void> {
  switch (op.op) {
    case 'attendance-open':
      return insertRows(db, attendanceIntervals, [op.row]);
    case 'media-open':
      return insertRows(db, mediaStateIntervals, [op.row]);
    case 'participation':
      return insertRows(db, participationEvents, [op.row]);
    case 'quality':
      return insertRows(db, qualitySamples, [op.row]);
    case 'attendance-close':
      // The most frequent update (every leave): plain text, prepared once.
      await execute(db, statement(CLOSE_ATTENDANCE, [op.leftAt.getTime(), op.reason, op.leftAt.getTime(), op.lessonSessionId, op.participantId]));
      return;
    case 'attendance-headcount':
      await db.update(attendanceIntervals).set({ headcount: op.headcount }).where(openAttendance(op.lessonSessionId, op.participantId));
      return;
    case 'attendance-heartbeat':
      for (const part of chunks(op.participantIds)) {
        await db
          .update(attendanceIntervals)
          .set({ lastHeartbeatAt: op.at })
          .where(and(eq(attendanceIntervals.lessonSessionId, op.lessonSessionId), inArray(attendanceIntervals.participantId, part), isNull(attendanceIntervals.leftAt)));
      }
      return;
    case 'evidence-incomplete':
      await db.update(lessonSessions).set({ evidenceIncomplete: true }).where(eq(lessonSessions.id, op.lessonSessionId));
      return;
    case 'media-close':
      await execute(db, statement(CLOSE_MEDIA, [op.endedAt.getTime(), op.lessonSessionId, op.participantId, op.kind]));
      return;
  }
}

function openAttendance(lessonSessionId: number, participantId: string) {
  return and(eq(attendanceIntervals.lessonSessionId, lessonSessionId), eq(attendanceIntervals.participantId, participantId), isNull(attendanceIntervals.leftAt));
}
