import type { Locale } from '../../../shared/i18n/index.js';
import type { RespondentGroup, SatisfactionFigures, SatisfactionResults, SurveyCode } from '../../../shared/api/evaluation-satisfaction.js';
import type { ColumnKind, ExportTable } from '../../evidence/usage/export-tables.js';
import { tr, type Bilingual } from '../../evidence/usage/labels.js';

/*
 * The satisfaction tables, once, for the downloads (in the caller's language) and for the self-evaluation
 * file's section (in Chinese). Rates are percentages, unrounded: the writer formats, the reader rounds.
 */

type Cell = string | number | null;
interface Column<T> {
  label: Bilingual;
  kind: ColumnKind;
  value: (row: T) => Cell;
}

export const GROUP_LABELS: Record<RespondentGroup, Bilingual> = {
  student: { 'zh-CN': '学生', en: 'Students' },
  parent: { 'zh-CN': '家长', en: 'Parents' },
  teacher: { 'zh-CN': '教师', en: 'Teachers' },
  other: { 'zh-CN': '其他人员', en: 'Others' },
};

export const LEVEL_LABELS: readonly Bilingual[] = [
  { 'zh-CN': '很满意', en: 'Very satisfied' },
  { 'zh-CN': '满意', en: 'Satisfied' },
  { 'zh-CN': '基本满意', en: 'Fairly satisfied' },
  { 'zh-CN': '不满意', en: 'Dissatisfied' },
  { 'zh-CN': '很不满意', en: 'Very dissatisfied' },
];

export const L = {
  schoolsSheet: { 'zh-CN': '各校满意度', en: 'Schools' },
  groupsSheet: { 'zh-CN': '各校分对象', en: 'Schools by group' },
  questionsSheet: { 'zh-CN': '各题分布', en: 'Questions' },
  codesSheet: { 'zh-CN': '问卷码', en: 'Codes' },
  school: { 'zh-CN': '学校', en: 'School' },
  group: { 'zh-CN': '调查对象', en: 'Respondents' },
  issued: { 'zh-CN': '发放问卷码', en: 'Codes issued' },
  responses: { 'zh-CN': '回收问卷', en: 'Responses' },
  responseRate: { 'zh-CN': '回收率（%）', en: 'Response rate (%)' },
  satisfaction: { 'zh-CN': '满意度（%）', en: 'Satisfaction (%)' },
  meets: { 'zh-CN': '达到 85%', en: 'Meets 85 %' },
  question: { 'zh-CN': '题目', en: 'Question' },
  code: { 'zh-CN': '问卷码', en: 'Code' },
  link: { 'zh-CN': '答题链接', en: 'Link' },
  used: { 'zh-CN': '已使用', en: 'Used' },
  overall: { 'zh-CN': '全县合计', en: 'All schools' },
  yes: { 'zh-CN': '是', en: 'yes' },
  no: { 'zh-CN': '否', en: 'no' },
  title: { 'zh-CN': '社会满意度调查结果', en: 'Satisfaction survey results' },
  codesTitle: { 'zh-CN': '满意度调查问卷码', en: 'Satisfaction survey codes' },
} as const satisfies Record<string, Bilingual>;

const pct = (rate: number | null): number | null => (rate === null ? null : rate * 100);

function table<T>(sheet: Bilingual, columns: ReadonlyArray<Column<T>>, rows: readonly T[], locale: Locale): ExportTable {
  return { sheet: tr(sheet, locale), columns: columns.map((c) => ({ header: tr(c.label, locale), kind: c.kind })), rows: rows.map((row) => columns.map((c) => c.value(row))) };
}

const figureColumns = <T>(pick: (row: T) => SatisfactionFigures): Array<Column<T>> => [
  { label: L.issued, kind: 'integer', value: (r) => pick(r).issued },
  { label: L.responses, kind: 'integer', value: (r) => pick(r).responses },
  { label: L.responseRate, kind: 'percent', value: (r) => pct(pick(r).responseRate) },
  { label: L.satisfaction, kind: 'percent', value: (r) => pct(pick(r).satisfaction) },
];

export type ResultTableKey = 'schools' | 'groups' | 'questions';

/** The results as tables: per school (and the county), per school and group, per question. */
export function resultTables(results: SatisfactionResults, locale: Locale): Record<ResultTableKey, ExportTable> {
  const yesNo = (meets: boolean | null) => (meets === null ? '' : tr(meets ? L.yes : L.no, locale));
  type SchoolRow = { name: string; figures: SatisfactionFigures; meets: boolean | null };
  const schoolRows: SchoolRow[] = [
    ...results.bySchool.map((s) => ({ name: s.schoolName, figures: s.figures, meets: s.meets })),
    { name: tr(L.overall, locale), figures: results.overall, meets: results.meets },
  ];
  type GroupRow = { name: string; group: string; figures: SatisfactionFigures };
  const groupRows: GroupRow[] = [
    ...results.bySchoolGroup.map((r) => ({ name: r.schoolName, group: tr(GROUP_LABELS[r.respondentGroup], locale), figures: r.figures })),
    ...results.byGroup.map((g) => ({ name: tr(L.overall, locale), group: tr(GROUP_LABELS[g.respondentGroup], locale), figures: g.figures })),
  ];
  type QuestionRow = SatisfactionResults['questions'][number];
  return {
    schools: table<SchoolRow>(L.schoolsSheet, [{ label: L.school, kind: 'text', value: (r) => r.name }, ...figureColumns<SchoolRow>((r) => r.figures), { label: L.meets, kind: 'text', value: (r) => yesNo(r.meets) }], schoolRows, locale),
    groups: table<GroupRow>(L.groupsSheet, [{ label: L.school, kind: 'text', value: (r) => r.name }, { label: L.group, kind: 'text', value: (r) => r.group }, ...figureColumns<GroupRow>((r) => r.figures)], groupRows, locale),
    questions: table<QuestionRow>(
      L.questionsSheet,
      [
        { label: L.question, kind: 'text', value: (q) => q.text },
        ...LEVEL_LABELS.map((label, i): Column<QuestionRow> => ({ label, kind: 'integer', value: (q) => q.levels[i] ?? 0 })),
        { label: L.satisfaction, kind: 'percent', value: (q) => pct(q.satisfaction) },
      ],
      results.questions,
      locale,
    ),
  };
}

/** The codes as a table to print or mail-merge: school, group, code, link, used. */
export function codeTable(codes: readonly SurveyCode[], locale: Locale): ExportTable {
  return table<SurveyCode>(
    L.codesSheet,
    [
      { label: L.school, kind: 'text', value: (c) => c.schoolName },
      { label: L.group, kind: 'text', value: (c) => tr(GROUP_LABELS[c.respondentGroup], locale) },
      { label: L.code, kind: 'text', value: (c) => c.code },
      { label: L.link, kind: 'text', value: (c) => c.url },
      { label: L.used, kind: 'text', value: (c) => tr(c.used ? L.yes : L.no, locale) },
    ],
    codes,
    locale,
  );
}
