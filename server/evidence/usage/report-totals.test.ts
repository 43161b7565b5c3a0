/**
 * The region term report reads each grouping once and adds its periods up for the totals (and the roll-up
 * figures with their subjects from one scan). This compares it with the computation it replaced — one
 * aggregate per grouping, totals included — on a small synthetic county year, figure by figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageFigures, UsagePeriod } from '../../../shared/api/evidence-usage.js';
import { addDays, shanghaiInstant } from '../../../shared/time.js';
import type { AuthenticatedPrincipal } from '../../accounts/principal.js';
import type { Access } from '../../core/access.js';
import { groupBy } from '../../core/lists.js';
import { openDatabase, type DatabaseHandle } from '../../db/store.js';
import { Places } from '../../organisation/places.js';
import { can } from '../../policy/policy.js';
import { generateSyntheticYear, type SyntheticYear } from '../../../bench/synthetic-year.js';
import { newTestStore, type TestStoreLocation } from '../../../test/support/store.js';
import { SUBJECTS } from '../../../shared/subjects.js';
import { hours, rate, usageFigures, weeksWithin } from './figures.js';
import { IndicatorService } from './indicators.js';
import { rebuildRollups } from './maintain.js';
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
  let access: Access;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongke-report-totals-'));
    store = await newTestStore(dir);
    database = await openDatabase(store.location);
    year = await generateSyntheticYear(database, { scale: 0.003, seed: 11 });
    expect(await rebuildRollups(database.db)).toBe(year.counts.lessons);
    service = new UsageReportService(new UsageRepository(database.db), new Places(database.db), { deliveredMinMinutes: 20 });
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

    expect(report.totals).toEqual((await previousFigures(service.repo, filter, 'all'))('0', receiving, weeks));
    const bySchool = await previousFigures(service.repo, filter, 'school');
    for (const row of report.rows) expect(row.figures, row.unit.name).toEqual(bySchool(String(row.unit.id), row.figures.receivingClassrooms, weeks));
    const byPeriod = await previousFigures(service.repo, filter, period);
    expect(report.trend.length).toBeGreaterThan(0);
    for (const point of report.trend) expect(point.figures, point.key).toEqual(byPeriod(point.key, receiving, weeksWithin(point.from, point.to)));
  });

  it('gives the same indicator totals, subjects per school and subject matrix as one query per grouping', async () => {
    const report = await new IndicatorService(service).report({ regionId: year.regionId, termId: year.termId }, '2025-12-01');
    const filter = termFilter(year);
    const [total] = await service.repo.sums(filter, 'all');
    expect(total!.delivered).toBeGreaterThan(50);
    expect(report.summary).toMatchObject({
      deliveredLessons: total!.delivered,
      receivedHours: hours(total!.receivedSeconds),
      attendanceRate: rate(total!.attendancePresent, total!.attendanceExpected),
      participationRate: rate(total!.participantsActive, total!.participantsPresent),
    });
    const subjects = groupBy(await service.repo.receivedSubjects(filter, 'school'), (s) => s.key);
    for (const school of report.schools) {
      expect(school.subjects, school.school.name).toEqual(SUBJECTS.filter((subject) => (subjects.get(String(school.school.id)) ?? []).some((r) => r.subject === subject)));
    }
    const delivered = new Map((await service.repo.receivedSubjects(filter, 'school_subject')).map((r) => [r.key, r.lessons]));
    const cells = report.matrix.rows.flatMap((row) => row.cells.map((cell) => [`${row.schoolId}|${cell.subject}`, cell.delivered] as const));
    expect(cells.some(([, n]) => n > 0)).toBe(true);
    for (const [key, n] of cells) expect(n, key).toBe(delivered.get(key) ?? 0);
  });
});
