/**
 * The benchmarks `npm run bench` knows. Benchmarks are not tests: they measure, print and record, and never
 * fail on a number. Each one talks to loopback only, runs for a bounded time and cleans up after itself.
 */
import { fanoutBenchmark } from './fanout.js';
import { joinBurstBenchmark } from './join-burst.js';
import { ingestBenchmark } from './ingest.js';
import { reportsBenchmark } from './reports.js';
import { clientWeightBenchmark } from './client-weight.js';
import { boardBenchmark } from './board.js';
import { recordingBenchmark } from './recording.js';
import { linkAdaptationBenchmark } from './link-adaptation.js';

export interface BenchOptions {
  /** A few seconds at the smallest sizes: only keeps the benchmark code working (used by the test suite). */
  quick: boolean;
}

/** What one benchmark measured, as printed in the table and stored in bench/results/latest.json. */
export interface BenchResult {
  name: string;
  /** The sizes and durations it ran with. */
  parameters: Record<string, number | string | readonly number[]>;
  /** Tongke's figures. */
  figures: Record<string, number>;
  /** The same figures for the baseline (the bare library the feature is built on), measured in the same run. */
  baseline: Record<string, number>;
  /** figure / baseline for the figures both have. */
  ratio: Record<string, number>;
  /** Per-step detail, free-form (one row per size). */
  steps: Array<Record<string, number | string>>;
  /** What limits or skews the measurement. */
  notes: string[];
}

export interface Benchmark {
  name: string;
  /** One line for `npm run bench -- --list` and the table. */
  description: string;
  /** It measures the store: a full run without `--store` measures it on SQLite and then on PostgreSQL. */
  measuresStore?: boolean;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** Divides each figure by its baseline; figures without a (non-zero) baseline are left out. */
export function ratios(figures: Record<string, number>, baseline: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(figures)) {
    const base = baseline[key];
    if (base !== undefined && base !== 0 && Number.isFinite(base)) out[key] = round(value / base, 3);
  }
  return out;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const BENCHMARKS: readonly Benchmark[] = [fanoutBenchmark, joinBurstBenchmark, ingestBenchmark, reportsBenchmark, clientWeightBenchmark, boardBenchmark, recordingBenchmark, linkAdaptationBenchmark];
