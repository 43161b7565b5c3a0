import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHORTAGE_SUBJECTS } from '../../shared/subjects.js';
import { addDays, shanghaiDate, shanghaiInstant, shanghaiWeekStart } from '../../shared/time.js';
import { hashPassword, verifyPassword } from '../accounts/passwords.js';
import { openDatabase, type DatabaseHandle } from '../db/store.js';
import { demoTermFor, seedDemoCounty, seedDemoIfEmpty, type DemoSeedSummary } from './demo.js';
import { DEMO_LOGINS, DEMO_PASSWORD } from './demo-logins.js';
import { seedDemoHistory } from './demo-history.js';
import { DEMO_TARGETS } from './demo-data.js';
import { buildLessonReport } from '../evidence/lesson-report/build-report.js';
import { LessonReportRepository } from '../evidence/lesson-report/repository.js';
import { IndicatorService } from '../evidence/usage/indicators.js';
import { UsageReportService } from '../evidence/usage/service.js';
import { Places } from '../organisation/places.js';

let dir: string;
let passwordHash: string;
let database: DatabaseHandle;
let first: DemoSeedSummary;
let second: DemoSeedSummary;
let countsAfterFirst: Record<string, number>;

const rowCounts = (handle: DatabaseHandle): Record<string, number> => {
  const tables = handle.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, (handle.sqlite.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
};

const all = <T>(sql: string, ...params: unknown[]): T[] => database.sqlite.prepare(sql).all(...params) as T[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongke-seed-'));
  passwordHash = await hashPassword(DEMO_PASSWORD);
  database = openDatabase(join(dir, 'demo.db'));
  first = seedDemoCounty(database.db, { passwordHash });
  countsAfterFirst = rowCounts(database);
  second = seedDemoCounty(database.db, { passwordHash });
});

afterAll(() => {
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo county seed', () => {
  it('is idempotent: a second run creates nothing and leaves every table as it was', () => {
    expect(first.created.scheduled_lessons).toBeGreaterThan(0);
    expect(second.created).toEqual({});
    expect(rowCounts(database)).toEqual(countsAfterFirst);
    expect(second.totals).toEqual(first.totals);
  });

  it('builds 青山县 with two groups, their lead schools, member schools and rural teaching points', () => {
    const groups = all<{ name: string; lead: string }>(
      'SELECT g.name, s.name AS lead FROM education_groups g JOIN schools s ON s.id = g.lead_school_id ORDER BY g.id',
    );
    expect(groups).toEqual([
      { name: '青山县实验小学教育集团', lead: '青山县实验小学' },
      { name: '青山县第一中学教育集团', lead: '青山县第一中学' },
    ]);
    const schools = all<{ group_role: string; locality: string; student_count: number }>('SELECT group_role, locality, student_count FROM schools');
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
      const rows = all<{ display_name: string; role: string; password_hash: string }>(
        'SELECT u.display_name, g.role, u.password_hash FROM users u JOIN role_grants g ON g.user_id = u.id WHERE u.username = ?',
        login.username,
      );
      expect(rows.map((r) => r.role), login.username).toEqual([login.role]);
      expect(rows[0]?.display_name).toBe(login.displayName);
    }
    const [wang] = all<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'teacher.wang'");
    expect(await verifyPassword(wang!.password_hash, DEMO_PASSWORD)).toBe(true);
    // Every account with the published password is marked, so that the instance can warn about it.
    expect(all<{ n: number }>('SELECT count(*) AS n FROM users WHERE demo_account = 0')).toEqual([{ n: 0 }]);
  });

  it("sends 王老师's music course to both demo classroom devices, with their assistants and 陈同学 at home", () => {
    const receivers = all<{ course_id: number; device: string; assistant: string | null }>(
      `SELECT c.id AS course_id, d.username AS device, a.username AS assistant
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
    const receiverCount = all<{ n: number }>('SELECT count(*) AS n FROM course_receivers WHERE course_id = ?', courseId)[0]?.n;
    expect(receiverCount).toBe(2);
    const students = all<{ username: string; home_delivery: number }>(
      `SELECT u.username, p.home_delivery FROM course_students cs JOIN users u ON u.id = cs.student_id
         JOIN student_profiles p ON p.user_id = u.id WHERE cs.course_id = ?`,
      courseId,
    );
    expect(students).toContainEqual({ username: 'student.chen', home_delivery: 1 });
  });

  it('gives every teaching point music, art, PE, English, science and ideology in its timetable', () => {
    const rows = all<{ school: string; subject: string }>(
      `SELECT DISTINCT s.name AS school, c.subject
         FROM schools s
         JOIN classrooms cl ON cl.school_id = s.id
         JOIN course_receivers r ON r.classroom_id = cl.id
         JOIN courses c ON c.id = r.course_id AND c.kind = 'delivered'
         JOIN timetable_slots ts ON ts.course_id = c.id
        WHERE s.group_role = 'teaching_point'`,
    );
    const points = new Set(rows.map((r) => r.school));
    expect(points.size).toBeGreaterThanOrEqual(6);
    for (const point of points) {
      const subjects = rows.filter((r) => r.school === point).map((r) => r.subject);
      expect(subjects, point).toEqual(expect.arrayContaining([...SHORTAGE_SUBJECTS]));
    }
    const kinds = all<{ kind: string }>('SELECT DISTINCT kind FROM courses ORDER BY kind').map((r) => r.kind);
    expect(kinds).toEqual(['delivered', 'master_teacher', 'open_school']);
  });

  it('never books a teacher or a classroom twice at the same time', () => {
    const clashes = all<{ who: string }>(
      `WITH booked AS (
         SELECT c.lead_teacher_id AS who, 'teacher' AS kind, ts.weekday, ts.period FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         UNION ALL
         SELECT c.host_classroom_id, 'classroom', ts.weekday, ts.period FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         UNION ALL
         SELECT r.classroom_id, 'classroom', ts.weekday, ts.period FROM timetable_slots ts JOIN course_receivers r ON r.course_id = ts.course_id)
       SELECT kind || ' ' || who AS who FROM booked GROUP BY kind, who, weekday, period HAVING count(*) > 1`,
    );
    expect(clashes).toEqual([]);
    const times = all<{ starts_at: string; ends_at: string }>('SELECT DISTINCT starts_at, ends_at FROM timetable_slots');
    for (const { starts_at, ends_at } of times) {
      expect(starts_at >= '08:00' && ends_at <= '16:30').toBe(true);
      const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
      expect(minutes(ends_at) - minutes(starts_at)).toBe(40);
    }
  });

  it("has a term covering today and this week's lessons, with 王老师 teaching every weekday", () => {
    const today = shanghaiDate(new Date());
    const [term] = all<{ starts_on: string; ends_on: string }>('SELECT starts_on, ends_on FROM terms');
    expect(term!.starts_on <= today).toBe(true);
    expect(term!.ends_on >= today).toBe(true);

    const monday = shanghaiWeekStart(new Date());
    const from = shanghaiInstant(monday).getTime();
    const to = shanghaiInstant(addDays(monday, 7)).getTime();
    const thisWeek = all<{ n: number }>('SELECT count(*) AS n FROM scheduled_lessons WHERE starts_at >= ? AND starts_at < ?', from, to)[0]?.n;
    expect(thisWeek).toBeGreaterThan(0);

    const wangDays = all<{ weekday: number }>(
      `SELECT DISTINCT ts.weekday FROM timetable_slots ts JOIN courses c ON c.id = ts.course_id
         JOIN users u ON u.id = c.lead_teacher_id WHERE u.username = 'teacher.wang' ORDER BY ts.weekday`,
    ).map((r) => r.weekday);
    expect(wangDays).toEqual([1, 2, 3, 4, 5]);
  });

  it('expands each slot into one lesson per week of the term, cancelled on public holidays', () => {
    const [slot] = all<{ id: number; n: number }>('SELECT slot_id AS id, count(*) AS n FROM scheduled_lessons GROUP BY slot_id ORDER BY slot_id LIMIT 1');
    expect(slot!.n).toBeGreaterThanOrEqual(20);
    if (first.term.startsOn === '2026-09-01') {
      const nationalDay = all<{ status: string }>(
        'SELECT DISTINCT status FROM scheduled_lessons WHERE starts_at >= ? AND starts_at < ?',
        shanghaiInstant('2026-10-01').getTime(),
        shanghaiInstant('2026-10-03').getTime(),
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
    const empty = openDatabase(join(dir, 'empty.db'));
    try {
      const logger = pino({ level: 'silent' });
      expect(await seedDemoIfEmpty(empty.db, logger)).toBe(true);
      const counts = rowCounts(empty);
      expect(counts.users).toBe(countsAfterFirst.users);
      expect(await seedDemoIfEmpty(empty.db, logger)).toBe(false);
      expect(rowCounts(empty)).toEqual(counts);
    } finally {
      empty.close();
    }
  });
});

describe('seedDemoHistory', () => {
  it('records the past lessons of the term once, with their roll-ups, and one teaching point that misses music', () => {
    const history = openDatabase(join(dir, 'history.db'));
    try {
      // A fixed Friday in the middle of a term, so the amount of history does not depend on the test's date.
      const today = '2026-11-27';
      seedDemoCounty(history.db, { passwordHash, today });
      const now = shanghaiInstant(today, '12:00');
      const sessions = seedDemoHistory(history.db, now);
      expect(sessions).toBeGreaterThan(50);
      const ended = history.sqlite.prepare('SELECT count(*) AS n FROM lesson_sessions WHERE ended_at IS NOT NULL AND ended_at <= ?').get(now.getTime()) as { n: number };
      expect(ended.n).toBe(sessions);
      const rollups = history.sqlite.prepare('SELECT count(DISTINCT lesson_session_id) AS n FROM usage_site_days').get() as { n: number };
      expect(rollups.n).toBe(sessions);
      // 杨柳村教学点 joins far fewer of its music lessons than 石桥村教学点 (the dashboards should show a laggard).
      const joinedMusic = (school: string) =>
        (history.sqlite
          .prepare(
            `SELECT count(*) AS n FROM attendance_intervals a JOIN schools s ON s.id = a.school_id JOIN lesson_sessions l ON l.id = a.lesson_session_id
             JOIN courses c ON c.id = l.course_id WHERE s.name = ? AND c.subject = 'music' AND a.site_kind = 'receiving_classroom'`,
          )
          .get(school) as { n: number }).n;
      expect(joinedMusic('杨柳村教学点')).toBeLessThan(joinedMusic('石桥村教学点'));
      // Never twice: a county that has held lessons gets no invented history.
      expect(seedDemoHistory(history.db, now)).toBe(0);
    } finally {
      history.close();
    }
  });
});

describe("the demo county's figures (issue #14)", () => {
  let history: DatabaseHandle;
  const today = '2026-11-27';
  const now = shanghaiInstant(today, '12:00');

  beforeAll(() => {
    history = openDatabase(join(dir, 'figures.db'));
    seedDemoCounty(history.db, { passwordHash, today });
    seedDemoHistory(history.db, now);
  });
  afterAll(() => history?.close());

  const one = <T>(sql: string, ...params: unknown[]): T => history.sqlite.prepare(sql).get(...params) as T;

  it('ships with its routine-use targets set, for its teaching points', () => {
    const targets = one<{ lessons_per_week: number | null; attendance_pct: number | null; applies_to: string; required_subjects: string }>(
      'SELECT lessons_per_week, attendance_pct, applies_to, required_subjects FROM region_targets t JOIN regions r ON r.id = t.region_id WHERE r.code = ?',
      'qingshan',
    );
    expect(targets).toMatchObject({ lessons_per_week: DEMO_TARGETS.lessonsPerWeek, attendance_pct: DEMO_TARGETS.attendancePct });
    expect(JSON.parse(targets.applies_to)).toEqual(['teaching_point']);
    expect(JSON.parse(targets.required_subjects)).toEqual(DEMO_TARGETS.requiredSubjects);

    // The headline counts the teaching points, and some of them (not all, not none) meet the targets.
    const usage = new UsageReportService(history.db, new Places(history.db), { deliveredMinMinutes: 20 });
    const region = one<{ id: number }>("SELECT id FROM regions WHERE code = 'qingshan'");
    const report = new IndicatorService(usage).report({ regionId: region.id }, today);
    const points = one<{ n: number }>("SELECT count(*) AS n FROM schools WHERE group_role = 'teaching_point'").n;
    expect(report.summary.routineUseByKind).toHaveLength(1);
    const [byKind] = report.summary.routineUseByKind;
    expect(byKind).toMatchObject({ groupRole: 'teaching_point', schools: points });
    expect(byKind!.routineUse).toBeGreaterThan(0);
    expect(byKind!.routineUse).toBeLessThan(points);
  });

  it('has home-delivered students (送教上门) who attended some of their lessons, not all', () => {
    const home = one<{ expected: number; present: number }>('SELECT sum(home_expected) AS expected, sum(home_present) AS present FROM usage_site_days');
    expect(home.expected).toBeGreaterThan(0);
    expect(home.present).toBeGreaterThan(0);
    expect(home.present).toBeLessThan(home.expected);
  });

  it('names the receiving classrooms in the seeded lesson reports', () => {
    const repo = new LessonReportRepository(history.db);
    const sessionIds = (history.sqlite.prepare('SELECT id FROM lesson_sessions ORDER BY id LIMIT 20').all() as Array<{ id: number }>).map((r) => r.id);
    expect(sessionIds.length).toBeGreaterThan(0);
    for (const id of sessionIds) {
      const session = repo.session(id)!;
      const evidence = repo.evidence(id);
      const ids = (values: Array<number | null>) => [...new Set(values.filter((v): v is number => v !== null))];
      const names = repo.names({
        userIds: ids([...evidence.attendance.map((a) => a.userId), ...evidence.participation.map((p) => p.userId)]),
        classroomIds: ids(evidence.attendance.map((a) => a.classroomId)),
        schoolIds: ids(evidence.attendance.map((a) => a.schoolId)),
      });
      const report = buildLessonReport({ session, evidence, receivers: repo.receivers(session.courseId), names }, { now, deliveredMinMinutes: 20, scope: 'full', viewerUserId: 0 });
      const rooms = report.participants.filter((p) => p.kind === 'receiving_classroom');
      expect(rooms.length, `lesson ${id}`).toBeGreaterThan(0);
      for (const room of rooms) expect(room.displayName).toBe(room.classroomName);
      expect(report.participants.map((p) => p.displayName)).not.toContain('—');
      expect(report.timeline.map((e) => e.displayName)).not.toContain('—');
    }
  });
});
