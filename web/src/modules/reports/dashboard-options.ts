import type { Analysis, Cell, Figures, ReleaseCells } from './reports-dashboard-data.js';
import { OUTCOMES, SEX_AGE } from './reports-dashboard-data.js';
import type { echarts } from '../../components/charts/echarts.js';
import { COUNTRY_POINTS, WORLD } from '../../components/charts/echarts.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

const value = (cell: Cell | undefined, field: keyof Figures): number => cell?.[field] ?? 0;
const formatter = (raw: unknown): string => (typeof raw === 'number' ? raw.toLocaleString('en') : '');

/** The ECharts options of every dashboard chart, from one analysis answer. */
export function dashboardOptions(analysis: Analysis): Record<'series' | 'sankey' | 'flowMap' | 'points' | 'fees' | 'people' | 'outcomes', Option> {
  const label = (code: string): string => analysis.labels[code] ?? code;
  const series: Option = {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: analysis.series.periods },
    yAxis: { type: 'value', name: 'reports' },
    series: analysis.series.keys.map((key) => ({
      type: 'bar',
      stack: 'reports',
      name: label(key),
      data: analysis.series.periods.map((period) => value(analysis.series.cells.find((c) => c.period === period && c.key === key), 'reports')),
    })),
  };
  const flows = analysis.flows.top;
  // Origins and destinations are separate nodes, so a route and its return do not make a cycle.
  const nodes = [...new Set(flows.flatMap((f) => [`${f.from} ›`, `› ${f.to}`]))];
  const sankey: Option = {
    tooltip: { trigger: 'item', valueFormatter: formatter },
    series: [{
      type: 'sankey',
      data: nodes.map((name) => ({ name, label: { formatter: label(name.replace(/[› ]/g, '')) } })),
      links: flows.map((f) => ({ source: `${f.from} ›`, target: `› ${f.to}`, value: f.reports ?? 0 })),
      emphasis: { focus: 'adjacency' },
    }],
  };
  // Opens on the region of the process (South and South-East Asia, the Pacific); roam to see the rest.
  const geo = { map: WORLD, roam: true, center: [110, 8], zoom: 2.2, itemStyle: { areaColor: '#eef1f4', borderColor: '#9aa5b1' }, emphasis: { disabled: true } };
  const flowMap: Option = {
    tooltip: { trigger: 'item' },
    geo,
    series: [{
      type: 'lines',
      coordinateSystem: 'geo',
      lineStyle: { width: 2, curveness: 0.2, opacity: 0.7 },
      data: flows
        .filter((f) => COUNTRY_POINTS.has(f.from) && COUNTRY_POINTS.has(f.to))
        .map((f) => ({ name: `${label(f.from)} → ${label(f.to)}: ${f.reports ?? 0} reports`, coords: [COUNTRY_POINTS.get(f.from), COUNTRY_POINTS.get(f.to)], value: f.reports ?? 0 })),
    }],
  };
  const most = Math.max(1, ...analysis.map.cells.map((c) => c.reports ?? 0));
  const points: Option = {
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const d = (p as { data: { value: number[] } }).data.value; return `${d[2] ?? 0} reports, ${d[3] ?? 0} people`; } },
    geo,
    series: [{
      type: 'scatter',
      coordinateSystem: 'geo',
      symbolSize: (v: number[]) => 8 + 30 * Math.sqrt((v[2] ?? 0) / most),
      data: analysis.map.cells.map((c) => ({ value: [c.longitude, c.latitude, c.reports ?? 0, c.people ?? 0] })),
    }],
  };
  const feeRows = analysis.fees;
  const feeLabels = feeRows.map((f) => `${f.route} ${f.year} ${f.currency}`);
  const fees: Option = {
    tooltip: {
      trigger: 'axis',
      formatter: (p: unknown) => {
        const index = (p as { dataIndex: number }[])[0]?.dataIndex ?? 0;
        const f = feeRows[index];
        return f ? `${f.route} ${f.year}: median ${f.median} ${f.currency}, range ${f.min}–${f.max}, ${f.reports} reports` : '';
      },
    },
    grid: { left: 140, right: 16, top: 16, bottom: 32 },
    yAxis: { type: 'category', data: feeLabels },
    xAxis: { type: 'log', name: 'per person (each in its currency)', nameLocation: 'middle', nameGap: 24 },
    // The range as a floating bar from min to max, the median as a marker (visible when min = max).
    series: [
      { type: 'bar', stack: 'fee', itemStyle: { color: 'transparent' }, data: feeRows.map((f) => Math.max(f.min ?? 1, 1)) },
      { type: 'bar', stack: 'fee', name: 'range', barMaxWidth: 14, data: feeRows.map((f) => Math.max((f.max ?? 1) - Math.max(f.min ?? 1, 1), 0)) },
      { type: 'scatter', name: 'median', symbol: 'diamond', symbolSize: 12, data: feeRows.map((f) => f.median ?? null) },
    ],
  };
  const bars = (fields: readonly [keyof Figures, string][]): Option => ({
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'category', data: fields.map(([, name]) => name) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'All', data: fields.map(([field]) => value(analysis.totals, field)) }],
  });
  return { series, sankey, flowMap, points, fees, people: bars(SEX_AGE), outcomes: bars(OUTCOMES) };
}

/** A release table as stacked bars: reports per period, one series per value of its dimensions. */
export function releaseOption(data: ReleaseCells): Option {
  const label = (keys: string[]): string => keys.map((key) => key.split('>').map((code) => data.labels[code] ?? code).join(' → ')).join(' · ') || 'All reports';
  const periods = [...new Set(data.cells.map((cell) => cell.period))].sort();
  const keys = [...new Set(data.cells.map((cell) => cell.keys.join('|')))].sort();
  return {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', name: 'reports', minInterval: 1 },
    series: keys.map((key) => ({
      type: 'bar',
      stack: 'reports',
      name: label(key.split('|')),
      data: periods.map((period) => data.cells.find((cell) => cell.period === period && cell.keys.join('|') === key)?.reports ?? null),
    })),
  };
}
