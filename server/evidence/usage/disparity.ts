/** One school's value of an indicator and its number of students (the weight). */
export interface WeightedValue {
  value: number;
  students: number;
}

/** The 差异系数 and the figures it is computed from. */
export interface Disparity {
  /** P = Σ Pᵢ over the schools counted. */
  totalStudents: number;
  /** Schools counted (those with students). */
  schools: number;
  /** X̄ = Σ Pᵢ·Xᵢ / P */
  mean: number;
  /** S = √( Σ Pᵢ·(Xᵢ − X̄)² / P ) */
  standardDeviation: number;
  /** CV = S / X̄; null when it is undefined (no students, or X̄ = 0). */
  coefficientOfVariation: number | null;
}

/**
 * The student-weighted coefficient of variation (差异系数) exactly as the county evaluation computes it
 * (县域义务教育优质均衡发展督导评估办法): X̄ = Σ Pᵢ·Xᵢ / P, S = √( Σ Pᵢ·(Xᵢ − X̄)² / P ), CV = S / X̄, where
 * Xᵢ is school i's value, Pᵢ its number of students and P = Σ Pᵢ. Schools without students weigh nothing
 * and are left out.
 */
export function studentWeightedDisparity(values: readonly WeightedValue[]): Disparity {
  const counted = values.filter((v) => v.students > 0);
  const totalStudents = counted.reduce((sum, v) => sum + v.students, 0);
  if (totalStudents === 0) return { totalStudents: 0, schools: 0, mean: 0, standardDeviation: 0, coefficientOfVariation: null };
  const mean = counted.reduce((sum, v) => sum + v.students * v.value, 0) / totalStudents;
  const variance = counted.reduce((sum, v) => sum + v.students * (v.value - mean) ** 2, 0) / totalStudents;
  const standardDeviation = Math.sqrt(variance);
  return {
    totalStudents,
    schools: counted.length,
    mean,
    standardDeviation,
    coefficientOfVariation: mean === 0 ? null : standardDeviation / mean,
  };
}
