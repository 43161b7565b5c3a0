import type { EvaluationSection, SectionTable } from '../../../shared/api/evaluation.js';
import { CV_LIMITS, RESOURCE_INDICATORS, RESOURCE_STAGES, type ResourcesReport } from '../../../shared/api/evaluation-resources.js';
import { SHARED_MESSAGES } from '../../../shared/i18n/index.js';
import type { SectionBuilder } from '../section.js';
import { STAGE_NAMES } from './import-file.js';
import type { ResourceService } from './service.js';

/** The file is written in Chinese (see SectionBuilder): one wording for everyone who reads a snapshot. */
const L = SHARED_MESSAGES['zh-CN'].evalResources;
const yesNo = (met: boolean | null): string | null => (met === null ? null : met ? '是' : '否');

/** The resource-indicator section (资源配置) of a region's self-evaluation file for a term. */
export function buildResourcesSection(service: ResourceService): SectionBuilder {
  return async ({ regionId, termId }) => resourcesSection(await service.report(regionId, termId));
}

/**
 * The section from a computed report. Figures: per indicator and stage the 差异系数 against its limit (stages
 * without parts are left out), and per stage how many parts pass the verdict. Tables: every part's seven values
 * with met marks and verdict, the 差异系数 table with the parts that pull each up, the indicator-7 cross-check,
 * and the parts not entered. Numbers stay unrounded.
 */
export function resourcesSection(report: ResourcesReport): EvaluationSection {
  const stagesWithParts = RESOURCE_STAGES.filter((stage) => report.parts.some((p) => p.stage === stage));
  const figures: EvaluationSection['figures'] = [
    ...report.disparities
      .filter((d) => stagesWithParts.includes(d.stage))
      .map((d) => ({
        key: `cv.${d.stage}.${d.indicator}`,
        label: `${STAGE_NAMES[d.stage]}${L.indicator[d.indicator]}差异系数`,
        value: d.cv,
        requirement: `≤ ${CV_LIMITS[d.stage].toFixed(2)}`,
        met: d.met,
      })),
    ...stagesWithParts.map((stage) => {
      const parts = report.parts.filter((p) => p.stage === stage);
      const passed = parts.filter((p) => p.passed).length;
      return { key: `passed.${stage}`, label: `${STAGE_NAMES[stage]}校际判定达标学段数`, value: passed, unit: `/ ${parts.length}`, requirement: `= ${parts.length}`, met: passed === parts.length };
    }),
  ];
  return { key: 'resources', title: '资源配置', figures, tables: [partsTable(report), disparityTable(report), classroomTable(report), missingTable(report)], attachments: [] };
}

function partsTable(report: ResourcesReport): SectionTable {
  const columns = [L.school, L.stage, L.students, ...RESOURCE_INDICATORS.flatMap((i) => [`${L.indicator[i]}（${L.unit[i]}）`, `${L.indicatorShort[i]}${L.met}`]), L.metCount, L.verdict];
  const rows = report.parts.map((p) => [
    p.schoolName,
    STAGE_NAMES[p.stage],
    p.students,
    ...p.indicators.flatMap((i) => [i.value, yesNo(i.met)]),
    p.metCount,
    p.passed ? L.passed : L.failed,
  ]);
  return { key: 'parts', title: `各校各学段指标值与校际判定（${L.verdictRule}）`, columns, rows };
}

function disparityTable(report: ResourcesReport): SectionTable {
  const columns = [L.stage, '指标', '学段数', '加权均值', L.cv, L.limit, L.met, L.pullingUp];
  const rows = report.disparities.map((d) => [
    STAGE_NAMES[d.stage],
    L.indicator[d.indicator],
    d.parts,
    d.parts === 0 ? null : d.mean,
    d.cv,
    d.limit,
    yesNo(d.met),
    d.pullingUp.map((c) => `${c.schoolName}（${c.above ? L.above : L.below}，占方差 ${(c.share * 100).toFixed(1)}%）`).join('；'),
  ]);
  return { key: 'disparity', title: `${L.cvTitle}（${L.pullingUpHint}）`, columns, rows };
}

function classroomTable(report: ResourcesReport): SectionTable {
  const columns = [L.school, L.declared, L.registered, L.declaredMore, L.unused];
  const rows = report.classrooms.map((c) => [c.schoolName, c.declared, c.registered, yesNo(c.declaredMoreThanRegistered), c.unused.join('、')]);
  return { key: 'classrooms', title: L.crossCheckTitle, columns, rows };
}

function missingTable(report: ResourcesReport): SectionTable {
  return { key: 'missing', title: '尚未填报的学段', columns: [L.school, L.stage], rows: report.missing.map((m) => [m.schoolName, STAGE_NAMES[m.stage]]) };
}
