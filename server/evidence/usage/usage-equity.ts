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

/** Grades of each kind of school by stage; a twelve-year school's three senior grades are outside compulsory education. */
const GRADES: Record<SchoolStage, { primary: number; junior: number; all: number }> = {
  primary: { primary: 6, junior: 0, all: 6 },
  junior: { primary: 0, junior: 3, all: 3 },
  nine_year: { primary: 6, junior: 3, all: 9 },
  twelve_year: { primary: 6, junior: 3, all: 12 },
};

/**
 * How many of a school's students are in each stage. A primary or junior school is all of one stage. A
 * nine-year or twelve-year school has no per-stage head count in the organisation data, so it is split by
 * grades, in proportion (its per-stage resource inputs are entered per term for the resource indicators, not
 * for every range a usage report covers). This function is the one place the split is decided.
 */
export function stageParts(school: Pick<EquitySchool, 'stage' | 'studentCount'>): StagePart[] {
  const grades = GRADES[school.stage];
  return EQUITY_STAGES.filter((stage) => grades[stage] > 0).map((stage) => ({
    stage,
    students: grades[stage] === grades.all ? school.studentCount : Math.round((school.studentCount * grades[stage]) / grades.all),
  }));
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
