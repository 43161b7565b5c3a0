import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { greatest, least } from '../server/db/sql.js';
import { execute, rows } from '../server/db/store.js';
import { rebuildRollups } from '../server/evidence/usage/maintain.js';
import { addDays, shanghaiInstant } from '../shared/time.js';
import { createTestApp, TestClient } from '../test/support/app.js';
import { FIXTURE_PASSWORD, fixturePasswordHash } from '../test/support/fixtures.js';
import { ratios, round, type Benchmark, type BenchResult } from './result.js';
import { generateSyntheticYear, type SyntheticYear } from './synthetic-year.js';

/** Scale of the full run: the largest that generates and rolls up within a few minutes on 2 cores. */
const FULL_SCALE = Number(process.env.TONGKE_BENCH_REPORT_SCALE ?? 0.5);
/**
 * SQLite only: keep the generated year in this file (with `<file>.json` describing it) and, when it is
 * already there, measure on it without generating again — scale 1 takes ~10 minutes to generate and roll up.
 */
const KEPT_DB = process.env.TONGKE_BENCH_REPORT_DB;
const QUICK_SCALE = 0.001;

/**
 * Report queries on a synthetic county year: the region term report, one school's report and one lesson's
 * report, through the real HTTP routes and services (roll-ups), against the same answer — delivered
 * lessons per school — computed straight from the raw evidence tables.
 */
export const reportsBenchmark: Benchmark = {
  name: 'reports',
  description: 'region/school/lesson reports on a synthetic county year vs. a raw SQL over the evidence tables',
  measuresStore: true,
  async run({ quick }): Promise<BenchResult> {
    const scale = quick ? QUICK_SCALE : FULL_SCALE;
    const repeats = quick ? 3 : 20;
    const kept = quick ? undefined : KEPT_DB;
    const t = await createTestApp({}, kept ? { sqliteFile: kept } : {});
    try {
      const { db } = t.database;
      const started = performance.now();
      const reused = kept && existsSync(`${kept}.json`) ? (JSON.parse(readFileSync(`${kept}.json`, 'utf8')) as SyntheticYear & { scale: number }) : null;
      if (reused && reused.scale !== scale) throw new Error(`${kept} holds scale ${reused.scale}, not ${scale}`);
      const year = reused ?? (await generateSyntheticYear(t.database, { scale, onProgress: quick ? undefined : (m) => console.log(`  ${m}`) }));
      const generatedMs = performance.now() - started;
      const rolledUp = reused ? 0 : await rebuildRollups(db);
      const rollupMs = performance.now() - started - generatedMs;
      if (kept && !reused) writeFileSync(`${kept}.json`, JSON.stringify({ ...year, scale }));
      // PostgreSQL: fresh planner statistics after the bulk load (autovacuum would gather them soon after; SQLite's planner does without, as before).
      if (t.database.dialect === 'postgresql') await execute(db, sql`ANALYZE`);

      // A kept file has its admin from the run that generated it.
      if ((await rows(db, sql`SELECT id FROM users WHERE username = 'bench-admin'`)).length === 0) {
        const [admin] = await rows<{ id: number }>(db, sql`INSERT INTO users (username, display_name, password_hash) VALUES ('bench-admin', '基准管理员', ${await fixturePasswordHash()}) RETURNING id`);
        await execute(db, sql`INSERT INTO role_grants (user_id, role, region_id) VALUES (${admin!.id}, 'region_admin', ${year.regionId})`);
      }
      const client = new TestClient(t.app);
      const login = await client.login('bench-admin', FIXTURE_PASSWORD);
      if (login.statusCode !== 200) throw new Error(`bench admin login failed: ${login.statusCode} ${login.body}`);

      const get = async (url: string) => {
        const response = await client.get(url);
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        return response;
      };
      const time = async (what: () => unknown): Promise<number[]> => {
        const samples: number[] = [];
        await what(); // warm the statement cache and the page cache once
        for (let i = 0; i < repeats; i++) {
          const from = performance.now();
          await what();
          samples.push(performance.now() - from);
        }
        return samples;
      };

      const regionUrl = `/api/reports/usage?scope=region&id=${year.regionId}&termId=${year.termId}`;
      const school = year.schoolIds[Math.floor(year.schoolIds.length / 2)]!;
      const schoolUrl = `/api/reports/usage?scope=school&id=${school}&termId=${year.termId}`;
      const lessonUrl = `/api/reports/lessons/${year.lessonSessionIds[Math.floor(year.lessonSessionIds.length / 2)]}`;
      const region = await time(() => get(regionUrl));
      const schoolReport = await time(() => get(schoolUrl));
      const lesson = await time(() => get(lessonUrl));

      const deliveredSeconds = t.config.deliveredMinMinutes * 60;
      const raw = rawDeliveredPerSchool(shanghaiInstant(year.termStartsOn).getTime(), shanghaiInstant(addDays(year.termEndsOn, 1)).getTime(), deliveredSeconds);
      const rawAnswer = async () => (await rows<{ school_id: number; delivered: number; hours: number }>(db, raw)).map((r) => ({ school_id: Number(r.school_id), delivered: Number(r.delivered) }));
      const rawSamples = await time(rawAnswer);

      // Both must agree on the delivered lessons per school.
      const report = (await get(regionUrl)).json() as { rows: Array<{ unit: { id: number; scope: string }; figures: { deliveredLessons: number } }> };
      const fromReport = new Map(report.rows.filter((r) => r.figures.deliveredLessons > 0).map((r) => [r.unit.id, r.figures.deliveredLessons]));
      const fromRaw = new Map((await rawAnswer()).map((r) => [r.school_id, r.delivered]));
      const mismatches = [...new Set([...fromReport.keys(), ...fromRaw.keys()])].filter((id) => fromReport.get(id) !== fromRaw.get(id));

      const p = (samples: number[], q: number) => round(percentile(samples, q), 2);
      const figures = { regionReportP50Ms: p(region, 50), regionReportP95Ms: p(region, 95), schoolReportP95Ms: p(schoolReport, 95), lessonReportP95Ms: p(lesson, 95) };
      const baseline = { regionReportP50Ms: p(rawSamples, 50), regionReportP95Ms: p(rawSamples, 95) };
      const speedUp = round(baseline.regionReportP95Ms / Math.max(figures.regionReportP95Ms, 0.001), 2);
      return {
        name: 'reports',
        parameters: { scale, repeats, schools: year.counts.schools, lessons: year.counts.lessons, attendanceIntervals: year.counts.attendanceIntervals, participationEvents: year.counts.participationEvents },
        figures: { ...figures, regionSpeedUpVsRaw: speedUp, schoolsCompared: fromRaw.size, deliveredMismatches: mismatches.length },
        baseline,
        ratio: ratios(figures, baseline),
        steps: [
          { step: reused ? `reuse ${kept}` : 'generate', ms: round(generatedMs, 0) },
          { step: 'rebuildRollups', ms: round(rollupMs, 0), lessons: rolledUp },
          { step: 'regionReport', p50Ms: p(region, 50), p95Ms: p(region, 95) },
          { step: 'schoolReport', p50Ms: p(schoolReport, 50), p95Ms: p(schoolReport, 95) },
          { step: 'lessonReport', p50Ms: p(lesson, 50), p95Ms: p(lesson, 95) },
          { step: 'rawSqlDeliveredPerSchool', p50Ms: p(rawSamples, 50), p95Ms: p(rawSamples, 95) },
        ],
        notes: [
          'reports are timed end to end through app.inject (routing, auth, JSON) — the raw baseline is one SQL statement without any of that',
          'the region report answers far more than the baseline (hours, attendance, participation, trend by week); only delivered lessons per school are compared',
          'synthetic data has no timetable, media-state or quality rows; students have no accounts',
          ...(mismatches.length > 0 ? [`delivered lessons disagree for schools ${mismatches.slice(0, 10).join(', ')}`] : []),
        ],
      };
    } finally {
      await t.close();
    }
  },
};

/**
 * Delivered lessons and connected hours per school in a range, from the raw tables: a site (a classroom,
 * or a school's remote students) received a lesson when connected at least the threshold. A classroom's
 * reconnects never overlap (sum); the synthetic students all join at the start, so their union is the
 * longest interval (max). Lessons count when they started in the range.
 */
const rawDeliveredPerSchool = (from: number, to: number, deliveredSeconds: number) => sql`
  WITH spans AS (
    SELECT a.lesson_session_id, a.school_id, a.site_kind,
      CASE WHEN a.site_kind = 'student' THEN -1 ELSE a.classroom_id END AS site,
      (${least(sql`COALESCE(a.left_at, a.last_heartbeat_at)`, sql`COALESCE(l.ended_at, l.last_heartbeat_at)`)} - ${greatest(sql`a.joined_at`, sql`l.started_at`)}) / 1000 AS seconds
    FROM lesson_sessions l JOIN attendance_intervals a ON a.lesson_session_id = l.id
    WHERE l.started_at >= ${from} AND l.started_at < ${to} AND a.site_kind IN ('host', 'receiving_classroom', 'student')
  ), sites AS (
    SELECT lesson_session_id, school_id, CASE WHEN site_kind = 'student' THEN MAX(seconds) ELSE SUM(seconds) END AS seconds
    FROM spans WHERE seconds > 0 GROUP BY lesson_session_id, school_id, site, site_kind
  )
  SELECT school_id, COUNT(DISTINCT CASE WHEN seconds >= ${deliveredSeconds} THEN lesson_session_id END) AS delivered, coalesce(sum(seconds), 0) / 3600.0 AS hours
  FROM sites GROUP BY school_id HAVING COUNT(DISTINCT CASE WHEN seconds >= ${deliveredSeconds} THEN lesson_session_id END) > 0`;

/** Nearest-rank percentile of a sample (q in 0–100). */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))]!;
}
