import type { SectionFigure, SectionTable } from '../../../shared/api/evaluation.js';
import type { ResearchEvidence } from '../../../shared/api/research-evidence.js';

/*
 * The county file's 名师课堂 line (in the usage section, beside 专递课堂 and 名校网络课堂 点播): lessons observed,
 * observations per teacher, 协同教研 meetings, the mean rubric score, and the teachers below the region's
 * observation target; and the per-school table. The file is an official document: Chinese labels only.
 */
export function researchFigures(research: ResearchEvidence): SectionFigure[] {
  const { totals, observationTarget } = research;
  return [
    { key: 'research_lessons_observed', label: '名师课堂听课节数', value: totals.lessonsObserved, unit: '节' },
    {
      key: 'research_observed_per_teacher',
      label: '教师人均听课节数',
      value: research.observedPerTeacher,
      unit: '节',
      ...(observationTarget !== null && { requirement: `每学期 ≥ ${observationTarget} 节（本区县目标）` }),
    },
    { key: 'research_sessions', label: '协同教研次数', value: research.researchSessions, unit: '次' },
    { key: 'research_mean_score', label: '评课平均分（百分制）', value: totals.meanScore, unit: '分' },
    {
      key: 'research_below_target',
      label: '听课未达目标教师数',
      value: observationTarget === null ? null : research.belowTarget.length,
      unit: '人',
      ...(observationTarget === null ? { requirement: '本区县未设定听课目标' } : { requirement: `${research.teacherCount} 名教师全部达标`, met: research.belowTarget.length === 0 }),
    },
  ];
}

export function researchTable(research: ResearchEvidence): SectionTable {
  return {
    key: 'research',
    title: '名师课堂：各校听课评课与协同教研',
    columns: ['学校', '教育集团', '教师数', '听课节数', '被听课次数', '参加协同教研次数', '评课份数', '评课平均分', '未达听课目标人数'],
    rows: research.schools.map((s) => [
      s.schoolName,
      s.groupName,
      s.teachers,
      s.figures.lessonsObserved,
      s.figures.observationsReceived,
      s.figures.researchSessionsAttended,
      s.figures.scoredObservations,
      s.figures.meanScore,
      s.belowTarget,
    ]),
  };
}
