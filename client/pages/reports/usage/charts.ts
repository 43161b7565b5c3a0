import type { EChartsCoreOption } from 'echarts/core';

/*
 * ECharts options for the dashboard, as plain data (no ECharts import here: the library itself is loaded
 * by Chart.svelte when a chart is on screen). Colours follow the app's tokens.
 */
const PRIMARY = '#0e6b6b';
const MUTED = '#8a979f';
const LIVE = '#b4430f';
const DANGER = '#b42318';
const WARNING = '#d99a00';
const SUCCESS = '#1b7a3a';
const EMPTY = '#eef1f2';

export interface TrendSeries {
  periods: string[];
  delivered: number[];
  scheduled: number[];
  hours: number[];
}

/** Lessons delivered vs scheduled per period (left axis) and hours received (right axis). */
export function trendOption(data: TrendSeries, names: { delivered: string; scheduled: string; hours: string; lessons: string }): EChartsCoreOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: data.periods, axisLabel: { hideOverlap: true } },
    yAxis: [
      { type: 'value', name: names.lessons, minInterval: 1 },
      { type: 'value', name: names.hours, splitLine: { show: false } },
    ],
    series: [
      { name: names.scheduled, type: 'line', data: data.scheduled, itemStyle: { color: MUTED }, lineStyle: { type: 'dashed' } },
      { name: names.delivered, type: 'line', data: data.delivered, itemStyle: { color: PRIMARY }, areaStyle: { opacity: 0.08 } },
      { name: names.hours, type: 'bar', yAxisIndex: 1, data: data.hours, itemStyle: { color: '#9cc9c6' }, barMaxWidth: 18 },
    ],
  };
}

export interface UnitBar {
  name: string;
  value: number;
  below: boolean;
}

/** One bar per teaching point (receiving school or classroom); those below target in the danger colour. */
export function unitBarOption(bars: readonly UnitBar[], names: { value: string; below: string; target: number | null; targetName: string }): EChartsCoreOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 12, right: 72, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: names.value },
    yAxis: { type: 'category', data: bars.map((b) => b.name), inverse: true, axisLabel: { width: 140, overflow: 'truncate' } },
    series: [
      {
        name: names.value,
        type: 'bar',
        data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.below ? DANGER : PRIMARY } })),
        barMaxWidth: 22,
        label: { show: true, position: 'right', formatter: (p: { dataIndex: number; value: number }) => `${p.value}${bars[p.dataIndex]?.below ? ` · ${names.below}` : ''}` },
        ...(names.target === null ? {} : { markLine: { symbol: 'none', data: [{ xAxis: names.target, name: names.targetName }], lineStyle: { color: LIVE, type: 'dashed' }, label: { formatter: names.targetName } } }),
      },
    ],
  };
}

export interface CoverageCell {
  school: number;
  subject: number;
  delivered: number;
  scheduled: number;
}

/**
 * Teaching points × shortage subjects. Colour: nothing planned or given (grey), planned but none delivered
 * (red), part delivered (amber), all delivered (green). The cell shows "delivered/scheduled".
 */
export function coverageOption(schools: readonly string[], subjects: readonly string[], cells: readonly CoverageCell[], names: { none: string; missing: string; partial: string; complete: string }): EChartsCoreOption {
  const level = (c: CoverageCell): number => (c.scheduled === 0 && c.delivered === 0 ? 0 : c.delivered === 0 ? 1 : c.delivered < c.scheduled ? 2 : 3);
  return {
    animation: false,
    tooltip: { formatter: (p: { data: [number, number, number, string] }) => `${schools[p.data[1]] ?? ''} · ${subjects[p.data[0]] ?? ''}: ${p.data[3]}` },
    grid: { left: 12, right: 12, top: 8, bottom: 56, containLabel: true },
    // Every subject and every school is named: interval 0 stops ECharts from dropping labels it finds crowded
    // (at 1366 px it hid every other subject), and long names wrap instead of ending in "…".
    xAxis: { type: 'category', data: subjects, splitArea: { show: true }, axisLabel: { interval: 0, width: 64, overflow: 'break', lineHeight: 14 } },
    yAxis: { type: 'category', data: schools, inverse: true, splitArea: { show: true }, axisLabel: { interval: 0, width: 150, overflow: 'break' } },
    visualMap: {
      type: 'piecewise',
      dimension: 2,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      pieces: [
        { value: 0, label: names.none, color: EMPTY },
        { value: 1, label: names.missing, color: DANGER },
        { value: 2, label: names.partial, color: WARNING },
        { value: 3, label: names.complete, color: SUCCESS },
      ],
    },
    series: [
      {
        type: 'heatmap',
        data: cells.map((c) => [c.subject, c.school, level(c), c.scheduled > 0 ? `${c.delivered}/${c.scheduled}` : String(c.delivered)]),
        label: { show: true, formatter: (p: { data: [number, number, number, string] }) => p.data[3] },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
      },
    ],
  };
}
