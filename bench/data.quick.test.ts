/**
 * Keeps the data benchmarks working: evidence ingest, report queries on a small synthetic year and client
 * weight, each in quick mode. The assertions are on the shape of the result and on work actually done
 * (rows written, reports agreeing with the raw tables, chunks found) — never on timings.
 */
import { describe, expect, it } from 'vitest';

import { sql } from 'drizzle-orm';
import { rows } from '../server/db/store.js';
import { createTestApp } from '../test/support/app.js';
import { BENCHMARKS } from './registry.js';
import { formatResult, type Benchmark } from './result.js';
import { generateSyntheticYear } from './synthetic-year.js';

function benchmark(name: string): Benchmark {
  const found = BENCHMARKS.find((b) => b.name === name);
  if (!found) throw new Error(`benchmark ${name} is not registered`);
  return found;
}

describe('data benchmarks (quick mode)', () => {
  it('ingest writes the offered events through the recorder and replays them raw', async () => {
    const result = await benchmark('ingest').run({ quick: true });
    expect(result).toMatchObject({ name: 'ingest', parameters: { rates: [200], seconds: 1 } });
    const [step] = result.steps;
    expect(result.steps).toHaveLength(1);
    // Every offered event became a write (plus the joins and quality samples), none was dropped.
    expect(step!.written).toBeGreaterThanOrEqual(step!.offered as number);
    expect(step!.dropped).toBe(0);
    for (const key of ['eventsPerS', 'writeCapacityPerS', 'flushP95Ms', 'rssMb'] as const) expect(result.figures[key]).toBeGreaterThan(0);
    expect(result.baseline.writeCapacityPerS).toBeGreaterThan(0);
    expect(result.ratio.writeCapacityPerS).toBeGreaterThan(0);
    expect(formatResult(result)).toContain('writeCapacityPerS');
  }, 120_000);

  it('reports on a synthetic year agree with the raw evidence on delivered lessons per school', async () => {
    const result = await benchmark('reports').run({ quick: true });
    expect(result.parameters).toMatchObject({ scale: 0.001, lessons: 60 });
    expect(result.parameters.participationEvents).toBeGreaterThan(0);
    expect(result.figures.schoolsCompared).toBeGreaterThan(0);
    expect(result.figures.deliveredMismatches).toBe(0);
    for (const key of ['regionReportP95Ms', 'schoolReportP95Ms', 'lessonReportP95Ms'] as const) expect(result.figures[key]).toBeGreaterThan(0);
    expect(result.baseline.regionReportP95Ms).toBeGreaterThan(0);
    expect(result.steps.find((s) => s.step === 'rebuildRollups')?.lessons).toBe(60);
  }, 120_000);

  it('the synthetic year is the same for the same seed', async () => {
    const fingerprints: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp();
      try {
        const year = await generateSyntheticYear(t.database, { scale: 0.0005, seed: 7 });
        const [row] = await rows<{ n: number; connected: number; schools: number }>(
          t.database.db,
          sql`SELECT COUNT(*) AS n, coalesce(sum(left_at - joined_at), 0) AS connected, coalesce(sum(school_id), 0) AS schools FROM attendance_intervals`,
        );
        // Numbers on both stores (PostgreSQL sums bigints as numeric).
        const sums = { n: Number(row!.n), connected: Number(row!.connected), schools: Number(row!.schools) };
        fingerprints.push({ counts: year.counts, sums });
      } finally {
        await t.close();
      }
    }
    expect(fingerprints[0]).toEqual(fingerprints[1]);
    expect(fingerprints[0]).toMatchObject({ counts: { lessons: 30, schools: 20 } });
  });

  it('client weight finds the join and admin routes in the build, the join route lighter', async () => {
    const result = await benchmark('client-weight').run({ quick: true });
    expect(result.figures.joinJsGzipKb).toBeGreaterThan(0);
    expect(result.figures.adminTotalGzipKb).toBeGreaterThan(0);
    // The classroom must not download the admin pages or ECharts.
    const join = String(result.steps.find((s) => s.route === 'join')?.list);
    expect(join).toContain('LessonPage');
    expect(join).not.toMatch(/echarts|OrganisationPage|UsageDashboardPage/);
    expect(result.figures.joinTotalGzipKb).toBeLessThan(result.baseline.joinTotalGzipKb!);
  }, 300_000);
});
