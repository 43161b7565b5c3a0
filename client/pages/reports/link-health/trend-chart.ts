import type { EChartsCoreOption } from 'echarts/core';
import type { LinkHealthRow } from '../../../../shared/api/link-health.js';
import { BAD_PCT } from './link-health.svelte.js';

/** The chart's texts, already in the reader's language. */
export interface TrendLabels {
  poorPct: string;
  medianRtt: string;
  badLine: string;
}

/**
 * One receiving classroom's weekly trend: the share of lesson time with a poor link (bars, left axis, with
 * the "bad" line the table colours by) and the median round trip (line, right axis).
 */
export function trendOption(row: LinkHealthRow, labels: TrendLabels): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.poorPct, labels.medianRtt], bottom: 0 },
    grid: { left: 48, right: 56, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: row.trend.map((p) => p.week) },
    yAxis: [
      { type: 'value', name: '%', min: 0, max: 100 },
      { type: 'value', name: 'ms', min: 0, splitLine: { show: false } },
    ],
    series: [
      {
        name: labels.poorPct,
        type: 'bar',
        data: row.trend.map((p) => p.figures.poorPct),
        itemStyle: { color: '#d9534f' },
        markLine: { symbol: 'none', label: { formatter: labels.badLine, position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#999' }, data: [{ yAxis: BAD_PCT }] },
      },
      { name: labels.medianRtt, type: 'line', yAxisIndex: 1, data: row.trend.map((p) => p.figures.medianRttMs), itemStyle: { color: '#3b6fb6' } },
    ],
  };
}
