import {
  CV_LIMITS,
  INDICATOR_STANDARDS,
  MIN_INDICATORS_MET,
  MIN_RATIO_OF_UNMET,
  RESOURCE_INDICATORS,
  RESOURCE_STAGES,
  type DisparityContributor,
  type IndicatorDisparity,
  type IndicatorValue,
  type PartResult,
  type ResourcePartInput,
} from '../../../shared/api/evaluation-resources.js';
import { studentWeightedDisparity } from '../../evidence/usage/disparity.js';

/** A part's inputs with the school it belongs to. */
export interface SchoolPart extends ResourcePartInput {
  schoolId: number;
  schoolName: string;
}

/**
 * A part's seven indicator values against the standards of its stage. A value is the input per 100 students
 * or per student, computed as (input × 100) / students so that a value exactly at the standard (42 teachers for
 * 1000 pupils: 4.2) is the same double as the standard and counts as met.
 */
export function partIndicators(part: ResourcePartInput): IndicatorValue[] {
  return RESOURCE_INDICATORS.map((indicator) => {
    const standard = INDICATOR_STANDARDS[indicator];
    const value = (part[indicator] * standard.per) / part.students;
    const required = standard[part.stage];
    return { indicator, value, standard: required, ratio: value / required, met: value >= required };
  });
}

/** The evaluation's verdict on one part: at least 6 of the 7 met, and every unmet one at least 85 % of its standard. */
export function partPasses(indicators: readonly IndicatorValue[]): boolean {
  const met = indicators.filter((i) => i.met).length;
  return met >= MIN_INDICATORS_MET && indicators.every((i) => i.met || i.ratio >= MIN_RATIO_OF_UNMET);
}

export function partResult(part: SchoolPart): PartResult {
  const indicators = partIndicators(part);
  return {
    schoolId: part.schoolId,
    schoolName: part.schoolName,
    stage: part.stage,
    students: part.students,
    indicators,
    metCount: indicators.filter((i) => i.met).length,
    passed: partPasses(indicators),
  };
}

/** At most this many parts are named as pulling a 差异系数 up. */
const MAX_NAMED = 3;
/** Parts are named until together they make up this share of the weighted variance. */
const NAMED_SHARE = 0.5;

/**
 * Per indicator and stage, the student-weighted 差异系数 (the one formula, studentWeightedDisparity) against
 * the stage's limit, and the parts that pull it up.
 *
 * Which parts pull it up: the weighted variance S² = Σ Pᵢ(Xᵢ − X̄)² / P is a sum of one term per part, so
 * each part's share Pᵢ(Xᵢ − X̄)² / Σ Pⱼ(Xⱼ − X̄)² says exactly how much of the disparity is that part's — far
 * from the mean and/or big. We name the largest shares until they make up half the variance (at most three).
 * Leaving one part out and recomputing was the alternative; it moves the mean too, which makes it unstable
 * with the two or three parts a small county's junior stage often has (removing either of two parts gives
 * CV 0), so it cannot say which of them is the outlier.
 */
export function stageDisparities(results: readonly PartResult[]): IndicatorDisparity[] {
  return RESOURCE_STAGES.flatMap((stage) => {
    const parts = results.filter((p) => p.stage === stage);
    return RESOURCE_INDICATORS.map((indicator) => {
      const points = parts.map((p) => ({ part: p, value: valueOf(p, indicator), students: p.students }));
      const disparity = studentWeightedDisparity(points);
      const cv = disparity.coefficientOfVariation;
      const limit = CV_LIMITS[stage];
      return {
        indicator,
        stage,
        parts: disparity.schools,
        mean: disparity.mean,
        cv,
        limit,
        met: cv === null ? null : cv <= limit,
        pullingUp: contributors(points, disparity.mean),
      };
    });
  });
}

function valueOf(part: PartResult, indicator: (typeof RESOURCE_INDICATORS)[number]): number {
  const found = part.indicators.find((i) => i.indicator === indicator);
  if (!found) throw new Error(`part ${part.schoolId}/${part.stage} has no ${indicator}`);
  return found.value;
}

function contributors(points: ReadonlyArray<{ part: PartResult; value: number; students: number }>, mean: number): DisparityContributor[] {
  const terms = points.filter((p) => p.students > 0).map((p) => ({ ...p, term: p.students * (p.value - mean) ** 2 }));
  const total = terms.reduce((sum, p) => sum + p.term, 0);
  if (total === 0) return [];
  const named: DisparityContributor[] = [];
  let covered = 0;
  for (const p of [...terms].sort((a, b) => b.term - a.term)) {
    if (named.length >= MAX_NAMED || covered >= NAMED_SHARE) break;
    const share = p.term / total;
    named.push({ schoolId: p.part.schoolId, schoolName: p.part.schoolName, value: p.value, share, above: p.value > mean });
    covered += share;
  }
  return named;
}
