import { describe, expect, it } from 'vitest';
import { studentWeightedDisparity } from './disparity.js';

describe('studentWeightedDisparity (差异系数, DOMAIN.md)', () => {
  it('weights each school by its students, worked by hand', () => {
    /*
     * School A: P = 400 students, X = 3 hours per student; school B: P = 100, X = 8; school C: P = 0 (left out).
     *   P  = 400 + 100                                   = 500
     *   X̄  = (400·3 + 100·8) / 500 = (1200 + 800) / 500  = 4
     *   S² = (400·(3 − 4)² + 100·(8 − 4)²) / 500
     *      = (400·1 + 100·16) / 500 = 2000 / 500         = 4   →  S = 2
     *   CV = S / X̄ = 2 / 4                               = 0.5
     * (Unweighted, the mean would be 5.5 and CV 2.5 / 5.5 ≈ 0.4545: the weighting matters.)
     */
    const result = studentWeightedDisparity([
      { value: 3, students: 400 },
      { value: 8, students: 100 },
      { value: 1000, students: 0 },
    ]);
    expect(result.totalStudents).toBe(500);
    expect(result.schools).toBe(2);
    expect(result.mean).toBe(4);
    expect(result.standardDeviation).toBe(2);
    expect(result.coefficientOfVariation).toBe(0.5);
  });

  it('is 0 when every school has the same value, and undefined without students or when the mean is 0', () => {
    expect(studentWeightedDisparity([{ value: 2, students: 10 }, { value: 2, students: 990 }]).coefficientOfVariation).toBe(0);
    expect(studentWeightedDisparity([]).coefficientOfVariation).toBeNull();
    expect(studentWeightedDisparity([{ value: 0, students: 10 }, { value: 0, students: 20 }]).coefficientOfVariation).toBeNull();
  });
});
