import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, getTableName, is, sql, Table, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { SHORTAGE_SUBJECTS } from '../../shared/subjects.js';
import { addDays, shanghaiDate, shanghaiInstant, shanghaiWeekStart } from '../../shared/time.js';
import { hashPassword, verifyPassword } from '../accounts/passwords.js';
import { openDatabase, rows, type DatabaseHandle } from '../db/store.js';
import * as schema from '../db/schema/index.js';
import { newTestStore, type TestStoreLocation } from '../../test/support/store.js';
import { demoTermFor, seedDemoCounty, seedDemoIfEmpty, type DemoSeedSummary } from './demo.js';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo-logins.js';
import { seedDemoHistory } from './demo-history.js';
import { DEMO_TARGETS } from './demo-data.js';
import { buildLessonReport } from '../evidence/lesson-report/build-report.js';
import { LessonReportRepository } from '../evidence/lesson-report/repository.js';
import { IndicatorService } from '../evidence/usage/indicators.js';
import { UsageReportService } from '../evidence/usage/service.js';
import { Places } from '../organisation/places.js';
import { UsageRepository } from '../evidence/usage/repository.js';

let dir: string;
let passwordHash: string;
let database: DatabaseHandle;
const stores: TestStoreLocation[] = [];
let first: DemoSeedSummary;
let second: DemoSeedSummary;
let countsAfterFirst: Record<string, number>;

/** Every table of the schema (both dialects' tables are drizzle `Table`s), so a table added later is counted too. */
const TABLES = (Object.values(schema) as unknown[]).filter((value) => is(value, Table)) as SQLiteTable[];

const rowCounts = async (handle: DatabaseHandle): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await handle.db.select({ n: count() }).from(table);
    counts[getTableName(table)] = row!.n;
  }
  return counts;
};

/** A fresh, migrated store of the run's kind (a SQLite file here, or a new PostgreSQL database). */
const openStore = async (): Promise<DatabaseHandle> => {
  const store = await newTestStore(mkdtempSync(join(dir, 'store-')));
  stores.push(store);
  return openDatabase(store.location);
};

const all = <T>(query: SQL): Promise<T[]> => rows<T>(database.db, query);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-seed-'));
  passwordHash = await hashPassword(DEMO_PASSWORD);
  database = await openStore();
  first = await seedDemoCounty(database.db, { passwordHash });
  countsAfterFirst = await rowCounts(database);
  second = await seedDemoCounty(database.db, { passwordHash });
});

afterAll(async () => {
  await database?.close();
  for (const store of stores) await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo county seed', () => {
  it('is idempotent: a second run creates nothing and leaves every table as it was', async () => {
    expect(first.created.scheduled_lessons).toBeGreaterThan(0);
    expect(countsAfterFirst.scheduled_lessons).toBe(first.totals.scheduled_lessons);
    expect(second.created).toEqual({});
    expect(await rowCounts(database)).toEqual(countsAfterFirst);
    expect(second.totals).toEqual(first.totals);
  });

  it('builds 青山县 with two groups, their lead schools, member schools and rural teaching points', async () => {
    const groups = await all<{ name: string; lead: string }>(
      sql`SELECT g.name, s.name AS lead FROM education_groups g JOIN schools s ON s.id = g.lead_school_id ORDER BY g.id`,
    );
    expect(groups).toEqual([
      { name: '青山县实验小学教育集团', lead: '青山县实验小学' },
      { name: '青山县第一中学教育集团', lead: '青山县第一中学' },
    ]);
    const schools = await all<{ group_role: string; locality: string; student_count: number }>(sql`SELECT group_role, locality, student_count FROM schools`);
    const points = schools.filter((s) => s.group_role === 'teaching_point');
    const members = schools.filter((s) => s.group_role === 'member');
    expect(points.length).toBeGreaterThanOrEqual(6);
    expect(members.length).toBeGreaterThanOrEqual(4);
    for (const point of points) {
      expect(point.locality).toBe('rural');
      expect(point.student_count).toBeGreaterThanOrEqual(8);
      expect(point.student_count).toBeLessThanOrEqual(40);
    }
    for (const member of members) expect(member.student_count).toBeGreaterThanOrEqual(300);
  });

  it('creates every demo login with its role and name, signing in with the demo password', async () => {
    for (const login of DEMO_LOGINS) {
      const grants = await all<{ display_name: string; role: string; password_hash: string }>(
        sql`SELECT u.display_name, g.role, u.password_hash FROM users u JOIN role_grants g ON g.user_id = u.id WHERE u.username = ${login.username}`,
      );
      expect(grants.map((r) => r.role), login.username).toEqual([login.role]);
      expect(grants[0]?.display_name).toBe(login.displayName);
    }
    const [wang] = await all<{ password_hash: string }>(sql`SELECT password_hash FROM users WHERE username = 'teacher.wang'`);
    expect(await verifyPassword(wang!.password_hash, DEMO_PASSWORD)).toBe(true);
    // Every account with the published password is marked, so that the instance can warn about it.
    expect(await all<{ n: number }>(sql`SELECT count(*) AS n FROM users WHERE demo_account = false`)).toEqual([{ n: 0 }]);
  });

  it("sends 王老师's music course to both demo classroom devices, with their assistants and 陈同学 at home", async () => {
    const receivers = await all<{ course_id: number; device: string; assistant: string | null }>(
      sql`SELECT c.id AS course_id, d.username AS device, a.username AS assistant
         FROM courses c
         JOIN users t ON t.id = c.lead_teacher_id AND t.username = 'teacher.wang'
         JOIN course_receivers r ON r.course_id = c.id
         JOIN role_grants g ON g.classroom_id = r.classroom_id AND g.role = 'classroom_device'
         JOIN users d ON d.id = g.user_id
         LEFT JOIN users a ON a.id = r.assistant_teacher_id
        WHERE c.subject = 'music' AND c.kind = 'delivered'`,
    );
    const courseIds = new Set(receivers.map((r) => r.course_id));
    expect(courseIds.size).toBe(1);
    expect(receivers.map((r) => r.device).sort()).toEqual(['room.shiqiao', 'room.yangliu']);
    expect(receivers.find((r) => r.device === 'room.shiqiao')?.assistant).toBe('assistant.zhao');
    const [courseId] = courseIds;
    const [receiverCount] = await all<{ n: number }>(sql`SELECT count(*) AS n FROM course_receivers WHERE course_id = ${courseId}`);
    expect(receiverCount?.n).toBe(2);
    const students = await database.db
      .select({ username: schema.users.username, homeDelivery: schema.studentProfiles.homeDelivery })
      .from(schema.courseStudents)
      .innerJoin(schema.users, eq(schema.users.id, schema.courseStudents.studentId))
      .innerJoin(schema.studentProfiles, eq(schema.studentProfiles.userId, schema.users.id))
      .where(eq(schema.courseStudents.courseId, courseId!));
    expect(students).toContainEqual({ username: 'student.chen', homeDelivery: true });
  });

  it('gives every teaching point music, art, PE, English, science and ideology in its timetable', async () => {
    const taught = await all<{ school: string; subject: string }>(
      sql`SELECT DISTINCT s.name AS school, c.subject
         FROM schools s
         JOIN classrooms cl ON cl.school_id = s.id
         JOIN course_receivers r ON r.classroom_id = cl.id
         JOIN courses c ON c.id = r.course_id AND c.kind = 'delivered'
         JOIN timetable_slots ts ON ts.course_id = c.id
        WHERE s.group_role = 'teaching_point'`,
    );
    const points = new Set(taught.map((r) => r.school));
    expect(points.size).toBeGreaterThanOrEqual(6);
    for (const point of points) {
      const subjects = taught.filter((r) => r.school === point).map((r) => r.subject);
      expect(subjects, point).toEqual(expect.arrayContaining([...SHORTAGE_SUBJECTS]));
    }
    const kinds = (await all<{ kind: string }>(sql`SELECT DISTINCT kind FROM courses ORDER BY kind`)).map((r) => r.kind);
    expect(kinds).toEqual(['delivered', 'master_teacher', 'open_school']);
  });

  it('never books a teacher or a classroom twice at the same time', async () => {
    const clashes = await all<{ who: string }>(
      sql`WITH booked AS (
         SELECT c.lead_teacher_id AS who, 'teacher' AS kind, ts.weekday, ts.period FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         UNION ALL
         SELECT c.host_classroom_id, 'classroom', ts.weekday, ts.period FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         UNION ALL
         SELECT r.classroom_id, 'classroom', ts.weekday, ts.period FROM timetable_slots ts JOIN course_receivers r ON r.course_id = ts.course_id)
       SELECT kind || ' ' || who AS who FROM booked GROUP BY kind, who, weekday, period HAVING count(*) > 1`,
    );
    expect(clashes).toEqual([]);
    const times = await all<{ starts_at: string; ends_at: string }>(sql`SELECT DISTINCT starts_at, ends_at FROM timetable_slots`);
    for (const { starts_at, ends_at } of times) {
      expect(starts_at >= '08:00' && ends_at <= '16:30').toBe(true);
      const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
      expect(minutes(ends_at) - minutes(starts_at)).toBe(40);
    }
  });

  it("has a term covering today and this week's lessons, with 王老师 teaching every weekday", async () => {
    const today = shanghaiDate(new Date());
    const [term] = await all<{ starts_on: string; ends_on: string }>(sql`SELECT starts_on, ends_on FROM terms`);
    expect(term!.starts_on <= today).toBe(true);
    expect(term!.ends_on >= today).toBe(true);

    const monday = shanghaiWeekStart(new Date());
    const from = shanghaiInstant(monday).getTime();
    const to = shanghaiInstant(addDays(monday, 7)).getTime();
    const [thisWeek] = await all<{ n: number }>(sql`SELECT count(*) AS n FROM scheduled_lessons WHERE starts_at >= ${from} AND starts_at < ${to}`);
    expect(thisWeek?.n).toBeGreaterThan(0);

    const wangDays = (await all<{ weekday: number }>(
      sql`SELECT DISTINCT ts.weekday FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         JOIN users u ON u.id = c.lead_teacher_id WHERE u.username = 'teacher.wang' ORDER BY ts.weekday`,
    )).map((r) => r.weekday);
    expect(wangDays).toEqual([1, 2, 3, 4, 5]);
  });

  it('expands each slot into one lesson per week of the term, cancelled on public holidays', async () => {
    const [slot] = await all<{ id: number; n: number }>(sql`SELECT slot_id AS id, count(*) AS n FROM scheduled_lessons GROUP BY slot_id ORDER BY slot_id LIMIT 1`);
    expect(slot!.n).toBeGreaterThanOrEqual(20);
    if (first.term.startsOn === '2026-09-01') {
      const nationalDay = await all<{ status: string }>(
        sql`SELECT DISTINCT status FROM scheduled_lessons WHERE starts_at >= ${shanghaiInstant('2026-10-01').getTime()} AND starts_at < ${shanghaiInstant('2026-10-03').getTime()}`,
      );
      expect(nationalDay).toEqual([{ status: 'cancelled' }]);
    }
  });
});

describe('demoTermFor', () => {
  it('is the 2026–2027 first term for a day in it', () => {
    expect(demoTermFor('2026-11-29')).toEqual({ name: '2026-2027学年第一学期', startsOn: '2026-09-01', endsOn: '2027-01-22' });
    expect(demoTermFor('2027-01-22').name).toBe('2026-2027学年第一学期');
  });

  it('pulls the coming term forward to this Monday in the holidays', () => {
    expect(demoTermFor('2027-02-03')).toEqual({ name: '2026-2027学年第二学期', startsOn: '2027-02-01', endsOn: '2027-07-09' });
    expect(demoTermFor('2027-08-12')).toEqual({ name: '2027-2028学年第一学期', startsOn: '2027-08-09', endsOn: '2028-01-22' });
  });
});

describe('seedDemoIfEmpty', () => {
  it('seeds an empty database once and leaves a database with a region alone', async () => {
    const empty = await openStore();
    try {
      const logger = pino({ level: 'silent' });
      expect(await seedDemoIfEmpty(empty.db, logger)).toBe(true);
      const counts = await rowCounts(empty);
      expect(counts.users).toBe(countsAfterFirst.users);
      expect(await seedDemoIfEmpty(empty.db, logger)).toBe(false);
      expect(await rowCounts(empty)).toEqual(counts);
    } finally {
      await empty.close();
    }
  });
});

/**
 * The demo county seeded with its past lessons on a fixed Friday in the middle of a term (so the amount of
 * history does not depend on the test's date), made once for the tests below: seeding it is the slow part of
 * this file, the more so on PostgreSQL. What the first seedDemoHistory returned is kept for its test.
 */
const HISTORY_TODAY = '2026-11-27';
const HISTORY_NOW = shanghaiInstant(HISTORY_TODAY, '12:00');
let seededHistory: Promise<{ history: DatabaseHandle; sessions: number }> | undefined;
const historyStore = (): Promise<{ history: DatabaseHandle; sessions: number }> =>
  (seededHistory ??= (async () => {
    const history = await openStore();
    await seedDemoCounty(history.db, { passwordHash, today: HISTORY_TODAY });
    return { history, sessions: await seedDemoHistory(history.db, HISTORY_NOW) };
  })());
afterAll(async () => (await seededHistory)?.history.close());

describe('seedDemoHistory', () => {
  it('records the past lessons of the term once, with their roll-ups, and one teaching point that misses music', async () => {
    const { history, sessions } = await historyStore();
    const now = HISTORY_NOW;
    expect(sessions).toBeGreaterThan(50);
    const one = async (query: SQL) => (await rows<{ n: number }>(history.db, query))[0]!.n;
    expect(await one(sql`SELECT count(*) AS n FROM lesson_sessions WHERE ended_at IS NOT NULL AND ended_at <= ${now.getTime()}`)).toBe(sessions);
    expect(await one(sql`SELECT count(DISTINCT lesson_session_id) AS n FROM usage_site_days`)).toBe(sessions);
    // 杨柳村教学点 joins far fewer of its music lessons than 石桥村教学点 (the dashboards should show a laggard).
    const joinedMusic = (school: string) =>
      one(
        sql`SELECT count(*) AS n FROM attendance_intervals a JOIN schools s ON s.id = a.school_id JOIN lesson_sessions l ON l.id = a.lesson_session_id
           JOIN courses c ON c.id = l.course_id WHERE s.name = ${school} AND c.subject = 'music' AND a.site_kind = 'receiving_classroom'`,
      );
    expect(await joinedMusic('杨柳村教学点')).toBeLessThan(await joinedMusic('石桥村教学点'));
    // Every held lesson has its host, and each receiving classroom that joined has its camera interval.
    expect(await one(sql`SELECT count(*) AS n FROM attendance_intervals WHERE site_kind = 'host'`)).toBe(sessions);
    expect(await one(sql`SELECT count(*) AS n FROM media_state_intervals`)).toBe(await one(sql`SELECT count(*) AS n FROM attendance_intervals WHERE site_kind <> 'student'`));
    // Never twice: a county that has held lessons gets no invented history.
    expect(await seedDemoHistory(history.db, now)).toBe(0);
  });
});

describe("the demo county's figures (issue #14)", () => {
  let history: DatabaseHandle;
  const today = HISTORY_TODAY;
  const now = HISTORY_NOW;

  beforeAll(async () => {
    ({ history } = await historyStore());
  });

  const one = async <T>(query: SQL): Promise<T> => (await rows<T>(history.db, query))[0]!;

  it('ships with its routine-use targets set, for its teaching points', async () => {
    const [targets] = await history.db
      .select({ lessonsPerWeek: schema.regionTargets.lessonsPerWeek, attendancePct: schema.regionTargets.attendancePct, appliesTo: schema.regionTargets.appliesTo, requiredSubjects: schema.regionTargets.requiredSubjects })
      .from(schema.regionTargets)
      .innerJoin(schema.regions, eq(schema.regions.id, schema.regionTargets.regionId))
      .where(eq(schema.regions.code, 'qingshan'));
    expect(targets).toMatchObject({ lessonsPerWeek: DEMO_TARGETS.lessonsPerWeek, attendancePct: DEMO_TARGETS.attendancePct });
    expect(targets!.appliesTo).toEqual(['teaching_point']);
    expect(targets!.requiredSubjects).toEqual(DEMO_TARGETS.requiredSubjects);

    // The headline counts the teaching points, and some of them (not all, not none) meet the targets.
    const usage = new UsageReportService(new UsageRepository(history.db), new Places(history.db), { deliveredMinMinutes: 20 });
    const region = await one<{ id: number }>(sql`SELECT id FROM regions WHERE code = 'qingshan'`);
    const report = await new IndicatorService(usage).report({ regionId: region.id }, today);
    const points = (await one<{ n: number }>(sql`SELECT count(*) AS n FROM schools WHERE group_role = 'teaching_point'`)).n;
    expect(report.summary.routineUseByKind).toHaveLength(1);
    const [byKind] = report.summary.routineUseByKind;
    expect(byKind).toMatchObject({ groupRole: 'teaching_point', schools: points });
    expect(byKind!.routineUse).toBeGreaterThan(0);
    expect(byKind!.routineUse).toBeLessThan(points);
    // The usage-equity figure is shown per stage and, with no target of the county's own, judged against nothing
    // (the demo used to set 0.5, which read as the resource indicators' national limit).
    expect(report.usageEquity.limit).toBeNull();
    expect(report.usageEquity.stages.map((s) => [s.stage, s.meets])).toEqual([['primary', null], ['junior', null]]);
  });

  it('has home-delivered students (送教上门) who attended some of their lessons, not all', async () => {
    const home = await one<{ expected: number; present: number }>(sql`SELECT sum(home_expected) AS expected, sum(home_present) AS present FROM usage_site_days`);
    expect(home.expected).toBeGreaterThan(0);
    expect(home.present).toBeGreaterThan(0);
    expect(home.present).toBeLessThan(home.expected);
  });

  it('names the receiving classrooms in the seeded lesson reports', async () => {
    const repo = new LessonReportRepository(history.db);
    const sessionIds = (await rows<{ id: number }>(history.db, sql`SELECT id FROM lesson_sessions ORDER BY id LIMIT 20`)).map((r) => r.id);
    expect(sessionIds.length).toBeGreaterThan(0);
    for (const id of sessionIds) {
      const session = (await repo.session(id))!;
      const evidence = await repo.evidence(id);
      const ids = (values: Array<number | null>) => [...new Set(values.filter((v): v is number => v !== null))];
      const names = await repo.names({
        userIds: ids([...evidence.attendance.map((a) => a.userId), ...evidence.participation.map((p) => p.userId)]),
        classroomIds: ids(evidence.attendance.map((a) => a.classroomId)),
        schoolIds: ids(evidence.attendance.map((a) => a.schoolId)),
      });
      const report = buildLessonReport({ session, evidence, receivers: await repo.receivers(session.courseId), names }, { now, deliveredMinMinutes: 20, scope: 'full', viewerUserId: 0 });
      const rooms = report.participants.filter((p) => p.kind === 'receiving_classroom');
      expect(rooms.length, `lesson ${id}`).toBeGreaterThan(0);
      for (const room of rooms) expect(room.displayName).toBe(room.classroomName);
      expect(report.participants.map((p) => p.displayName)).not.toContain('—');
      expect(report.timeline.map((e) => e.displayName)).not.toContain('—');
    }
  });
});
