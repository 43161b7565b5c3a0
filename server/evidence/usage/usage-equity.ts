import type { EquityStage, UsageEquityStage } from '../../../shared/api/evidence-usage.js';
import { EQUITY_STAGES } from '../../../shared/api/evidence-usage.js';
import type { SchoolStage } from '../../../shared/subjects.js';
import { studentWeightedDisparity } from './disparity.js';

/** What the usage-equity figure needs of a school. */
export interface EquitySchool {
  id: number;
  name: string;
  stage: SchoolStage;
  studentCount: number;
  /** Host + receiving classroom hours of shared lessons in the range. */
  sharedHours: number;
}

/** A school's students in one stage (a nine-year school has two parts). */
export interface StagePart {
  stage: EquityStage;
  students: number;
}

/**
 * How many of a school's students are in each stage. A primary or junior school is all of one stage. A
 * nine-year school has no per-stage head count in Tongke's organisation data yet, so it is split by grades:
 * six primary grades and three junior, in proportion. The resource inputs (资源配置, entered per school and
 * stage) carry the real per-stage students: once they are merged, pass them here instead — this function is
 * the one place the split is decided.
 */
export function stageParts(school: Pick<EquitySchool, 'stage' | 'studentCount'>): StagePart[] {
  if (school.stage !== 'nine_year') return [{ stage: school.stage, students: school.studentCount }];
  const primary = Math.round((school.studentCount * 6) / 9);
  return [
    { stage: 'primary', students: primary },
    { stage: 'junior', students: school.studentCount - primary },
  ];
}

/**
 * The usage-equity figure per stage: the student-weighted S / X̄ of shared-lesson hours per student, with the
 * formula of the 差异系数 but read only against the region's own target (`limit`, null: nothing judged). A
 * nine-year school's parts share its hours per student: lessons are not recorded per stage.
 */
export function usageEquityByStage(schools: readonly EquitySchool[], limit: number | null): UsageEquityStage[] {
  return EQUITY_STAGES.map((stage) => {
    const values = schools.flatMap((school) => {
      const part = stageParts(school).find((p) => p.stage === stage);
      if (!part || part.students <= 0 || school.studentCount <= 0) return [];
      const value = school.sharedHours / school.studentCount;
      return [{ schoolId: school.id, schoolName: school.name, students: part.students, sharedHours: Math.round(school.sharedHours * 100) / 100, value }];
    });
    const d = studentWeightedDisparity(values);
    return {
      stage,
      totalStudents: d.totalStudents,
      schools: d.schools,
      mean: d.mean,
      standardDeviation: d.standardDeviation,
      coefficientOfVariation: d.coefficientOfVariation,
      meets: limit === null || d.coefficientOfVariation === null ? null : d.coefficientOfVariation <= limit,
      values,
    };
  });
}
