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
