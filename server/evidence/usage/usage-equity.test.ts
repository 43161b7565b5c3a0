import { describe, expect, it } from 'vitest';
import { stageParts, usageEquityByStage, type EquitySchool } from './usage-equity.js';

describe('usageEquityByStage (使用均衡度, per stage)', () => {
  /*
   * Primary school A: 400 students, 1200 hours → X = 3. Junior school B: 300 students, 600 hours → X = 2.
   * Nine-year school C: 900 students, 7200 hours → X = 8; split by grades 6/9 primary (600), 3/9 junior (300).
   *   Primary: P = 400 + 600 = 1000, X̄ = (400·3 + 600·8) / 1000 = 6,
   *            S² = (400·9 + 600·4) / 1000 = 6, CV = √6 / 6 ≈ 0.408248.
   *   Junior:  P = 300 + 300 = 600, X̄ = (300·2 + 300·8) / 600 = 5,
   *            S² = (300·9 + 300·9) / 600 = 9, CV = 3 / 5 = 0.6.
   * Mixed as one county figure (the old number), it would be X̄ = (1200 + 600 + 7200) / 1600 = 5.625 instead.
   */
  const schools: EquitySchool[] = [
    { id: 1, name: 'A', stage: 'primary', studentCount: 400, sharedHours: 1200 },
    { id: 2, name: 'B', stage: 'junior', studentCount: 300, sharedHours: 600 },
    { id: 3, name: 'C', stage: 'nine_year', studentCount: 900, sharedHours: 7200 },
  ];

  it('computes each stage apart, a nine-year school in both, by hand', () => {
    const [primary, junior] = usageEquityByStage(schools, null);
    expect(primary).toMatchObject({ stage: 'primary', totalStudents: 1000, schools: 2, mean: 6 });
    expect(primary!.coefficientOfVariation).toBeCloseTo(Math.sqrt(6) / 6, 12);
    expect(primary!.values.map((v) => [v.schoolName, v.students, v.value])).toEqual([['A', 400, 3], ['C', 600, 8]]);
    expect(junior).toMatchObject({ stage: 'junior', totalStudents: 600, schools: 2, mean: 5 });
    expect(junior!.coefficientOfVariation).toBeCloseTo(0.6, 12);
  });

  it('judges nothing unless the region set its own target, then each stage against it', () => {
    expect(usageEquityByStage(schools, null).map((s) => s.meets)).toEqual([null, null]);
    expect(usageEquityByStage(schools, 0.5).map((s) => s.meets)).toEqual([true, false]);
  });

  it('splits a nine-year school by grades, all its students counted once', () => {
    expect(stageParts({ stage: 'nine_year', studentCount: 780 })).toEqual([
      { stage: 'primary', students: 520 },
      { stage: 'junior', students: 260 },
    ]);
    expect(stageParts({ stage: 'nine_year', studentCount: 10 }).reduce((n, p) => n + p.students, 0)).toBe(10);
    expect(stageParts({ stage: 'junior', studentCount: 520 })).toEqual([{ stage: 'junior', students: 520 }]);
  });

  it('counts only the compulsory grades of a twelve-year school: six primary and three junior of its twelve', () => {
    expect(stageParts({ stage: 'twelve_year', studentCount: 1200 })).toEqual([
      { stage: 'primary', students: 600 },
      { stage: 'junior', students: 300 },
    ]);
  });
});
