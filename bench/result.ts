/**
 * What a benchmark is and what it gives back, and the arithmetic and table every benchmark shares. Apart from
 * the registry (which loads every benchmark, and with them the store) so that a benchmark or its quick test
 * loads only what it measures.
 */
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

/** The table of one result: each figure beside its baseline and their ratio. */
export function formatResult(result: BenchResult): string {
  const rows = Object.keys(result.figures).map((key) => [key, String(result.figures[key]), String(result.baseline[key] ?? '—'), String(result.ratio[key] ?? '—')]);
  const header = ['figure', 'tongke', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const params = Object.entries(result.parameters).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ');
  const steps = result.steps.map((s) => `  ${Object.entries(s).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return [`## ${result.name} (${params})`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...steps, ...result.notes.map((n) => `  note: ${n}`)].join('\n');
}
