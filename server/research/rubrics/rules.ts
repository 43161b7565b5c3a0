import type { RubricBody, RubricScores } from '../../../shared/api/research.js';
import type { ScoreStats } from '../../../shared/api/research-review.js';

export { dimensionScore, weightedTotal } from '../../../shared/api/research-review.js';
import { ApiError } from '../../core/errors.js';

/**
 * The rules a rubric keeps beyond its schema, checked before a version is saved: the weights add up to 100
 * (so a weighted total is on the same 0–100 scale as a level), keys are unique (scores are keyed by them),
 * and levels go best first with strictly falling scores (level index 0 = best is what ratings store).
 * The first broken rule is reported, naming the dimension.
 */
export function checkRubric(body: RubricBody): void {
  const total = body.dimensions.reduce((sum, d) => sum + d.weight, 0);
  if (total !== 100) throw new ApiError('rubric_weights', { total });
  const seen = new Set<string>();
  for (const dimension of body.dimensions) {
    if (seen.has(dimension.key)) throw new ApiError('rubric_duplicate_key', { name: dimension.name, key: dimension.key });
    seen.add(dimension.key);
    if (dimension.levels.some((level, i) => i > 0 && level.score >= dimension.levels[i - 1]!.score)) throw new ApiError('rubric_levels', { name: dimension.name });
  }
}

/**
 * Checks ratings against the rubric they are made on: every key a dimension, every index one of its
 * levels; `complete` (submitting) also needs every dimension rated. The message names the dimension.
 */
export function checkScores(body: RubricBody, scores: RubricScores, complete: boolean): void {
  for (const [key, level] of Object.entries(scores)) {
    const dimension = body.dimensions.find((d) => d.key === key);
    if (!dimension || level >= dimension.levels.length) throw new ApiError('rubric_scores', { name: dimension?.name ?? key });
  }
  if (!complete) return;
  const missing = body.dimensions.find((d) => scores[d.key] === undefined);
  if (missing) throw new ApiError('rubric_scores', { name: missing.name });
}

/** Mean, min, max and population standard deviation (the observers are all there is, not a sample). */
export function statsOf(values: readonly number[]): ScoreStats {
  const n = values.length;
  if (n === 0) return { n, mean: null, min: null, max: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
  return { n, mean: round1(mean), min: Math.min(...values), max: Math.max(...values), sd: round1(Math.sqrt(variance)) };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
