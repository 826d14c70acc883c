import type { Analysis, Figures, ReleaseCells } from './reports-dashboard-data.js';
import { OUTCOMES, SEX_AGE } from './reports-dashboard-data.js';
import type { echarts } from '../../components/charts/echarts.js';
import { COUNTRY_POINTS, WORLD } from '../../components/charts/echarts.js';
import { fitView, type MapView } from '../../components/charts/map-view.js';
import { continuousPeriods } from '../../components/charts/periods.js';
import { feeCurrencies, labeller, seriesPeriods } from './dashboard-tables.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

const formatter = (raw: unknown): string => (typeof raw === 'number' ? raw.toLocaleString('en') : '—');
// Counts are whole numbers: no 0.2 … 1 ticks.
const countAxis = (name: string) => ({ type: 'value', name, minInterval: 1, axisLabel: { formatter: (raw: number) => raw.toLocaleString('en') } });

/** A map's geo component opened on a view that fits its data; it pans and zooms (roam). */
const geoOf = (view: MapView) => ({ map: WORLD, roam: true, center: view.center, zoom: view.zoom, scaleLimit: { min: 1, max: 40 }, itemStyle: { areaColor: '#eef1f4', borderColor: '#9aa5b1' }, emphasis: { disabled: true } });

export interface DashboardOptions {
  series: Option;
  sankey: Option;
  flowMap: Option;
  flowFit: MapView;
  points: Option;
  pointsFit: MapView;
  /** One chart per currency. */
  fees: { currency: string; option: Option }[];
  people: Option;
  outcomes: Option;
}

/** The ECharts options of every dashboard chart, from one analysis answer. */
export function dashboardOptions(analysis: Analysis): DashboardOptions {
  const label = labeller(analysis.labels);
  const periods = seriesPeriods(analysis);
  const cells = new Map(analysis.series.cells.map((cell) => [`${cell.period}|${cell.key}`, cell.reports]));
  const series: Option = {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'category', data: periods },
    yAxis: countAxis('Reports'),
    // A period between the first and the last with no report you may see is a real 0 in the exact layer.
    series: analysis.series.keys.map((key) => ({ type: 'bar', stack: 'reports', name: label(key), data: periods.map((period) => cells.get(`${period}|${key}`) ?? 0) })),
  };
  const flows = analysis.flows.top;
  // Origins and destinations are separate nodes, so a route and its return do not make a cycle.
  const nodes = [...new Set(flows.flatMap((f) => [`${f.from} ›`, `› ${f.to}`]))];
  const sankey: Option = {
    tooltip: { trigger: 'item', valueFormatter: formatter },
    series: [{
      type: 'sankey',
      data: nodes.map((name) => ({ name, label: { formatter: label(name.replace(/[› ]/g, '')) } })),
      links: flows.map((f) => ({ source: `${f.from} ›`, target: `› ${f.to}`, value: f.reports })),
      emphasis: { focus: 'adjacency' },
    }],
  };
  const placed = flows.filter((f) => COUNTRY_POINTS.has(f.from) && COUNTRY_POINTS.has(f.to));
  const flowFit = fitView(placed.flatMap((f) => [COUNTRY_POINTS.get(f.from), COUNTRY_POINTS.get(f.to)]).filter((point) => point !== undefined));
  const flowMap: Option = {
    tooltip: { trigger: 'item' },
    geo: geoOf(flowFit),
    series: [{
      type: 'lines',
      coordinateSystem: 'geo',
      lineStyle: { width: 2, curveness: 0.2, opacity: 0.7 },
      data: placed.map((f) => ({ name: `${label(f.from)} → ${label(f.to)}: ${f.reports.toLocaleString('en')} reports`, coords: [COUNTRY_POINTS.get(f.from), COUNTRY_POINTS.get(f.to)], value: f.reports })),
    }],
  };
  const most = Math.max(1, ...analysis.map.cells.map((c) => c.reports));
  const pointsFit = fitView(analysis.map.cells.map((c) => [c.longitude, c.latitude] as const));
  const points: Option = {
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const d = (p as { data: { value: number[] } }).data.value; return `${(d[2] ?? 0).toLocaleString('en')} reports, ${(d[3] ?? 0).toLocaleString('en')} people`; } },
    geo: geoOf(pointsFit),
    series: [{
      type: 'scatter',
      coordinateSystem: 'geo',
      symbolSize: (v: number[]) => 8 + 30 * Math.sqrt((v[2] ?? 0) / most),
      data: analysis.map.cells.map((c) => ({ value: [c.longitude, c.latitude, c.reports, c.people] })),
    }],
  };
  const bars = (fields: readonly [keyof Figures, string][], name: string): Option => ({
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    grid: { left: 56, right: 16, top: 32, bottom: 32 },
    xAxis: { type: 'category', data: fields.map(([, field]) => field) },
    yAxis: countAxis(name),
    series: [{ type: 'bar', name: 'All reports', data: fields.map(([field]) => analysis.totals[field] ?? 0) }],
  });
  const fees = feeCurrencies(analysis).map((currency) => ({ currency, option: feeOption(analysis, currency) }));
  return { series, sankey, flowMap, flowFit, points, pointsFit, fees, people: bars(SEX_AGE, 'People'), outcomes: bars(OUTCOMES, 'People') };
}

/** Fees per person in one currency: the range from lowest to highest as a floating bar, the median as a marker. */
function feeOption(analysis: Analysis, currency: string): Option {
  const label = labeller(analysis.labels);
  const rows = analysis.fees.filter((fee) => fee.currency === currency);
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (p: unknown) => {
        const f = rows[(p as { dataIndex: number }[])[0]?.dataIndex ?? 0];
        return f ? `${label(f.route)}, ${f.year}: median ${f.median.toLocaleString('en')} ${currency}, range ${f.min.toLocaleString('en')}–${f.max.toLocaleString('en')} ${currency}, ${f.reports.toLocaleString('en')} reports` : '';
      },
    },
    grid: { left: 8, right: 24, top: 16, bottom: 40, containLabel: true },
    yAxis: { type: 'category', data: rows.map((f) => `${label(f.route)} ${f.year}`) },
    xAxis: { type: 'value', name: `${currency} per person`, nameLocation: 'middle', nameGap: 28, min: 0, axisLabel: { formatter: (raw: number) => raw.toLocaleString('en') } },
    series: [
      { type: 'bar', stack: 'fee', itemStyle: { color: 'transparent' }, data: rows.map((f) => f.min), tooltip: { show: false } },
      { type: 'bar', stack: 'fee', name: 'Range', barMaxWidth: 14, data: rows.map((f) => f.max - f.min) },
      { type: 'scatter', name: 'Median', symbol: 'diamond', symbolSize: 12, data: rows.map((f) => f.median) },
    ],
  };
}

/**
 * A release table as stacked bars: reports per period, one series per value of its dimensions. The
 * time axis is continuous, but a cell the release left out is a gap, never a 0: it may hold reports
 * that did not pass the thresholds.
 */
export function releaseOption(data: ReleaseCells): Option {
  const label = labeller(data.labels);
  const name = (keys: string[]): string => keys.map(label).join(' · ') || 'All reports';
  const periods = continuousPeriods(data.cells.map((cell) => cell.period).sort());
  const keys = [...new Set(data.cells.map((cell) => cell.keys.join('|')))].sort();
  const cells = new Map(data.cells.map((cell) => [`${cell.period}|${cell.keys.join('|')}`, cell.reports]));
  return {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'category', data: periods },
    yAxis: countAxis('Reports'),
    series: keys.map((key) => ({ type: 'bar', stack: 'reports', name: name(key.split('|')), data: periods.map((period) => cells.get(`${period}|${key}`) ?? null) })),
  };
}
