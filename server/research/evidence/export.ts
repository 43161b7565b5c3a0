import type { ResearchEvidence, ResearchFigures } from '../../../shared/api/research-evidence.js';
import type { Locale } from '../../../shared/i18n/index.js';

/*
 * The 名师课堂 tables of a usage download (CSV of one, a sheet each in the XLSX), written by the usage report's
 * own writers: per school (region, group) or per teacher (school) with a total row, and the teachers below
 * the region's observation target.
 */

type Bilingual = Record<Locale, string>;
type Cell = string | number | null;

/** One table, its texts in the caller's language (the shape of the usage report's ExportTable). */
export interface ResearchTable {
  sheet: string;
  columns: Array<{ header: string; kind: 'text' | 'integer' | 'number' }>;
  rows: Cell[][];
  omitWhenEmpty: true;
}

export const RESEARCH_LABELS = {
  sheet: { 'zh-CN': '名师课堂', en: 'Teaching research' },
  targetSheet: { 'zh-CN': '听课未达标教师', en: 'Teachers below target' },
  school: { 'zh-CN': '学校', en: 'School' },
  group: { 'zh-CN': '教育集团', en: 'Education group' },
  teacher: { 'zh-CN': '教师', en: 'Teacher' },
  teachers: { 'zh-CN': '教师数', en: 'Teachers' },
  lessonsObserved: { 'zh-CN': '听课节数', en: 'Lessons observed' },
  observationsReceived: { 'zh-CN': '被听课次数', en: 'Observations received' },
  researchSessions: { 'zh-CN': '参加协同教研次数', en: 'Research sessions attended' },
  scored: { 'zh-CN': '评课份数', en: 'Ratings submitted' },
  meanScore: { 'zh-CN': '评课平均分', en: 'Mean rubric score' },
  belowTarget: { 'zh-CN': '未达听课目标人数', en: 'Below observation target' },
  observed: { 'zh-CN': '已听课节数', en: 'Lessons observed' },
  target: { 'zh-CN': '听课目标（节/学期）', en: 'Target (lessons per term)' },
  total: { 'zh-CN': '合计', en: 'Total' },
} satisfies Record<string, Bilingual>;

const tr = (text: Bilingual, locale: Locale): string => text[locale];
const figureCells = (f: ResearchFigures): Cell[] => [f.lessonsObserved, f.observationsReceived, f.researchSessionsAttended, f.scoredObservations, f.meanScore];

/** Per school (a region's or group's report) or per teacher (a school's), then the unit's total. */
export function researchTable(research: ResearchEvidence | undefined, byTeacher: boolean, locale: Locale): ResearchTable {
  const L = RESEARCH_LABELS;
  const int = (label: Bilingual) => ({ header: tr(label, locale), kind: 'integer' as const });
  const text = (label: Bilingual) => ({ header: tr(label, locale), kind: 'text' as const });
  const figures = [int(L.lessonsObserved), int(L.observationsReceived), int(L.researchSessions), int(L.scored), { header: tr(L.meanScore, locale), kind: 'number' as const }];
  const total = tr(L.total, locale);
  if (byTeacher) {
    const rows = research ? [...research.teachers.map((t) => [t.name, t.schoolName, ...figureCells(t.figures)]), [total, '', ...figureCells(research.totals)]] : [];
    return { sheet: tr(L.sheet, locale), columns: [text(L.teacher), text(L.school), ...figures], rows, omitWhenEmpty: true };
  }
  const rows = research
    ? [
        ...research.schools.map((s) => [s.schoolName, s.groupName ?? '', s.teachers, ...figureCells(s.figures), s.belowTarget]),
        [total, '', research.teacherCount, ...figureCells(research.totals), research.observationTarget === null ? null : research.belowTarget.length],
      ]
    : [];
  return { sheet: tr(L.sheet, locale), columns: [text(L.school), text(L.group), int(L.teachers), ...figures, int(L.belowTarget)], rows, omitWhenEmpty: true };
}

/** The teachers below the region's observation target (none when it set no target). */
export function researchTargetTable(research: ResearchEvidence | undefined, locale: Locale): ResearchTable {
  const L = RESEARCH_LABELS;
  return {
    sheet: tr(L.targetSheet, locale),
    columns: [
      { header: tr(L.teacher, locale), kind: 'text' },
      { header: tr(L.school, locale), kind: 'text' },
      { header: tr(L.observed, locale), kind: 'integer' },
      { header: tr(L.target, locale), kind: 'integer' },
    ],
    rows: (research?.belowTarget ?? []).map((b) => [b.name, b.schoolName, b.observed, b.target]),
    omitWhenEmpty: true,
  };
}
