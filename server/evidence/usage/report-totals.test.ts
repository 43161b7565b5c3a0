/**
 * The region term report reads each grouping once and adds its periods up for the totals (and the roll-up
 * figures with their subjects from one scan), its whole weeks from the week roll-ups. This compares it with
 * the computation it replaced — one aggregate per grouping over usage_site_days, totals included — on a
 * small synthetic county year, figure by figure; and the week roll-ups kept lesson by lesson with a rebuild.
 */
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageFigures, UsagePeriod, UsageQuery } from '../../../shared/api/evidence-usage.js';
import { addDays, shanghaiInstant } from '../../../shared/time.js';
import type { AuthenticatedPrincipal } from '../../accounts/principal.js';
import type { Access } from '../../core/access.js';
import { groupBy } from '../../core/lists.js';
import { execute, openDatabase, rows, type DatabaseHandle } from '../../db/store.js';
import { Places } from '../../organisation/places.js';
import { can } from '../../policy/policy.js';
import { generateSyntheticYear, type SyntheticYear } from '../../../bench/synthetic-year.js';
import { newTestStore, type TestStoreLocation } from '../../../test/support/store.js';
import { SUBJECTS } from '../../../shared/subjects.js';
import { hours, rate, usageFigures, weeksWithin } from './figures.js';
import { IndicatorService } from './indicators.js';
import { ensureWeekRollups, rebuildRollups, refreshLessonRollups } from './maintain.js';
import { purgeExpiredEvidence } from './retention.js';
import { UsageRepository, type RollupFilter, type RollupKey } from './repository.js';
import { UsageReportService } from './service.js';

/** The figures of one grouping as the report computed them before: one query per figure kind and key. */
async function previousFigures(repo: UsageRepository, filter: RollupFilter, key: RollupKey) {
  const sums = new Map((await repo.sums(filter, key)).map((s) => [s.key, s]));
  const scheduled = new Map((await repo.scheduled(filter, key)).map((s) => [s.key, s]));
  const subjects = groupBy(await repo.receivedSubjects(filter, key), (s) => s.key);
  const teachers = groupBy(await repo.teachers(filter, key), (t) => t.key);
  return (k: string, receivingClassrooms: number, weeks: number): UsageFigures =>
    usageFigures({
      sums: sums.get(k),
      scheduled: scheduled.get(k),
      subjects: (subjects.get(k) ?? []).map((s) => s.subject),
      teacherIds: (teachers.get(k) ?? []).map((t) => t.userId),
      teacherNames: null,
      receivingClassrooms,
      weeks,
    });
}

const termFilter = (year: SyntheticYear): RollupFilter => ({
  scope: { column: 'region_id', ids: [year.regionId] },
  fromDay: year.termStartsOn,
  toDay: year.termEndsOn,
  fromInstant: shanghaiInstant(year.termStartsOn),
  toInstant: shanghaiInstant(addDays(year.termEndsOn, 1)),
  courseIds: null,
  deliveredSeconds: 20 * 60,
});

describe('the region term report on a synthetic county year', () => {
  let dir: string;
  let store: TestStoreLocation;
  let database: DatabaseHandle;
  let year: SyntheticYear;
  let service: UsageReportService;
  /** The same reports from usage_site_days alone. */
  let siteDaysOnly: UsageReportService;
  let access: Access;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-report-totals-'));
    store = await newTestStore(dir);
    database = await openDatabase(store.location);
    year = await generateSyntheticYear(database, { scale: 0.003, seed: 11 });
    // Week roll-ups first (empty), so that rolling the lessons up keeps them lesson by lesson, as the app does.
    expect(await ensureWeekRollups(database.db, 20 * 60)).toBe(true);
    expect(await rebuildRollups(database.db)).toBe(year.counts.lessons);
    service = new UsageReportService(new UsageRepository(database.db), new Places(database.db), { deliveredMinMinutes: 20 });
    siteDaysOnly = new UsageReportService(new UsageRepository(database.db, { weekRollups: false }), new Places(database.db), { deliveredMinMinutes: 20 });
    const principal: AuthenticatedPrincipal = {
      userId: 1,
      grants: [{ role: 'region_admin', regionId: year.regionId, groupId: null, schoolId: null, classroomId: null }],
      courseOnly: null,
      username: 'county',
      displayName: '县管理员',
      locale: null,
      sessionKind: 'password',
      sessionTokenHash: '',
    };
    access = { principal, can: (action, target) => can(principal, action, target), authorize: () => undefined, canGrant: () => false };
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await store?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['week', 'month', 'term'] satisfies UsagePeriod[])('gives the same totals, school rows and %s trend as one query per grouping', async (period) => {
    const report = await service.report({ scope: 'region', id: year.regionId, termId: year.termId, groupBy: period }, access, 'zh-CN', '2025-12-01');
    const filter = termFilter(year);
    const weeks = weeksWithin(year.termStartsOn, year.termEndsOn);
    const receiving = report.totals.receivingClassrooms;

    // Something to compare: lessons delivered in most schools, with subjects, teachers and attendance.
    expect(report.totals.deliveredLessons).toBeGreaterThan(50);
    expect(report.totals.subjects.length).toBeGreaterThan(2);
    expect(report.totals.teacherCount).toBeGreaterThan(5);

    expect(report.totals).toEqual((await previousFigures(siteDaysOnly.repo, filter, 'all'))('0', receiving, weeks));
    const bySchool = await previousFigures(siteDaysOnly.repo, filter, 'school');
    for (const row of report.rows) expect(row.figures, row.unit.name).toEqual(bySchool(String(row.unit.id), row.figures.receivingClassrooms, weeks));
    const byPeriod = await previousFigures(siteDaysOnly.repo, filter, period);
    expect(report.trend.length).toBeGreaterThan(0);
    for (const point of report.trend) expect(point.figures, point.key).toEqual(byPeriod(point.key, receiving, weeksWithin(point.from, point.to)));
  });

  it('gives the same indicator totals, subjects per school and subject matrix as one query per grouping', async () => {
    const report = await new IndicatorService(service).report({ regionId: year.regionId, termId: year.termId }, '2025-12-01');
    const filter = termFilter(year);
    const [total] = await siteDaysOnly.repo.sums(filter, 'all');
    expect(total!.delivered).toBeGreaterThan(50);
    expect(report.summary).toMatchObject({
      deliveredLessons: total!.delivered,
      receivedHours: hours(total!.receivedSeconds),
      attendanceRate: rate(total!.attendancePresent, total!.attendanceExpected),
      participationRate: rate(total!.participantsActive, total!.participantsPresent),
    });
    const subjects = groupBy(await siteDaysOnly.repo.receivedSubjects(filter, 'school'), (s) => s.key);
    for (const school of report.schools) {
      expect(school.subjects, school.school.name).toEqual(SUBJECTS.filter((subject) => (subjects.get(String(school.school.id)) ?? []).some((r) => r.subject === subject)));
    }
    const delivered = new Map((await siteDaysOnly.repo.receivedSubjects(filter, 'school_subject')).map((r) => [r.key, r.lessons]));
    const cells = report.matrix.rows.flatMap((row) => row.cells.map((cell) => [`${row.schoolId}|${cell.subject}`, cell.delivered] as const));
    expect(cells.some(([, n]) => n > 0)).toBe(true);
    for (const [key, n] of cells) expect(n, key).toBe(delivered.get(key) ?? 0);
  });

  it('gives the same reports from the week roll-ups as from usage_site_days, over part weeks, schools, a group and filters', async () => {
    const school = year.schoolIds[Math.floor(year.schoolIds.length / 2)]!;
    const [group] = await rows<{ id: number }>(database.db, sql`SELECT group_id AS id FROM schools WHERE id = ${school}`);
    const queries: UsageQuery[] = [
      { scope: 'region', id: year.regionId, termId: year.termId },
      { scope: 'region', id: year.regionId, from: '2025-03-05', to: '2025-05-21', groupBy: 'term' },
      // Most of the spring term (its whole-term rows less its weeks outside), and one term whole with part of the next.
      { scope: 'region', id: year.regionId, from: '2025-03-03', to: '2025-06-15' },
      { scope: 'region', id: year.regionId, from: '2024-09-02', to: '2025-03-12', groupBy: 'month' },
      { scope: 'region', id: year.regionId, termId: year.termId, subject: 'music' },
      { scope: 'region', id: year.regionId, termId: year.termId, kind: 'delivered' },
      { scope: 'school', id: school, termId: year.termId },
      { scope: 'school', id: school, from: '2025-03-04', to: '2025-04-10', groupBy: 'month' },
      { scope: 'group', id: group!.id, termId: year.termId },
      // Ranges starting and ending on every day of the week: the days outside whole weeks read from usage_site_days, added or taken away.
      ...[1, 2, 3, 4, 5, 6].map((d): UsageQuery => ({ scope: 'region', id: year.regionId, from: addDays('2025-03-03', d), to: addDays('2025-05-18', -d), groupBy: d % 2 === 0 ? 'term' : 'week' })),
    ];
    for (const query of queries) {
      const report = await service.report(query, access, 'zh-CN', '2025-12-01');
      expect(report, JSON.stringify(query)).toEqual(await siteDaysOnly.report(query, access, 'zh-CN', '2025-12-01'));
    }
  });

  it('reads the term report of a region from the week roll-ups', async () => {
    const query: UsageQuery = { scope: 'region', id: year.regionId, termId: year.termId };
    const before = (await service.report(query, access, 'zh-CN', '2025-12-01')).totals.deliveredLessons;
    await execute(database.db, sql`UPDATE usage_region_weeks SET delivered = delivered + 1000 WHERE id = (SELECT min(id) FROM usage_region_weeks WHERE week >= ${year.termStartsOn} AND week <= ${year.termEndsOn})`);
    expect((await service.report(query, access, 'zh-CN', '2025-12-01')).totals.deliveredLessons).toBe(before + 1000);
    // Its school rows from the term's rows.
    const [termRow] = await rows<{ id: number; school_id: number }>(database.db, sql`SELECT id, school_id FROM usage_school_terms WHERE term_id = ${year.termId} ORDER BY id LIMIT 1`);
    const schoolDelivered = async () => (await service.report(query, access, 'zh-CN', '2025-12-01')).rows.find((r) => r.unit.id === Number(termRow!.school_id))!.figures.deliveredLessons;
    const schoolBefore = await schoolDelivered();
    await execute(database.db, sql`UPDATE usage_school_terms SET delivered = delivered + 1000 WHERE id = ${termRow!.id}`);
    expect(await schoolDelivered()).toBe(schoolBefore + 1000);
    // Another threshold than the week rows count with: read from usage_site_days until they are rebuilt for it.
    const tenMinutes = new UsageReportService(service.repo, new Places(database.db), { deliveredMinMinutes: 10 });
    const byTen = await tenMinutes.report(query, access, 'zh-CN', '2025-12-01');
    expect(byTen).toEqual(await new UsageReportService(siteDaysOnly.repo, new Places(database.db), { deliveredMinMinutes: 10 }).report(query, access, 'zh-CN', '2025-12-01'));
    expect(await ensureWeekRollups(database.db, 10 * 60)).toBe(true);
    expect(await tenMinutes.report(query, access, 'zh-CN', '2025-12-01')).toEqual(byTen);
    expect(await ensureWeekRollups(database.db, 20 * 60)).toBe(true);
    expect(await ensureWeekRollups(database.db, 20 * 60)).toBe(false);
    expect((await service.report(query, access, 'zh-CN', '2025-12-01')).totals.deliveredLessons).toBe(before);
  });

  it('keeps the week roll-ups lesson by lesson as a rebuild makes them, through re-finalised, moved, emptied and purged lessons', async () => {
    const weekRows = async () => ({
      school: await rows<Record<string, unknown>>(database.db, sql`SELECT * FROM usage_school_weeks ORDER BY school_id, week, subject, kind, term_id, region_id`),
      region: await rows<Record<string, unknown>>(database.db, sql`SELECT * FROM usage_region_weeks ORDER BY region_id, week, subject, kind, term_id`),
      term: await rows<Record<string, unknown>>(database.db, sql`SELECT * FROM usage_school_terms ORDER BY school_id, subject, kind, term_id, region_id`),
      teachers: await rows<Record<string, unknown>>(database.db, sql`SELECT * FROM usage_teacher_weeks ORDER BY school_id, week, subject, kind, term_id, region_id, user_id`),
    });
    const withoutIds = (found: Awaited<ReturnType<typeof weekRows>>) => ({
      school: found.school.map(({ id: _id, ...row }) => row),
      region: found.region.map(({ id: _id, ...row }) => row),
      term: found.term.map(({ id: _id, ...row }) => row),
      teachers: found.teachers.map(({ id: _id, ...row }) => row),
    });
    const ids = year.lessonSessionIds;
    const [moved, emptied, again] = [ids[Math.floor(ids.length / 3)]!, ids[Math.floor(ids.length / 2)]!, ids[ids.length - 2]!];
    const before = await weekRows();

    // A lesson moved a week later (its attendance is now outside it), one whose attendance is gone, one finalised twice.
    const week = 7 * 86_400_000;
    await execute(database.db, sql`UPDATE lesson_sessions SET started_at = started_at + ${week}, ended_at = ended_at + ${week}, last_heartbeat_at = last_heartbeat_at + ${week} WHERE id = ${moved}`);
    await execute(database.db, sql`DELETE FROM participation_events WHERE lesson_session_id = ${emptied}`);
    await execute(database.db, sql`DELETE FROM attendance_intervals WHERE lesson_session_id = ${emptied}`);
    for (const id of [moved, emptied, again, again]) await refreshLessonRollups(database.db, id);
    // The first term's evidence purged (kept roll-ups), then everything rolled up again: purged lessons stay as they were.
    const purged = await purgeExpiredEvidence(database.db, 30, new Date(shanghaiInstant(year.termStartsOn).getTime() + 30 * 86_400_000));
    expect(purged!.lessons).toBeGreaterThan(0);
    await rebuildRollups(database.db);

    const kept = await weekRows();
    expect(withoutIds(kept)).not.toEqual(withoutIds(before));
    expect(kept.school.filter((r) => Number(r.site_days) <= 0)).toEqual([]);
    expect(kept.region.filter((r) => Number(r.site_days) <= 0)).toEqual([]);
    expect(kept.term.filter((r) => Number(r.site_days) <= 0)).toEqual([]);
    expect(kept.teachers.filter((r) => Number(r.lessons) <= 0)).toEqual([]);
    await ensureWeekRollups(database.db, 10 * 60);
    await ensureWeekRollups(database.db, 20 * 60);
    expect(withoutIds(await weekRows())).toEqual(withoutIds(kept));
  });
});
