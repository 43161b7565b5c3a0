import { describe, expect, it } from 'vitest';
import type { ResourcePartInput } from '../../../shared/api/evaluation-resources.js';
import { partIndicators, partPasses, partResult, stageDisparities, type SchoolPart } from './indicators.js';

/** A primary part of 1000 students exactly at every standard (4.2, 1, 0.9 per 100; 4.5, 7.5 m², 2000 yuan per student; 2.3 per 100). */
const AT_STANDARD: ResourcePartInput = {
  stage: 'primary',
  students: 1000,
  degreeTeachers: 42,
  keyTeachers: 10,
  peArtTeachers: 9,
  floorArea: 4500,
  sportsArea: 7500,
  equipmentValue: 2_000_000,
  networkedClassrooms: 23,
};
const part = (schoolId: number, input: Partial<ResourcePartInput>): SchoolPart => ({ ...AT_STANDARD, ...input, schoolId, schoolName: `学校${schoolId}` });

describe('one part against the standards of its stage', () => {
  it('meets an indicator exactly at its standard, per 100 students or per student', () => {
    const values = partIndicators(AT_STANDARD);
    expect(values.map((v) => v.value)).toEqual([4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3]);
    expect(values.every((v) => v.met && v.ratio === 1)).toBe(true);
  });

  it('reads a junior part against the junior standards', () => {
    // 53 teachers per 1000 junior pupils = 5.3 (met); the primary 4.5 m² is below the junior 5.8 m².
    const values = partIndicators({ ...AT_STANDARD, stage: 'junior', degreeTeachers: 53 });
    expect(values.find((v) => v.indicator === 'degreeTeachers')).toMatchObject({ value: 5.3, standard: 5.3, met: true });
    expect(values.find((v) => v.indicator === 'floorArea')).toMatchObject({ value: 4.5, standard: 5.8, met: false });
  });

  it('passes with six met and the seventh at 85 %, fails below 85 % or with two unmet', () => {
    // 8.5 PE/art teachers would be 85 %: 0.85 per 100 of 0.9 is 94 %, so use equipment: 1700 of 2000 yuan = 85 %.
    expect(partResult(part(1, { equipmentValue: 1_700_000 }))).toMatchObject({ metCount: 6, passed: true });
    // 1690 yuan = 84.5 %
    expect(partResult(part(1, { equipmentValue: 1_690_000 }))).toMatchObject({ metCount: 6, passed: false });
    // two unmet, both at 95 %
    expect(partPasses(partIndicators({ ...AT_STANDARD, equipmentValue: 1_900_000, floorArea: 4275 }))).toBe(false);
  });
});

describe('the student-weighted 差异系数 per indicator and stage', () => {
  it('weights parts by students, keeps the stages apart and names the part that pulls it up', () => {
    // Primary: A 1000 pupils with 42 degree teachers (4.2), B 100 pupils with 3 (3.0).
    //   X̄ = (1000·4.2 + 100·3)/1100 = 45/11; deviations 1.2/11 and −12/11;
    //   S² = (1000·1.44 + 100·144)/121/1100 = 15840/133100; CV = √(15840/133100) / (45/11) ≈ 0.0843.
    //   Shares of Σ Pᵢ(Xᵢ − X̄)²: A 1440/15840, B 14400/15840 ≈ 0.909 → B alone is named (below the mean).
    // Junior: one part C far from the primary values, which must not enter the primary CV.
    const results = [part(1, {}), part(2, { students: 100, degreeTeachers: 3, keyTeachers: 1 }), part(3, { stage: 'junior', degreeTeachers: 500 })].map(partResult);
    const disparities = stageDisparities(results);
    const primary = disparities.find((d) => d.stage === 'primary' && d.indicator === 'degreeTeachers')!;
    expect(primary.parts).toBe(2);
    expect(primary.mean).toBeCloseTo(45 / 11, 12);
    expect(primary.cv).toBeCloseTo(Math.sqrt(15840 / 133100) / (45 / 11), 12);
    expect(primary).toMatchObject({ limit: 0.5, met: true });
    expect(primary.pullingUp).toHaveLength(1);
    expect(primary.pullingUp[0]).toMatchObject({ schoolId: 2, above: false });
    expect(primary.pullingUp[0]!.share).toBeCloseTo(14400 / 15840, 12);
    // Every primary part has the same key teachers per 100: CV 0, nobody named.
    expect(disparities.find((d) => d.stage === 'primary' && d.indicator === 'keyTeachers')).toMatchObject({ cv: 0, pullingUp: [] });
    // One junior part: CV 0 against 0.45.
    expect(disparities.find((d) => d.stage === 'junior' && d.indicator === 'degreeTeachers')).toMatchObject({ parts: 1, cv: 0, limit: 0.45, met: true });
  });

  it('has no 差异系数 for a stage without parts', () => {
    const junior = stageDisparities([partResult(part(1, {}))]).filter((d) => d.stage === 'junior');
    expect(junior).toHaveLength(7);
    expect(junior.every((d) => d.cv === null && d.met === null && d.parts === 0)).toBe(true);
  });
});
