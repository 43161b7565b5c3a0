import type { IndicatorReport, RegionTargets } from '../../../../shared/api/evidence-usage.js';
import type { I18n } from '../../../lib/i18n.svelte.js';
import type { UsageFilters } from './usage-api.js';
import { searchOf } from './usage-api.js';

/** "85.2%" from a 0…1 rate; "—" when there is nothing to measure. */
export const percent = (rate: number | null | undefined): string => (rate === null || rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

/** A number with at most `digits` decimals ("—" for null). */
export const decimal = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : String(Math.round(value * 10 ** digits) / 10 ** digits);

/** Six significant digits, for the small per-student numbers of the 差异系数 working. */
export const significant = (value: number | null | undefined, digits = 6): string => (value === null || value === undefined ? '—' : String(Number(value.toPrecision(digits))));

/** The dashboard of another unit with the same filters. */
export const usageHref = (filters: UsageFilters): string => `/reports/usage?${searchOf(filters)}`;

/** The per-lesson report (built beside this dashboard). */
export const lessonReportHref = (lessonSessionId: number): string => `/reports/lessons/${lessonSessionId}`;

export const evidenceReportHref = (regionId: number, filters: { termId?: number | undefined; from?: string | undefined; to?: string | undefined }): string => {
  const search = searchOf(filters);
  return `/reports/evidence/${regionId}${search ? `?${search}` : ''}`;
};

/** Whether the region has set any per-school target (otherwise nothing is judged and the headline says so). */
export const anyTargetSet = (targets: RegionTargets): boolean =>
  targets.lessonsPerWeek !== null || targets.subjectsPerTerm !== null || targets.attendancePct !== null || targets.requiredSubjects.length > 0;

/**
 * The routine-use headline, saying what it counts: "教学点 4/6 达标", one part per kind of school the targets
 * apply to ("教学点 4/6 达标 · 成员校 1/3 达标"). A bare "4/10" read as all schools when it counted only some.
 */
export const routineUseHeadline = (report: IndicatorReport, i18n: I18n): string =>
  anyTargetSet(report.targets)
    ? report.summary.routineUseByKind
        .map((k) => i18n.t('usage.headline.routineUseOfKind', { kind: i18n.s(`groupRole.${k.groupRole}`), met: k.routineUse, schools: k.schools }))
        .join(' · ')
    : i18n.t('usage.headline.noTargets');

/** "教学点、成员校": the kinds of school the targets are set for. */
export const targetKinds = (targets: RegionTargets, i18n: I18n): string => i18n.list(targets.appliesTo.map((kind) => i18n.s(`groupRole.${kind}`)));
