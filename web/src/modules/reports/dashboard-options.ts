import type { MessageId, Translate } from '../../i18n/index.js';
import type { Analysis, Figures, ReleaseCells } from './reports-dashboard-data.js';
import { OUTCOMES, SEX_AGE } from './reports-dashboard-data.js';
import type { echarts } from '../../components/charts/echarts.js';
import { COUNTRY_POINTS, WORLD } from '../../components/charts/echarts.js';
import { fitView, type MapView } from '../../components/charts/map-view.js';
import { continuousPeriods, periodLabel } from '../../components/charts/periods.js';
import { feeCurrencies, labeller, seriesPeriods } from './dashboard-tables.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

/** Numbers in tooltips, in the page's locale (`t.number`); a missing one as a dash. */
const formatterOf = (t: Translate) => (raw: unknown): string => (typeof raw === 'number' ? t.number(raw) : '—');
// Counts are whole numbers: no 0.2 … 1 ticks.
const countAxis = (t: Translate, name: string) => ({ type: 'value', name, minInterval: 1, axisLabel: { formatter: (raw: number) => t.number(raw) } });

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
export function dashboardOptions(analysis: Analysis, t: Translate): DashboardOptions {
  const label = labeller(analysis.labels, t);
  const formatter = formatterOf(t);
  const periods = seriesPeriods(analysis);
  const cells = new Map(analysis.series.cells.map((cell) => [`${cell.period}|${cell.key}`, cell.reports]));
  const series: Option = {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'category', data: periods.map((period) => periodLabel(t, period)) },
    yAxis: countAxis(t, t('dashboard.chart.reports')),
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
      data: placed.map((f) => ({ name: t('dashboard.chart.flow', { name: label(f.from), title: label(f.to), count: f.reports }), coords: [COUNTRY_POINTS.get(f.from), COUNTRY_POINTS.get(f.to)], value: f.reports })),
    }],
  };
  const most = Math.max(1, ...analysis.map.cells.map((c) => c.reports));
  const pointsFit = fitView(analysis.map.cells.map((c) => [c.longitude, c.latitude] as const));
  const points: Option = {
    tooltip: { trigger: 'item', formatter: (p: unknown) => { const d = (p as { data: { value: number[] } }).data.value; return t('dashboard.chart.point', { count: d[2] ?? 0, n: d[3] ?? 0 }); } },
    geo: geoOf(pointsFit),
    series: [{
      type: 'scatter',
      coordinateSystem: 'geo',
      symbolSize: (v: number[]) => 8 + 30 * Math.sqrt((v[2] ?? 0) / most),
      data: analysis.map.cells.map((c) => ({ value: [c.longitude, c.latitude, c.reports, c.people] })),
    }],
  };
  const bars = (fields: readonly (readonly [keyof Figures, MessageId])[], name: string): Option => ({
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    grid: { left: 56, right: 16, top: 32, bottom: 32 },
    xAxis: { type: 'category', data: fields.map(([, field]) => t(field)) },
    yAxis: countAxis(t, name),
    series: [{ type: 'bar', name: t('dashboard.table.allReports'), data: fields.map(([field]) => analysis.totals[field] ?? 0) }],
  });
  const fees = feeCurrencies(analysis).map((currency) => ({ currency, option: feeOption(analysis, currency, t) }));
  const people = t('dashboard.chart.people');
  return { series, sankey, flowMap, flowFit, points, pointsFit, fees, people: bars(SEX_AGE, people), outcomes: bars(OUTCOMES, people) };
}

/** Fees per person in one currency: the range from lowest to highest as a floating bar, the median as a marker. */
function feeOption(analysis: Analysis, currency: string, t: Translate): Option {
  const label = labeller(analysis.labels, t);
  const rows = analysis.fees.filter((fee) => fee.currency === currency);
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (p: unknown) => {
        const f = rows[(p as { dataIndex: number }[])[0]?.dataIndex ?? 0];
        return f ? t('dashboard.chart.feeTooltip', { name: label(f.route), date: f.year, n: f.median, key: currency, source: f.min, information: f.max, count: f.reports }) : '';
      },
    },
    grid: { left: 8, right: 24, top: 16, bottom: 40, containLabel: true },
    yAxis: { type: 'category', data: rows.map((f) => t('dashboard.chart.feeRow', { name: label(f.route), date: f.year })) },
    xAxis: { type: 'value', name: t('dashboard.chart.perPerson', { key: currency }), nameLocation: 'middle', nameGap: 28, min: 0, axisLabel: { formatter: (raw: number) => t.number(raw) } },
    series: [
      { type: 'bar', stack: 'fee', itemStyle: { color: 'transparent' }, data: rows.map((f) => f.min), tooltip: { show: false } },
      { type: 'bar', stack: 'fee', name: t('dashboard.chart.range'), barMaxWidth: 14, data: rows.map((f) => f.max - f.min) },
      { type: 'scatter', name: t('dashboard.chart.median'), symbol: 'diamond', symbolSize: 12, data: rows.map((f) => f.median) },
    ],
  };
}

/**
 * A release table as stacked bars: reports per period, one series per value of its dimensions. The
 * time axis is continuous, but a cell the release left out is a gap, never a 0: it may hold reports
 * that did not pass the thresholds.
 */
export function releaseOption(data: ReleaseCells, t: Translate): Option {
  const label = labeller(data.labels, t);
  const formatter = formatterOf(t);
  const name = (keys: string[]): string => keys.map(label).join(' · ') || t('dashboard.table.allReports');
  const periods = continuousPeriods(data.cells.map((cell) => cell.period).sort());
  const keys = [...new Set(data.cells.map((cell) => cell.keys.join('|')))].sort();
  const cells = new Map(data.cells.map((cell) => [`${cell.period}|${cell.keys.join('|')}`, cell.reports]));
  return {
    tooltip: { trigger: 'axis', valueFormatter: formatter },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'category', data: periods.map((period) => periodLabel(t, period)) },
    yAxis: countAxis(t, t('dashboard.chart.reports')),
    series: keys.map((key) => ({ type: 'bar', stack: 'reports', name: name(key.split('|')), data: periods.map((period) => cells.get(`${period}|${key}`) ?? null) })),
  };
}
