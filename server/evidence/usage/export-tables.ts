import type { IndicatorReport, IndicatorTable, RecordingReplayRow, UsageFigures, UsageReport, UsageTable, UsageUnit } from '../../../shared/api/evidence-usage.js';
import { SHARED_MESSAGES, type Locale } from '../../../shared/i18n/index.js';
import type { LessonKind, Subject } from '../../../shared/subjects.js';
import type { ExportTitle } from '../../core/csv.js';
import { shanghaiDate } from '../../../shared/time.js';
import { EQUITY_STAGE_LABELS, LABELS, tr, type Bilingual } from './labels.js';
import { materialsUsageTable } from '../../materials/export.js';
import { researchTable, researchTargetTable } from '../../research/evidence/export.js';

export type Cell = string | number | null;
export type ColumnKind = 'text' | 'integer' | 'number' | 'percent';

/** One downloadable table, its texts already in the caller's language. */
export interface ExportTable {
  sheet: string;
  columns: Array<{ header: string; kind: ColumnKind }>;
  rows: Cell[][];
  /** Left out of a workbook when it has no rows (a CSV of it still has its header). */
  omitWhenEmpty?: boolean;
}

interface Column<T> {
  label: Bilingual;
  kind: ColumnKind;
  value: (row: T) => Cell;
}

const percent = (rate: number | null): number | null => (rate === null ? null : Math.round(rate * 10000) / 100);

function table<T>(sheet: Bilingual, columns: ReadonlyArray<Column<T>>, rows: readonly T[], locale: Locale): ExportTable {
  return {
    sheet: tr(sheet, locale),
    columns: columns.map((c) => ({ header: tr(c.label, locale), kind: c.kind })),
    rows: rows.map((row) => columns.map((c) => c.value(row))),
  };
}

function texts(locale: Locale) {
  const shared = SHARED_MESSAGES[locale];
  const sep = locale === 'zh-CN' ? '、' : ', ';
  return {
    subjects: (subjects: readonly Subject[]) => subjects.map((s) => shared.subject[s]).join(sep),
    names: (names: readonly string[]) => names.join(sep),
    yesNo: (value: boolean | null) => (value === null ? tr(LABELS.notSet, locale) : tr(value ? LABELS.yes : LABELS.no, locale)),
    subject: (s: Subject) => shared.subject[s],
    groupRole: shared.groupRole,
    lessonKind: shared.lessonKind,
  };
}

/** The figure columns every usage table shares. */
function figureColumns(locale: Locale): Array<Column<UsageFigures>> {
  const t = texts(locale);
  const int = (label: Bilingual, value: (f: UsageFigures) => number): Column<UsageFigures> => ({ label, kind: 'integer', value });
  return [
    int(LABELS.scheduledLessons, (f) => f.scheduledLessons),
    int(LABELS.scheduledDelivered, (f) => f.scheduledDelivered),
    int(LABELS.movedLessons, (f) => f.movedLessons),
    int(LABELS.cancelledLessons, (f) => f.cancelledLessons),
    int(LABELS.adHocLessons, (f) => f.adHocLessons),
    int(LABELS.heldLessons, (f) => f.heldLessons),
    int(LABELS.deliveredLessons, (f) => f.deliveredLessons),
    int(LABELS.hostedLessons, (f) => f.hostedLessons),
    int(LABELS.receivedLessons, (f) => f.receivedLessons),
    { label: LABELS.receivedHours, kind: 'number', value: (f) => f.receivedHours },
    { label: LABELS.hostedHours, kind: 'number', value: (f) => f.hostedHours },
    { label: LABELS.studentHours, kind: 'number', value: (f) => f.studentHours },
    int(LABELS.receivingClassrooms, (f) => f.receivingClassrooms),
    { label: LABELS.hoursPerClassroomWeek, kind: 'number', value: (f) => f.hoursPerClassroomWeek },
    { label: LABELS.subjects, kind: 'text', value: (f) => t.subjects(f.subjects) },
    { label: LABELS.shortageSubjects, kind: 'text', value: (f) => t.subjects(f.shortageSubjects) },
    int(LABELS.teacherCount, (f) => f.teacherCount),
    { label: LABELS.teacherNames, kind: 'text', value: (f) => t.names(f.teacherNames) },
    int(LABELS.attendanceExpected, (f) => f.attendanceExpected),
    int(LABELS.attendancePresent, (f) => f.attendancePresent),
    { label: LABELS.attendanceRate, kind: 'percent', value: (f) => percent(f.attendanceRate) },
    int(LABELS.homeExpected, (f) => f.homeExpected),
    int(LABELS.homePresent, (f) => f.homePresent),
    { label: LABELS.participationRate, kind: 'percent', value: (f) => percent(f.participationRate) },
    int(LABELS.hands, (f) => f.hands),
    int(LABELS.chatMessages, (f) => f.chatMessages),
    int(LABELS.pollAnswers, (f) => f.pollAnswers),
    int(LABELS.replayViews, (f) => f.replayViews ?? 0),
    int(LABELS.replayViewers, (f) => f.replayViewers ?? 0),
    { label: LABELS.replayHours, kind: 'number', value: (f) => f.replayHours ?? 0 },
    { label: LABELS.homeReplayHours, kind: 'number', value: (f) => f.homeReplayHours ?? 0 },
  ];
}

const onRow = <R>(columns: Array<Column<UsageFigures>>, figures: (row: R) => UsageFigures): Array<Column<R>> =>
  columns.map((c) => ({ ...c, value: (row: R) => c.value(figures(row)) }));

/** The usage report's tables: its units (with a total row) and its trend. */
export function usageTables(report: UsageReport, locale: Locale): Record<UsageTable, ExportTable> {
  const t = texts(locale);
  type Row = { unit: UsageUnit | null; figures: UsageFigures };
  const unitKind = (unit: UsageUnit | null): string => {
    if (!unit) return '';
    if (unit.kind === 'school') return unit.groupRole ? t.groupRole[unit.groupRole] : '';
    if (unit.kind === 'classroom') return tr(unit.receiving ? LABELS.receivingClassroom : LABELS.hostClassroom, locale);
    if (unit.kind === 'students') return tr(LABELS.students, locale);
    return unit.lesson ? t.lessonKind[unit.lesson.kind] : '';
  };
  const leading: Array<Column<Row>> =
    report.scope === 'classroom'
      ? [
          { label: LABELS.startedAt, kind: 'text', value: (r) => (r.unit?.lesson ? shanghaiDateTime(r.unit.lesson.startedAt) : tr(LABELS.total, locale)) },
          { label: LABELS.lesson, kind: 'text', value: (r) => r.unit?.lesson?.courseName ?? '' },
          { label: LABELS.subject, kind: 'text', value: (r) => (r.unit?.lesson ? t.subject(r.unit.lesson.subject) : '') },
          { label: LABELS.lessonKind, kind: 'text', value: (r) => unitKind(r.unit) },
        ]
      : [
          { label: report.scope === 'school' ? LABELS.classroom : LABELS.school, kind: 'text', value: (r) => r.unit?.name ?? tr(LABELS.total, locale) },
          ...(report.scope === 'school' ? [] : [{ label: LABELS.group, kind: 'text' as const, value: (r: Row) => r.unit?.groupName ?? '' }]),
          { label: LABELS.unitKind, kind: 'text', value: (r) => unitKind(r.unit) },
        ];
  const rows: Row[] = [...report.rows, { unit: null, figures: report.totals }];
  const trendLeading: Array<Column<UsageReport['trend'][number]>> = [
    { label: report.groupBy === 'week' ? LABELS.week : LABELS.period, kind: 'text', value: (p) => p.label },
    { label: LABELS.from, kind: 'text', value: (p) => p.from },
    { label: LABELS.to, kind: 'text', value: (p) => p.to },
  ];
  return {
    units: table(LABELS.usageSheet, [...leading, ...onRow<Row>(figureColumns(locale), (r) => r.figures)], rows, locale),
    trend: table(LABELS.trendSheet, [...trendLeading, ...onRow(figureColumns(locale), (p: UsageReport['trend'][number]) => p.figures)], report.trend, locale),
    materials: materialsUsageTable(report.materials, locale),
    recordings: { ...table(LABELS.recordingsSheet, recordingColumns, report.topRecordings ?? [], locale), omitWhenEmpty: true },
    research: researchTable(report.research, report.scope === 'school', locale),
    researchTarget: researchTargetTable(report.research, locale),
  };
}

/** The most-watched recordings of a usage report (点播). */
const recordingColumns: ReadonlyArray<Column<RecordingReplayRow>> = [
  { label: LABELS.recording, kind: 'text', value: (r) => r.title },
  { label: LABELS.course, kind: 'text', value: (r) => r.courseName },
  { label: LABELS.recordedBy, kind: 'text', value: (r) => r.schoolName },
  { label: LABELS.replayViews, kind: 'integer', value: (r) => r.views },
  { label: LABELS.replayViewers, kind: 'integer', value: (r) => r.viewers },
  { label: LABELS.replayHours, kind: 'number', value: (r) => r.hours },
];

/** The indicator report's tables: schools against the targets, the weekly trend, subject coverage, and the 差异系数. */
export function indicatorTables(report: IndicatorReport, locale: Locale): Record<IndicatorTable, ExportTable> {
  const t = texts(locale);
  type School = IndicatorReport['schools'][number];
  const schools: Array<Column<School>> = [
    { label: LABELS.school, kind: 'text', value: (s) => s.school.name },
    { label: LABELS.group, kind: 'text', value: (s) => s.school.groupName ?? '' },
    { label: LABELS.groupRole, kind: 'text', value: (s) => t.groupRole[s.school.groupRole] },
    { label: LABELS.studentCount, kind: 'integer', value: (s) => s.school.studentCount },
    { label: LABELS.evaluated, kind: 'text', value: (s) => t.yesNo(s.evaluated) },
    { label: LABELS.scheduledLessons, kind: 'integer', value: (s) => s.scheduledLessons },
    { label: LABELS.receivedLessons, kind: 'integer', value: (s) => s.receivedLessons },
    { label: LABELS.lessonsPerWeek, kind: 'number', value: (s) => s.lessonsPerWeek },
    { label: LABELS.subjectCount, kind: 'integer', value: (s) => s.subjects.length },
    { label: LABELS.subjects, kind: 'text', value: (s) => t.subjects(s.subjects) },
    { label: LABELS.missingRequired, kind: 'text', value: (s) => t.subjects(s.missingRequiredSubjects) },
    { label: LABELS.attendanceRate, kind: 'percent', value: (s) => percent(s.attendanceRate) },
    { label: LABELS.sharedHours, kind: 'number', value: (s) => s.sharedHours },
    { label: LABELS.hoursPerStudent, kind: 'number', value: (s) => (s.hoursPerStudent === null ? null : Math.round(s.hoursPerStudent * 10000) / 10000) },
    { label: LABELS.meetsLessons, kind: 'text', value: (s) => (s.evaluated ? t.yesNo(s.meets.lessonsPerWeek) : '') },
    { label: LABELS.meetsSubjects, kind: 'text', value: (s) => (s.evaluated ? t.yesNo(s.meets.subjectsPerTerm) : '') },
    { label: LABELS.meetsAttendance, kind: 'text', value: (s) => (s.evaluated ? t.yesNo(s.meets.attendance) : '') },
    { label: LABELS.meetsRequired, kind: 'text', value: (s) => (s.evaluated ? t.yesNo(s.meets.requiredSubjects) : '') },
    { label: LABELS.routineUse, kind: 'text', value: (s) => (s.evaluated ? t.yesNo(s.routineUse) : '') },
  ];
  type Week = IndicatorReport['trend'][number];
  const trend: Array<Column<Week>> = [
    { label: LABELS.week, kind: 'text', value: (w) => w.week },
    { label: LABELS.from, kind: 'text', value: (w) => w.from },
    { label: LABELS.to, kind: 'text', value: (w) => w.to },
    { label: LABELS.deliveredLessons, kind: 'integer', value: (w) => w.deliveredLessons },
    { label: LABELS.receivedHours, kind: 'number', value: (w) => w.receivedHours },
    { label: LABELS.attendanceRate, kind: 'percent', value: (w) => percent(w.attendanceRate) },
    { label: LABELS.schoolsMeetingLessonTarget, kind: 'integer', value: (w) => w.schoolsMeetingLessonTarget },
  ];
  type MatrixRow = IndicatorReport['matrix']['rows'][number];
  const matrix: Array<Column<MatrixRow>> = [
    { label: LABELS.school, kind: 'text', value: (r) => r.schoolName },
    { label: LABELS.groupRole, kind: 'text', value: (r) => t.groupRole[r.groupRole] },
    ...report.matrix.subjects.flatMap((subject, i): Array<Column<MatrixRow>> => [
      { label: bilingualPair(subject, LABELS.scheduledShort), kind: 'integer', value: (r) => r.cells[i]?.scheduled ?? 0 },
      { label: bilingualPair(subject, LABELS.deliveredShort), kind: 'integer', value: (r) => r.cells[i]?.delivered ?? 0 },
    ]),
  ];
  // One block per stage: its schools (a nine-year school's part in each), then X̄, S and the figure itself.
  type DisparityRow = { stage: string; name: string; students: number | null; hours: number | null; value: number | null };
  const disparityRows: DisparityRow[] = report.usageEquity.stages.flatMap((d) => {
    const stage = tr(EQUITY_STAGE_LABELS[d.stage], locale);
    return [
      ...d.values.map((v) => ({ stage, name: v.schoolName, students: v.students, hours: v.sharedHours, value: v.value })),
      { stage, name: tr(LABELS.mean, locale), students: d.totalStudents, hours: null, value: d.mean },
      { stage, name: tr(LABELS.standardDeviation, locale), students: null, hours: null, value: d.standardDeviation },
      { stage, name: tr(LABELS.usageEquity, locale), students: null, hours: null, value: d.coefficientOfVariation },
    ];
  });
  const disparity: Array<Column<DisparityRow>> = [
    { label: LABELS.stage, kind: 'text', value: (r) => r.stage },
    { label: LABELS.school, kind: 'text', value: (r) => r.name },
    { label: LABELS.weight, kind: 'integer', value: (r) => r.students },
    { label: LABELS.sharedHours, kind: 'number', value: (r) => r.hours },
    { label: LABELS.hoursPerStudent, kind: 'number', value: (r) => (r.value === null ? null : Math.round(r.value * 1_000_000) / 1_000_000) },
  ];
  return {
    schools: table(LABELS.schoolsSheet, schools, report.schools, locale),
    trend: table(LABELS.trendSheet, trend, report.trend, locale),
    matrix: table(LABELS.matrixSheet, matrix, report.matrix.rows, locale),
    disparity: table(LABELS.disparitySheet, disparity, disparityRows, locale),
  };
}

function bilingualPair(subject: Subject, suffix: Bilingual): Bilingual {
  return { 'zh-CN': `${SHARED_MESSAGES['zh-CN'].subject[subject]}·${suffix['zh-CN']}`, en: `${SHARED_MESSAGES.en.subject[subject]} ${suffix.en}` };
}

/** "2026-09-07 09:00" in Shanghai time. */
function shanghaiDateTime(iso: string): string {
  const instant = new Date(iso);
  const time = new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
  return `${shanghaiDate(instant)} ${time}`;
}

/** The filters a usage report was read with (those not already in the report itself). */
export interface UsageTitleFilters {
  subject?: Subject | undefined;
  kind?: LessonKind | undefined;
}

/** What a usage download is: the unit (region down to it), the period, the filters, when it was made. */
export function usageTitle(report: UsageReport, filters: UsageTitleFilters, locale: Locale, now: Date): ExportTitle {
  const t = texts(locale);
  const sep = locale === 'zh-CN' ? '；' : '; ';
  const chosen = [
    ...(filters.subject ? [`${tr(LABELS.subject, locale)}: ${t.subject(filters.subject)}`] : []),
    ...(filters.kind ? [`${tr(LABELS.lessonKind, locale)}: ${t.lessonKind[filters.kind]}`] : []),
    ...(report.ownCoursesOnly ? [tr(LABELS.titleOwnCourses, locale)] : []),
  ];
  return {
    title: `${tr(LABELS.usageTitle, locale)} — ${report.unit.name}`,
    lines: [
      [tr(LABELS.titleUnit, locale), report.path.map((u) => u.name).join(' / ')],
      [tr(LABELS.titlePeriod, locale), `${report.from} — ${report.to}`],
      [tr(LABELS.titleFilters, locale), chosen.length > 0 ? chosen.join(sep) : tr(LABELS.titleNoFilter, locale)],
      [tr(LABELS.titleGenerated, locale), shanghaiDateTime(now.toISOString())],
    ],
  };
}

/** What an indicator download is: the county, the period (its term), which schools the targets judge, when it was made. */
export function indicatorTitle(report: IndicatorReport, locale: Locale, now: Date): ExportTitle {
  const t = texts(locale);
  const sep = locale === 'zh-CN' ? '、' : ', ';
  const period = `${report.from} — ${report.to}`;
  return {
    title: `${tr(LABELS.indicatorTitle, locale)} — ${report.region.name}`,
    lines: [
      [tr(LABELS.titleRegion, locale), report.region.name],
      [tr(LABELS.titlePeriod, locale), report.term ? `${report.term.name} (${period})` : period],
      [tr(LABELS.titleJudged, locale), report.targets.appliesTo.map((kind) => t.groupRole[kind]).join(sep)],
      [tr(LABELS.titleGenerated, locale), shanghaiDateTime(now.toISOString())],
    ],
  };
}
