import type { DatabaseHandle } from '../server/db/store.js';
import { openBulkStore, type BulkStore, type Literal } from './bulk-store.js';
import { addDays, isoWeekday, shanghaiInstant } from '../shared/time.js';
import { SUBJECTS as SUBJECT_LIST, type Subject } from '../shared/subjects.js';

/*
 * A county-scale school year for report benchmarks, written into a migrated Tongke store (SQLite or
 * PostgreSQL) on the bare driver in large transactions (./bulk-store.ts: the ORM would dominate). At scale 1:
 * 300 schools in 30 education groups, two terms, ~60k lesson sessions, ~3M attendance intervals and ~20M
 * participation events. Deterministic for a given seed.
 *
 * Simplifications a reader of the numbers should know: no timetable (scheduled figures are 0), no media-state
 * or quality rows, remote students have no accounts (their site is their school), and every student joins
 * when the lesson starts, so a school's students' connected time is the longest of their intervals.
 */

export interface SyntheticYearOptions {
  /** 1 = county scale (~60k lessons); 0.001 ≈ 60 lessons. The school count shrinks only below 0.1. */
  scale: number;
  seed?: number;
  /** Progress lines (generation at full scale takes minutes). */
  onProgress?: (message: string) => void;
}

export interface SyntheticYear {
  regionId: number;
  /** The spring term: the one the benchmarks report on. */
  termId: number;
  termStartsOn: string;
  termEndsOn: string;
  schoolIds: number[];
  lessonSessionIds: number[];
  counts: { schools: number; courses: number; lessons: number; attendanceIntervals: number; participationEvents: number };
}

/** mulberry32: small, fast, good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TERMS = [
  { name: '2024秋季学期', startsOn: '2024-09-02', endsOn: '2025-01-17' },
  { name: '2025春季学期', startsOn: '2025-02-17', endsOn: '2025-06-27' },
] as const;
/** Shortage subjects dominate what lead schools deliver to teaching points. */
const SUBJECT_WEIGHTS: Array<[Subject, number]> = [
  ['music', 22],
  ['art', 20],
  ['english', 18],
  ['science', 12],
  ['pe', 6],
  ['chinese', 8],
  ['mathematics', 8],
  ['it', 4],
  ['ideology', 6],
];
const PERIOD_STARTS = ['08:00', '08:50', '09:50', '10:40', '14:00', '14:50', '15:40'];
const LESSON_MS = 40 * 60_000;
const PARTICIPATION_KINDS = ['chat_message', 'hand_raised', 'hand_lowered', 'poll_answer', 'stage_invited', 'stage_returned'] as const;
const PARTICIPATION_WEIGHTS = [50, 18, 14, 10, 4, 4];
const ROWS_PER_TRANSACTION = 200_000;
/** Evidence rows per multi-row INSERT. */
const ROWS_PER_INSERT = 1_000;

/** Fills `database` (a freshly migrated Tongke store nothing else writes to meanwhile) with a synthetic year and rebuilds nothing. */
export async function generateSyntheticYear(database: DatabaseHandle, options: SyntheticYearOptions): Promise<SyntheticYear> {
  const bulk = await openBulkStore(database);
  try {
    return await generate(bulk, options);
  } finally {
    await bulk.close();
  }
}

async function generate(bulk: BulkStore, options: SyntheticYearOptions): Promise<SyntheticYear> {
  const random = seededRandom(options.seed ?? 20250217);
  const progress = options.onProgress ?? (() => undefined);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const weighted = <T>(pairs: ReadonlyArray<readonly [T, number]>): T => {
    const total = pairs.reduce((sum, [, w]) => sum + w, 0);
    let r = random() * total;
    for (const [value, w] of pairs) if ((r -= w) < 0) return value;
    return pairs[pairs.length - 1]![0];
  };
  const subjects = SUBJECT_WEIGHTS.filter(([s]) => (SUBJECT_LIST as readonly string[]).includes(s));

  /** One row inserted, its id back. */
  const insert = (table: string, columns: string, ...values: Literal[]): Promise<number> => bulk.insertOne(table, columns.split(', '), values);
  const add = (table: string, columns: string, ...values: Literal[]): Promise<void> => bulk.add(table, columns.split(', '), values);

  // Organisation: groups of one lead school, three members and six teaching points.
  interface School { id: number; role: 'lead' | 'member' | 'teaching_point'; hosts: number[]; receiving: number | null; lagging: boolean; students: number }
  const groupCount = Math.max(2, Math.round(30 * Math.min(1, options.scale * 10)));
  const groups: School[][] = [];
  const termIdList: number[] = [];
  const groupLeads: Array<[number, number]> = [];
  const regionId = await bulk.transaction(async () => {
    const region = await insert('regions', 'name, code', '基准县', 'bench');
    for (const t of TERMS) termIdList.push(await insert('terms', 'region_id, name, starts_on, ends_on', region, t.name, t.startsOn, t.endsOn));
    for (let g = 0; g < groupCount; g++) {
      const groupId = await insert('education_groups', 'region_id, name', region, `教育集团${g + 1}`);
      const members: School[] = [];
      const roles = ['lead', 'member', 'member', 'member', ...Array<'teaching_point'>(6).fill('teaching_point')] as const;
      for (const [i, role] of roles.entries()) {
        const students = role === 'lead' ? int(1200, 2600) : role === 'member' ? int(300, 900) : int(6, 60);
        const locality = role === 'lead' ? 'urban' : role === 'member' ? 'township' : 'rural';
        const name = `集团${g + 1}${role === 'lead' ? '龙头校' : role === 'member' ? `成员校${i}` : `教学点${i}`}`;
        const id = await insert('schools', 'region_id, group_id, name, group_role, locality, stage, student_count', region, groupId, name, role, locality, 'primary', students);
        const hosts: number[] = [];
        if (role !== 'teaching_point') for (let k = 0; k < (role === 'lead' ? 3 : 1); k++) hosts.push(await insert('classrooms', 'school_id, name, receiving', id, `录播教室${k + 1}`, false));
        const receiving = role === 'lead' ? null : await insert('classrooms', 'school_id, name, receiving', id, '接收教室', true);
        // About one teaching point in five lags: it often does not connect, or drops out early.
        members.push({ id, role, hosts, receiving, lagging: role === 'teaching_point' && random() < 0.2, students });
      }
      groupLeads.push([groupId, members[0]!.id]);
      groups.push(members);
    }
    return region;
  });
  // The lead school is known only after the group: set it in a second pass (PostgreSQL's writer only inserts).
  await bulk.transaction(async () => {
    for (const [groupId, leadId] of groupLeads) await bulk.setLeadSchool(groupId, leadId);
  });
  const termId = termIdList[1]!;

  // Courses: each host classroom teaches a few courses a term to 1–4 receiving classrooms of its group.
  interface Course { id: number; termIndex: number; schoolId: number; hostClassroomId: number; teacherId: number; receivers: School[] }
  const coursesList: Course[] = [];
  await bulk.transaction(async () => {
    let n = 0;
    for (const members of groups) {
      const receivingSchools = members.filter((s) => s.receiving !== null);
      for (const host of members.filter((s) => s.hosts.length > 0)) {
        for (const hostClassroomId of host.hosts) {
          n++;
          const teacherId = await insert('users', 'username, display_name', `bench-teacher-${n}`, `教师${n}`);
          await add('role_grants', 'user_id, role, school_id', teacherId, 'teacher', host.id);
          for (const termIndex of TERMS.keys()) {
            for (let c = 0; c < 3; c++) {
              const subject = weighted(subjects);
              const grade = int(1, 6);
              const kind = host.role === 'lead' ? 'delivered' : pick(['delivered', 'master_teacher', 'open_school']);
              const id = await insert(
                'courses',
                'term_id, school_id, name, subject, grade, kind, lead_teacher_id, host_classroom_id',
                termIdList[termIndex]!,
                host.id,
                `${grade}年级${subject}${c + 1}`,
                subject,
                grade,
                kind,
                teacherId,
                hostClassroomId,
              );
              // Teaching points first: that is what delivered lessons are for.
              const candidates = receivingSchools.filter((s) => s.id !== host.id).sort((a, b) => rank(a) - rank(b) || random() - 0.5);
              const receivers = candidates.slice(0, int(1, 4));
              for (const r of receivers) await add('course_receivers', 'course_id, classroom_id, expected_students', id, r.receiving, Math.min(r.students, int(5, 45)));
              coursesList.push({ id, termIndex, schoolId: host.id, hostClassroomId, teacherId, receivers });
            }
          }
        }
      }
    }
  });
  function rank(s: School): number {
    return s.role === 'teaching_point' ? 0 : 1;
  }

  const termDays = TERMS.map((t) => {
    const days: string[] = [];
    for (let d: string = t.startsOn; d <= t.endsOn; d = addDays(d, 1)) if (isoWeekday(d) <= 5) days.push(d);
    return days;
  });

  // Lessons and their evidence, in transactions of about ROWS_PER_TRANSACTION rows.
  const lessonTarget = Math.max(20, Math.round(60_000 * options.scale));
  const lessonSessionIds: number[] = [];
  let attendanceRows = 0;
  let participationRows = 0;
  const attendance = {
    add: (...values: Literal[]) =>
      add('attendance_intervals', 'lesson_session_id, participant_id, user_id, site_kind, classroom_id, school_id, region_id, joined_at, left_at, leave_reason, headcount, last_heartbeat_at', ...values),
  };
  const participation = { add: (...values: Literal[]) => add('participation_events', 'lesson_session_id, participant_id, user_id, classroom_id, school_id, region_id, kind, occurred_at, poll_id, correct', ...values) };
  let l = 0;
  while (l < lessonTarget) {
    await bulk.transaction(async () => {
      let rowsInTransaction = 0;
      for (; l < lessonTarget && rowsInTransaction < ROWS_PER_TRANSACTION; l++) {
        const course = coursesList[l % coursesList.length]!;
        const start = shanghaiInstant(pick(termDays[course.termIndex]!), pick(PERIOD_STARTS)).getTime();
        // Most lessons run their 40 minutes; some end early.
        const end = start + (random() < 0.9 ? LESSON_MS : int(5, 39) * 60_000);
        const lessonId = await insert(
          'lesson_sessions',
          'course_id, started_at, started_by, ended_at, ended_by, end_reason, last_heartbeat_at',
          course.id,
          start,
          course.teacherId,
          end,
          course.teacherId,
          'ended_by_teacher',
          end,
        );
        lessonSessionIds.push(lessonId);

        interface Site { participantId: string; userId: number | null; classroomId: number | null; schoolId: number }
        const active: Site[] = [];
        const interval = async (site: Site, kind: string, from: number, to: number, reason: string, headcount: number | null) => {
          await attendance.add(lessonId, site.participantId, site.userId, kind, site.classroomId, site.schoolId, regionId, from, to, reason, headcount, to);
          attendanceRows++;
          rowsInTransaction++;
        };
        const host: Site = { participantId: `${lessonId}h`, userId: course.teacherId, classroomId: course.hostClassroomId, schoolId: course.schoolId };
        await interval(host, 'host', start, end, 'lesson_ended', null);
        active.push(host);
        let p = 0;
        for (const r of course.receivers) {
          if (random() < (r.lagging ? 0.5 : 0.06)) continue;
          // Connected from the start, with up to two drops and reconnects; lagging points often leave early.
          let from = start + int(0, 3) * 60_000;
          const leaveAt = r.lagging && random() < 0.5 ? from + int(3, 25) * 60_000 : end;
          const drops = random() < 0.3 ? int(1, 2) : 0;
          for (let d = 0; d <= drops && from < leaveAt; d++) {
            const site: Site = { participantId: `${lessonId}r${++p}`, userId: null, classroomId: r.receiving, schoolId: r.id };
            const to = d === drops ? Math.min(leaveAt, end) : Math.min(leaveAt, from + int(5, 15) * 60_000);
            await interval(site, 'receiving_classroom', from, to, d === drops ? (to === end ? 'lesson_ended' : 'left') : 'connection_lost', int(4, 40));
            active.push(site);
            from = to + int(1, 3) * 60_000;
          }
        }
        // Remote students (home delivery, own devices) of the receiving schools; all join at the start.
        const studentCount = course.receivers.length === 0 ? 0 : int(20, 66);
        for (let s = 0; s < studentCount; s++) {
          const school = pick(course.receivers);
          const site: Site = { participantId: `${lessonId}s${s}`, userId: null, classroomId: null, schoolId: school.id };
          const to = random() < 0.8 ? end : start + int(1, 39) * 60_000;
          await interval(site, 'student', start, Math.min(to, end), to >= end ? 'lesson_ended' : 'left', null);
          active.push(site);
        }
        // Participation: ~330 per lesson on average at scale 1.
        const events = int(160, 500);
        for (let e = 0; e < events; e++) {
          const site = pick(active);
          const kindIndex = weightedIndex(random, PARTICIPATION_WEIGHTS);
          const kind = PARTICIPATION_KINDS[kindIndex]!;
          const isPoll = kind === 'poll_answer';
          await participation.add(lessonId, site.participantId, site.userId, site.classroomId, site.schoolId, regionId, kind, start + Math.floor(random() * (end - start)), isPoll ? `poll-${e % 7}` : null, isPoll ? random() < 0.7 : null);
          participationRows++;
          rowsInTransaction++;
        }
        if ((l + 1) % 5_000 === 0) progress(`${l + 1}/${lessonTarget} lessons, ${attendanceRows} intervals, ${participationRows} events`);
      }
    });
  }

  const t = TERMS[1];
  return {
    regionId,
    termId,
    termStartsOn: t.startsOn,
    termEndsOn: t.endsOn,
    schoolIds: groups.flat().map((s) => s.id),
    lessonSessionIds,
    counts: { schools: groups.flat().length, courses: coursesList.length, lessons: lessonSessionIds.length, attendanceIntervals: attendanceRows, participationEvents: participationRows },
  };
}

function weightedIndex(random: () => number, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) < 0) return i;
  return weights.length - 1;
}
