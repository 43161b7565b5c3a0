import type { LinkHealthReport } from '../../../shared/api/link-health.js';
import type { Locale } from '../../../shared/i18n/index.js';
import { shanghaiDate, shanghaiTime } from '../../../shared/time.js';
import type { ExportTitle } from '../../core/csv.js';
import type { ExportTable } from '../usage/export-tables.js';
import { tr, type Bilingual } from '../usage/labels.js';

/** Texts of the link health download (Chinese first). */
const L = {
  title: { 'zh-CN': '教学点网络状况', en: 'Link health of teaching points' },
  file: { 'zh-CN': '网络状况', en: 'link-health' },
  rankingSheet: { 'zh-CN': '网络较差的教学点', en: 'Teaching points by link' },
  trendSheet: { 'zh-CN': '每周趋势', en: 'Weekly trend' },
  unit: { 'zh-CN': '统计单位', en: 'Unit' },
  period: { 'zh-CN': '统计期间', en: 'Period' },
  poorLine: { 'zh-CN': '较差的标准', en: 'Poor means' },
  poorLineValue: { 'zh-CN': '丢包 > 8% 或往返时延 > 600 ms 或画面评分 < 5', en: 'loss > 8 %, round trip > 600 ms or stream score < 5' },
  generated: { 'zh-CN': '生成时间', en: 'Generated' },
  rank: { 'zh-CN': '排名', en: 'Rank' },
  school: { 'zh-CN': '学校/教学点', en: 'School / teaching point' },
  classroom: { 'zh-CN': '接收教室', en: 'Receiving classroom' },
  week: { 'zh-CN': '周（周一）', en: 'Week (Monday)' },
  minutes: { 'zh-CN': '上课分钟（有采样）', en: 'Lesson minutes sampled' },
  poorPct: { 'zh-CN': '网络较差时间占比(%)', en: 'Poor link time (%)' },
  rtt: { 'zh-CN': '往返时延中位数(ms)', en: 'Median round trip (ms)' },
  meanLoss: { 'zh-CN': '平均丢包率(%)', en: 'Mean loss (%)' },
  medianLoss: { 'zh-CN': '丢包率中位数(%)', en: 'Median loss (%)' },
  days: { 'zh-CN': '上课天数', en: 'Lesson days' },
} satisfies Record<string, Bilingual>;

export const linkHealthFileName = (report: LinkHealthReport, locale: Locale): { name: string; ascii: string } => ({
  name: `${tr(L.file, locale)}-${report.unit.name}-${report.from}_${report.to}.xlsx`,
  ascii: `link-health-${report.scope}-${report.unit.id}-${report.from}_${report.to}.xlsx`,
});

export function linkHealthTitle(report: LinkHealthReport, locale: Locale, now: Date): ExportTitle {
  return {
    title: `${tr(L.title, locale)} — ${report.unit.name}`,
    lines: [
      [tr(L.unit, locale), report.unit.name],
      [tr(L.period, locale), `${report.from} — ${report.to}`],
      [tr(L.poorLine, locale), tr(L.poorLineValue, locale)],
      [tr(L.generated, locale), `${shanghaiDate(now)} ${shanghaiTime(now)}`],
    ],
  };
}

/** The ranking (worst first) and every classroom's weekly trend, as the workbook's two sheets. */
export function linkHealthTables(report: LinkHealthReport, locale: Locale): ExportTable[] {
  const figureColumns = [
    { header: tr(L.minutes, locale), kind: 'number' as const },
    { header: tr(L.poorPct, locale), kind: 'number' as const },
    { header: tr(L.rtt, locale), kind: 'integer' as const },
    { header: tr(L.meanLoss, locale), kind: 'number' as const },
    { header: tr(L.medianLoss, locale), kind: 'number' as const },
  ];
  const figureCells = (f: LinkHealthReport['rows'][number]['figures']) => [f.sampledMinutes, f.poorPct, f.medianRttMs, f.meanLossPct, f.medianLossPct];
  return [
    {
      sheet: tr(L.rankingSheet, locale),
      columns: [{ header: tr(L.rank, locale), kind: 'integer' }, { header: tr(L.school, locale), kind: 'text' }, { header: tr(L.classroom, locale), kind: 'text' }, ...figureColumns, { header: tr(L.days, locale), kind: 'integer' }],
      rows: report.rows.map((row, i) => [i + 1, row.schoolName, row.classroomName, ...figureCells(row.figures), row.figures.lessonDays]),
    },
    {
      sheet: tr(L.trendSheet, locale),
      columns: [{ header: tr(L.school, locale), kind: 'text' }, { header: tr(L.classroom, locale), kind: 'text' }, { header: tr(L.week, locale), kind: 'text' }, ...figureColumns],
      rows: report.rows.flatMap((row) => row.trend.map((point) => [row.schoolName, row.classroomName, point.week, ...figureCells(point.figures)])),
    },
  ];
}
