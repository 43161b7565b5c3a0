import type { BelowTargetRow, ResearchEvidence, ResearchSchoolRow, ResearchTeacherRow } from '../../../shared/api/research-evidence.js';
import { DEFAULT_RESEARCH_SETTINGS } from '../../../shared/api/research.js';
import { DEFAULT_RUBRIC } from '../rubrics/default-rubric.js';
import { addInto, emptySums, round1, toFigures, weightedScore, type FigureSums } from './figures.js';
import type { InstantRange, ResearchEvidenceRepository, TeacherScope } from './repository.js';

/** The unit a 名师课堂 part is made for: a region or group lists its schools, a school its teachers. */
export type EvidenceUnit = { scope: 'region' | 'group' | 'school'; id: number; regionId: number };

/**
 * 名师课堂 evidence per teacher and per school over a range (a term): lessons observed, observations received,
 * 协同教研 meetings attended and the mean rubric score of her submitted-on lessons; the schools' sums; the
 * region's observation target (its research settings, else DEFAULT_RESEARCH_SETTINGS) and who is below it.
 */
export class ResearchEvidenceService {
  constructor(private readonly repo: ResearchEvidenceRepository) {}

  async evidence(unit: EvidenceUnit, range: InstantRange): Promise<ResearchEvidence> {
    const scope: TeacherScope = unit.scope === 'region' ? { regionId: unit.id } : unit.scope === 'group' ? { groupId: unit.id } : { schoolId: unit.id };
    const [teachers, schoolList, target] = await Promise.all([this.repo.teachers(scope), this.repo.schools(scope), this.observationTarget(unit.regionId)]);
    const ids = teachers.map((t) => t.userId);
    const [made, received, attendance, scored] = await Promise.all([
      this.repo.observationsMade(ids, range),
      this.repo.observationsReceived(ids, range),
      this.repo.researchAttendance(ids, range),
      this.repo.scoredObservations(ids, range),
    ]);

    const sums = new Map<number, FigureSums>(teachers.map((t) => [t.userId, { ...emptySums(), lessonsObserved: made.get(t.userId) ?? 0, observationsReceived: received.get(t.userId) ?? 0 }]));
    for (const a of attendance) sums.get(a.userId)!.researchSessionsAttended += 1;
    for (const o of scored) {
      const score = o.scores ? weightedScore(o.rubric ?? DEFAULT_RUBRIC, o.scores) : null;
      const s = sums.get(o.leadTeacherId);
      if (score === null || !s) continue;
      s.scoreSum += score;
      s.scored += 1;
    }

    const teacherRows: ResearchTeacherRow[] = teachers.map((t) => ({ teacherId: t.userId, name: t.name, schoolId: t.schoolId, schoolName: t.schoolName, figures: toFigures(sums.get(t.userId)!) }));
    const below = (rows: readonly ResearchTeacherRow[]): BelowTargetRow[] =>
      target === null ? [] : rows.filter((r) => r.figures.lessonsObserved < target).map((r) => ({ teacherId: r.teacherId, name: r.name, schoolName: r.schoolName, observed: r.figures.lessonsObserved, target }));
    const schools: ResearchSchoolRow[] = schoolList.map((school) => {
      const mine = teacherRows.filter((t) => t.schoolId === school.id);
      const total = mine.reduce((acc, t) => addInto(acc, sums.get(t.teacherId)!), emptySums());
      return { schoolId: school.id, schoolName: school.name, groupName: school.groupName, teachers: mine.length, figures: toFigures(total), belowTarget: target === null ? null : below(mine).length };
    });
    const totals = [...sums.values()].reduce((acc, s) => addInto(acc, s), emptySums());
    const belowTarget = below(teacherRows).sort((a, b) => a.observed - b.observed || a.schoolName.localeCompare(b.schoolName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
    return {
      teacherCount: teachers.length,
      totals: toFigures(totals),
      observedPerTeacher: teachers.length === 0 ? null : round1(totals.lessonsObserved / teachers.length),
      researchSessions: new Set(attendance.map((a) => a.researchSessionId)).size,
      // A region or group lists its schools with teachers; a school lists its teachers.
      schools: unit.scope === 'school' ? schools : schools.filter((s) => s.teachers > 0),
      teachers: unit.scope === 'school' ? teacherRows.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')) : [],
      observationTarget: target,
      belowTarget,
    };
  }

  async observationTarget(regionId: number): Promise<number | null> {
    return (await this.repo.observationTarget(regionId)) ?? DEFAULT_RESEARCH_SETTINGS.observationTarget;
  }
}
