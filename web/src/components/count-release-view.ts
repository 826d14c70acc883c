import type { Translate } from '../i18n/index.js';
import { continuousPeriods, periodLabel } from './charts/periods.js';
import type { echarts } from './charts/echarts.js';
import type { TableData } from './charts/table-data.js';

type Option = Parameters<ReturnType<typeof echarts.init>['setOption']>[0];

/** A module's count release as its API answers (platform/release/schemas.ts: `countReleaseSchemas`). */
export interface CountReleaseAnswer {
  release: { id: string; computedAt: string; cutoff: string; reason: string } | null;
  tables: { name: string; label: string; dimensions: string[] }[];
  intervals: string[];
  table: string;
  interval: string;
  k: number;
  cells: { period: string; keys: string[]; count: number }[];
}

/** The cells as a bar chart over continuous periods (a period with no cell has no bar, not a 0) and as its table. */
export function countReleaseView(answer: CountReleaseAnswer, dimensions: readonly string[], keyLabel: (value: string) => string, unit: string, t: Translate): { option: Option; table: TableData } {
  const name = (keys: readonly string[]) => keys.map(keyLabel).join(' · ') || unit;
  const periods = continuousPeriods(answer.cells.map((cell) => cell.period).sort());
  const series = [...new Set(answer.cells.map((cell) => cell.keys.join('|')))].sort();
  const counts = new Map(answer.cells.map((cell) => [`${cell.period}|${cell.keys.join('|')}`, cell.count]));
  const option: Option = {
    tooltip: { trigger: 'axis', valueFormatter: (raw: unknown) => (typeof raw === 'number' ? t.number(raw) : '—') },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 56, right: 16, top: 32, bottom: 56 },
    xAxis: { type: 'category', data: periods.map((period) => periodLabel(t, period)) },
    yAxis: { type: 'value', name: unit, minInterval: 1, axisLabel: { formatter: (raw: number) => t.number(raw) } },
    series: series.map((key) => ({ type: 'bar', stack: 'counts', name: name(key ? key.split('|') : []), data: periods.map((period) => counts.get(`${period}|${key}`) ?? null) })),
  };
  const table: TableData = {
    columns: [t('countRelease.column.period'), ...dimensions, unit],
    rows: answer.cells.map((cell) => [periodLabel(t, cell.period), ...cell.keys.map(keyLabel), cell.count]),
  };
  return { option, table };
}
