import { EventEmitter } from 'node:events';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { users } from '../server/db/schema/index.js';
import type { LessonMediaEvents, TransportQuality } from '../media/index.js';
import { EvidenceRecorder } from '../server/evidence/capture/recorder.js';
import { EvidenceRepository } from '../server/evidence/capture/repository.js';
import type { EvidenceOp, EvidenceSink } from '../server/evidence/capture/ops.js';
import { LiveLesson } from '../server/lessons/live-lesson.js';
import type { ParticipantIdentity } from '../server/lessons/participant.js';
import { LessonsRepository } from '../server/lessons/repository.js';
import type { LessonRegistryEvents } from '../server/lessons/registry.js';
import { createOrganisationFixture, type OrganisationFixture } from '../test/support/fixtures.js';
import { ratios, round, type Benchmark, type BenchResult } from './result.js';
import { percentile } from './reports.js';

const FULL_RATES = [1_000, 5_000, 10_000];
/** The rate of the issue's target (ingest ≥ 0.5× raw, loop lag p99 < 25 ms): the figures are this step's. */
const TARGET_RATE = 5_000;
const FULL_SECONDS = 5;
/** Students in the lesson: participation is spread over them; a tenth of the events are joins and leaves. */
const STUDENTS = 100;

/** Stats for every site, so that quality sampling always writes a sample. */
class SteadyMedia extends EventEmitter<LessonMediaEvents> {
  async stats(): Promise<TransportQuality[]> {
    return [{ transportId: 't', direction: 'recv', recvBitrate: 900_000, sendBitrate: 20_000, rttMs: 35, packetLossPct: 0.5 }];
  }
}

/** The real evidence repository, timed, keeping a copy of each batch for the raw baseline. */
class TimedSink implements EvidenceSink {
  readonly flushMs: number[] = [];
  readonly batches: EvidenceOp[][] = [];
  ops = 0;
  constructor(private readonly inner: EvidenceRepository) {}
  async apply(ops: readonly EvidenceOp[]): Promise<void> {
    const from = performance.now();
    await this.inner.apply(ops);
    this.flushMs.push(performance.now() - from);
    this.ops += ops.length;
    this.batches.push([...ops]);
  }
  applyEach(ops: readonly EvidenceOp[]): Promise<Array<{ op: EvidenceOp; error: unknown }>> {
    return this.inner.applyEach(ops);
  }
}

interface Step {
  rate: number;
  seconds: number;
  offered: number;
  written: number;
  sustainedPerS: number;
  /** Rows per second of time inside the repository, the run's batches replayed side by side with the raw driver. */
  writeCapacityPerS: number;
  replayBatchP95Ms: number;
  /** Rows per second of time inside flushes during the run, while the lesson's events kept coming. */
  underLoadCapacityPerS: number;
  flushP50Ms: number;
  flushP95Ms: number;
  loopLagP99Ms: number;
  /** The same lesson driven at the same rate with nothing recording it: the loop lag the machine gives anyway. */
  loopLagP99WithoutRecorderMs: number;
  rssMb: number;
  dropped: number;
  rawCapacityPerS: number;
  rawBatchP95Ms: number;
  /** The machine's 1-minute load average when the step ended (other processes skew wall-clock figures). */
  load1m: number;
}

/**
 * Evidence ingest: a live lesson's participation, attendance and quality events at a fixed rate through the
 * real recorder (LiveLesson → LessonTap → EvidenceBuffer → EvidenceRepository) into the run's store (a
 * temporary SQLite file, or a PostgreSQL database with `--store postgresql`); baseline: the same rows in the
 * same batches through the bare driver on the same store — better-sqlite3 prepared statements in a
 * transaction, or node-postgres multi-row INSERTs in a transaction.
 */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description: 'evidence events/s through the real recorder pipeline vs. the bare driver\'s batched inserts on the same store',
  measuresStore: true,
  async run({ quick }): Promise<BenchResult> {
    const rates = quick ? [200] : FULL_RATES;
    const seconds = quick ? 1 : FULL_SECONDS;
    const steps: Step[] = [];
    for (const rate of rates) steps.push(await measure(rate, seconds));
    const top = steps.find((s) => s.rate === TARGET_RATE) ?? steps[steps.length - 1]!;
    const figures = { eventsPerS: top.sustainedPerS, writeCapacityPerS: top.writeCapacityPerS, batchP95Ms: top.replayBatchP95Ms, flushP95Ms: top.flushP95Ms, loopLagP99Ms: top.loopLagP99Ms, rssMb: top.rssMb };
    const baseline = { writeCapacityPerS: top.rawCapacityPerS, batchP95Ms: top.rawBatchP95Ms, loopLagP99Ms: top.loopLagP99WithoutRecorderMs };
    return {
      name: 'ingest',
      parameters: { rates, seconds, students: STUDENTS },
      figures,
      baseline,
      ratio: ratios(figures, baseline),
      steps: steps.map((s) => ({ ...s })),
      notes: [
        `figures are those of ${TARGET_RATE} events/s (the target's rate) when it ran, else of the highest rate; eventsPerS is what was written per wall-clock second (bounded by the offered rate)`,
        'writeCapacityPerS = rows / time inside the repository when the run\'s batches are replayed side by side with the raw baseline, batch by batch alternately, nothing else running; the raw baseline writes the same batches (inserts + interval closes), one transaction per batch: SQLite prepared statements, or PostgreSQL multi-row INSERTs per table and a prepared UPDATE per close',
        'underLoadCapacityPerS (steps) = rows / time inside flushes during the run, while events kept arriving: on an async store a flush also waits for the loop between statements',
        'mix: ~80 % participation (chat, hands), ~10 % attendance (leave + rejoin), ~10 % quality samples; event generation runs in the same process',
      ],
    };
  },
};

async function measure(rate: number, seconds: number): Promise<Step> {
  const f = await createOrganisationFixture();
  try {
    const students = await addStudents(f, STUDENTS);
    const lessonSessionId = await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    const lesson = new LiveLesson({ lessonSessionId, courseId: f.ids.courseId, courseName: 'bench', startedAt: new Date(), reconnectGraceMs: 600_000 });
    const media = new SteadyMedia();
    const registry = new EventEmitter<LessonRegistryEvents>();
    const sink = new TimedSink(new EvidenceRepository(f.db));
    // Quality samples are ~10 % of the rate: all connected sites are sampled every period.
    const sampleIntervalMs = Math.max(20, Math.round(((STUDENTS + 1) * 1000) / (rate * 0.1)));
    const recorder = new EvidenceRecorder(registry, { sink, log: pino({ level: 'silent' }), sampleIntervalMs, heartbeatIntervalMs: 15_000 });
    recorder.record({ lesson, media, watchMedia: (watch) => watch(media) });

    const teacher = lesson.join({ userId: f.ids.users.teacher, displayName: '王老师', kind: 'lead_teacher', classroomId: f.ids.hostClassroomId, schoolId: f.ids.leadSchoolId, regionId: f.ids.regionId, schoolName: '城关第一小学' }).participant;
    const started = performance.now();
    const { offered, lagP99Ms, rssBytes } = await driveLesson(lesson, students, rate, seconds);
    // Ending the lesson flushes everything; what is written by then counts.
    lesson.end(new Date());
    registry.emit('lesson-ended', lessonSessionId, new Date());
    await recorder.flush();
    const wallS = (performance.now() - started) / 1000;
    const { dropped } = recorder.backlog;
    await recorder.close();
    if (lesson.participants.some((p) => p.id === teacher.id)) throw new Error('the lesson did not end');

    const flushTotal = sink.flushMs.reduce((a, b) => a + b, 0);
    const replayed = await replaySideBySide(sink.batches, STUDENTS);
    return {
      rate,
      seconds,
      offered,
      written: sink.ops,
      sustainedPerS: round(sink.ops / wallS, 0),
      writeCapacityPerS: replayed.repository.capacityPerS,
      replayBatchP95Ms: replayed.repository.batchP95Ms,
      underLoadCapacityPerS: round(sink.ops / (flushTotal / 1000), 0),
      flushP50Ms: round(percentile(sink.flushMs, 50), 2),
      flushP95Ms: round(percentile(sink.flushMs, 95), 2),
      loopLagP99Ms: round(lagP99Ms, 2),
      loopLagP99WithoutRecorderMs: round(await loopLagWithoutRecorder(students, rate, seconds), 2),
      rssMb: round(rssBytes / 2 ** 20, 1),
      dropped,
      rawCapacityPerS: replayed.raw.capacityPerS,
      rawBatchP95Ms: replayed.raw.batchP95Ms,
      load1m: round(os.loadavg()[0]!, 2),
    };
  } finally {
    await f.close();
  }
}

/**
 * Drives `lesson` at `rate` events/s for `seconds`: each student in turn gets 20 events — a leave and rejoin,
 * two hands raised and lowered, 14 chats. Measures the event loop's lag meanwhile.
 */
async function driveLesson(lesson: LiveLesson, students: readonly ParticipantIdentity[], rate: number, seconds: number): Promise<{ offered: number; lagP99Ms: number; rssBytes: number }> {
  const present = students.map((s) => lesson.join(s).participant.id);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let rss = process.memoryUsage().rss;
  let offered = 0;
  const fire = (n: number) => {
    const i = Math.floor(n / 20) % present.length;
    const roll = n % 20;
    if (roll < 2) {
      // Attendance: the site leaves (its interval closes), then joins again (a new one opens).
      if (roll === 0) lesson.leave(present[i]!, 'left');
      else present[i] = lesson.join(students[i]!).participant.id;
    } else if (roll < 6) {
      if (roll % 2 === 0) lesson.features.hands.raise(present[i]!);
      else lesson.features.hands.lower(lesson.participant(present[i]!));
    } else {
      lesson.features.chat.send(present[i]!, '老师，我听到了');
    }
  };
  const started = performance.now();
  const durationMs = seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - started;
      const due = Math.min(rate * seconds, Math.floor((rate * Math.min(elapsed, durationMs)) / 1000));
      while (offered < due) fire(offered++);
      rss = Math.max(rss, process.memoryUsage().rss);
      if (elapsed >= durationMs) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
  lag.disable();
  return { offered, lagP99Ms: lag.percentile(99) / 1e6, rssBytes: rss };
}

/** The loop lag of the same lesson at the same rate with no recorder: what the machine gives anyway. */
async function loopLagWithoutRecorder(students: readonly ParticipantIdentity[], rate: number, seconds: number): Promise<number> {
  const lesson = new LiveLesson({ lessonSessionId: 0, courseId: 0, courseName: 'bench', startedAt: new Date(), reconnectGraceMs: 600_000 });
  lesson.join({ ...students[0]!, userId: 0, displayName: '王老师', kind: 'lead_teacher' });
  const { lagP99Ms } = await driveLesson(lesson, students, rate, seconds);
  lesson.end(new Date());
  return lagP99Ms;
}

/** Student accounts (attendance rows reference users) at the fixture's teaching point, created in order. */
async function addStudents(f: OrganisationFixture, count: number): Promise<ParticipantIdentity[]> {
  const rows = Array.from({ length: count }, (_, i) => ({ username: `bench-student-${i}`, displayName: `学生${i}` }));
  const created = await f.db.insert(users).values(rows).returning({ id: users.id });
  return created.map(({ id }, i): ParticipantIdentity => ({ userId: id, displayName: `学生${i}`, kind: 'student', classroomId: null, schoolId: f.ids.teachingPointId, regionId: f.ids.regionId, schoolName: '石门教学点' }));
}

/** One batch's writes as the bare driver makes them: rows per table, and the interval closes in order. */
interface RawBatch {
  participation: unknown[][];
  quality: unknown[][];
  attendance: unknown[][];
  closes: unknown[][];
}

const PARTICIPATION_COLUMNS = ['lesson_session_id', 'participant_id', 'user_id', 'classroom_id', 'school_id', 'region_id', 'kind', 'occurred_at', 'poll_id', 'correct'];
const QUALITY_COLUMNS = ['lesson_session_id', 'participant_id', 'classroom_id', 'school_id', 'sampled_at', 'rtt_ms', 'packet_loss_pct', 'recv_bitrate', 'send_bitrate', 'consumer_score'];
const ATTENDANCE_COLUMNS = ['lesson_session_id', 'participant_id', 'user_id', 'site_kind', 'classroom_id', 'school_id', 'region_id', 'joined_at', 'headcount', 'last_heartbeat_at'];
const CLOSE = 'UPDATE attendance_intervals SET left_at = $1, leave_reason = $2, last_heartbeat_at = $3 WHERE lesson_session_id = $4 AND participant_id = $5 AND left_at IS NULL';

function rawBatch(ops: readonly EvidenceOp[], booleans: (value: boolean | null | undefined) => unknown): RawBatch {
  const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
  const batch: RawBatch = { participation: [], quality: [], attendance: [], closes: [] };
  for (const op of ops) {
    switch (op.op) {
      case 'participation': {
        const r = op.row;
        batch.participation.push([r.lessonSessionId, r.participantId, r.userId ?? null, r.classroomId ?? null, r.schoolId ?? null, r.regionId ?? null, r.kind, ms(r.occurredAt), r.pollId ?? null, booleans(r.correct)]);
        break;
      }
      case 'quality': {
        const r = op.row;
        batch.quality.push([r.lessonSessionId, r.participantId, r.classroomId ?? null, r.schoolId ?? null, ms(r.sampledAt), r.rttMs ?? null, r.packetLossPct ?? null, r.recvBitrate ?? null, r.sendBitrate ?? null, r.consumerScore ?? null]);
        break;
      }
      case 'attendance-open': {
        const r = op.row;
        batch.attendance.push([r.lessonSessionId, r.participantId, r.userId ?? null, r.siteKind, r.classroomId ?? null, r.schoolId ?? null, r.regionId ?? null, ms(r.joinedAt), r.headcount ?? null, ms(r.lastHeartbeatAt)]);
        break;
      }
      case 'attendance-close':
        batch.closes.push([op.leftAt.getTime(), op.reason, op.leftAt.getTime(), op.lessonSessionId, op.participantId]);
        break;
      default:
        break;
    }
  }
  return batch;
}

/** Writes one batch; the raw baseline times these. */
type RawWriter = { write(batch: RawBatch): Promise<void> | void; close(): Promise<void> | void };

/** better-sqlite3 on the store's file: prepared statements, one transaction per batch. */
function sqliteWriter(path: string): RawWriter {
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('synchronous = NORMAL');
  const insert = (table: string, columns: string[]) => sqlite.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const participation = insert('participation_events', PARTICIPATION_COLUMNS);
  const quality = insert('quality_samples', QUALITY_COLUMNS);
  const attendance = insert('attendance_intervals', ATTENDANCE_COLUMNS);
  const close = sqlite.prepare(CLOSE.replace(/\$\d/g, '?'));
  // In the order the recorder made them, which is what a bare loop over the batch would do.
  const write = sqlite.transaction((batch: RawBatch) => {
    for (const row of batch.attendance) attendance.run(...row);
    for (const row of batch.participation) participation.run(...row);
    for (const row of batch.quality) quality.run(...row);
    for (const row of batch.closes) close.run(...row);
  });
  return { write: (batch) => write(batch), close: () => void sqlite.close() };
}

/** node-postgres on the store's database: a multi-row INSERT per table and a prepared UPDATE per close, one transaction per batch. */
async function postgresWriter(url: string): Promise<RawWriter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    for (let from = 0; from < rows.length; from += 1_000) {
      const part = rows.slice(from, from + 1_000);
      const tuples = part.map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
      await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, part.flat());
    }
  };
  return {
    async write(batch) {
      await client.query('BEGIN');
      await insert('attendance_intervals', ATTENDANCE_COLUMNS, batch.attendance);
      await insert('participation_events', PARTICIPATION_COLUMNS, batch.participation);
      await insert('quality_samples', QUALITY_COLUMNS, batch.quality);
      for (const values of batch.closes) await client.query({ name: 'close-attendance', text: CLOSE, values });
      await client.query('COMMIT');
    },
    close: () => client.end(),
  };
}

/**
 * The same batches written again, side by side and with nothing else running: through the real repository
 * into one fresh database and through the bare driver (one transaction per batch) into another of the same
 * store, batch by batch alternately, so both see the same machine. The fresh fixtures have the same ids
 * (same creation order), so foreign keys hold.
 */
async function replaySideBySide(batches: readonly EvidenceOp[][], students: number): Promise<{ repository: Replayed; raw: Replayed }> {
  const [forRepository, forRaw] = [await createOrganisationFixture(), await createOrganisationFixture()];
  try {
    for (const f of [forRepository, forRaw]) {
      await addStudents(f, students);
      await new LessonsRepository(f.db).startSession(f.ids.courseId, f.ids.users.teacher, null, new Date());
    }
    const repository = new EvidenceRepository(forRepository.db);
    const onPg = forRaw.t.database.dialect === 'postgresql';
    const writer = onPg ? await postgresWriter(forRaw.t.config.databaseUrl) : sqliteWriter(forRaw.t.config.dbPath);
    // Turned into the driver's rows before timing: the recorder's ops are already rows when it writes them.
    const raw = batches.map((ops) => rawBatch(ops, (value) => (value == null ? null : onPg ? value : Number(value))));
    const timed = { repository: [] as number[], raw: [] as number[] };
    let rows = 0;
    try {
      for (const [i, ops] of batches.entries()) {
        let from = performance.now();
        await repository.apply(ops);
        timed.repository.push(performance.now() - from);
        from = performance.now();
        await writer.write(raw[i]!);
        timed.raw.push(performance.now() - from);
        rows += ops.length;
      }
    } finally {
      await writer.close();
    }
    const replayed = (samples: number[]): Replayed => ({
      capacityPerS: round(rows / (samples.reduce((a, b) => a + b, 0) / 1000), 0),
      batchP95Ms: round(percentile(samples, 95), 2),
    });
    return { repository: replayed(timed.repository), raw: replayed(timed.raw) };
  } finally {
    await forRaw.close();
    await forRepository.close();
  }
}

interface Replayed {
  capacityPerS: number;
  batchP95Ms: number;
}
