/**
 * The dashboard's tables in words: each chart's numbers as the page shows them under the chart and
 * as its CSV holds them (headers in words, codes as names, every period of the time axis).
 */
import { continuousPeriods } from '../../components/charts/periods.js';
import type { TableData, TableValue } from '../../components/charts/table-data.js';
import { KEY_FIGURES, type Analysis, type Figures, type ReleaseCells } from './reports-dashboard-data.js';

export const SPLIT_LABELS: Record<Analysis['split'], string> = {
  incidentType: 'Incident type', route: 'Route', citizenship: 'Citizenship', mode: 'Transport mode', destination: 'Destination', member: 'Reporting member',
  country: 'Country', seaArea: 'Sea area',
};

export const DIMENSION_LABELS: Record<string, string> = {
  incidentType: 'Incident type', country: 'Country', route: 'Route leg', citizenship: 'Citizenship', mode: 'Transport mode',
  destination: 'Destination', currency: 'Currency',
};

/** A code in words: its name from the answer's labels, a route's legs joined by arrows, "Unknown" for none. */
export function labeller(labels: Record<string, string>): (code: string) => string {
  const one = (code: string): string => labels[code] ?? (code === 'unknown' || code === '' ? 'Unknown' : code);
  return (code) => (code.includes('>') ? code.split('>').map(one).join(' → ') : one(code));
}

/** The exact layer's time axis: every period from the first to the last. */
export function seriesPeriods(analysis: Analysis): string[] {
  return continuousPeriods(analysis.series.periods);
}

/** Reports per period and split value; a period with no report you may see is 0 (the exact layer hides nothing). */
export function seriesTable(analysis: Analysis): TableData {
  const label = labeller(analysis.labels);
  const periods = seriesPeriods(analysis);
  const cells = new Map(analysis.series.cells.map((cell) => [`${cell.period}|${cell.key}`, cell.reports]));
  return {
    columns: [SPLIT_LABELS[analysis.split], ...periods, 'All periods'],
    rows: analysis.series.byKey.map((row) => [label(row.key), ...periods.map((period) => cells.get(`${period}|${row.key}`) ?? 0), row.reports]),
  };
}

export function flowTable(analysis: Analysis): TableData {
  const label = labeller(analysis.labels);
  return { columns: ['From', 'To', 'Reports', 'People moved'], rows: analysis.flows.top.map((flow) => [label(flow.from), label(flow.to), flow.reports, flow.people]) };
}

export function locationTable(analysis: Analysis): TableData {
  return {
    columns: ['Latitude (cell centre)', 'Longitude (cell centre)', 'Reports', 'People moved'],
    rows: analysis.map.cells.map((cell) => [cell.latitude, cell.longitude, cell.reports, cell.people]),
  };
}

/** The currencies fees were reported in, each its own chart and table (amounts in different currencies are never on one axis). */
export function feeCurrencies(analysis: Analysis): string[] {
  return [...new Set(analysis.fees.map((fee) => fee.currency))].sort();
}

export function feeTable(analysis: Analysis, currency: string): TableData {
  const label = labeller(analysis.labels);
  return {
    columns: ['Route', 'Year', 'Reports', `Median per person (${currency})`, `Lowest (${currency})`, `Highest (${currency})`],
    rows: analysis.fees.filter((fee) => fee.currency === currency).map((fee) => [label(fee.route), fee.year, fee.reports, fee.median, fee.min, fee.max]),
  };
}

/** Some figures (people by sex and age, outcomes) for all reports and per split value. */
export function figureTable(analysis: Analysis, fields: readonly [keyof Figures, string][]): TableData {
  const label = labeller(analysis.labels);
  const row = (name: string, cell: Figures): TableValue[] => [name, ...fields.map(([field]) => cell[field] ?? 0)];
  return {
    columns: [SPLIT_LABELS[analysis.split], ...fields.map(([, name]) => name)],
    rows: [row('All reports', analysis.totals), ...analysis.series.byKey.map((cell) => row(label(cell.key), cell))],
  };
}

/**
 * A release table: one row per period and value of its dimensions, as released. A cell the release
 * left out is not a row: it may hold no report or be withheld, and nothing says which.
 */
export function releaseTable(data: ReleaseCells, dimensions: readonly string[]): TableData {
  const label = labeller(data.labels);
  const fees = data.table === 'fees';
  const figures = fees ? [] : KEY_FIGURES.filter(([field]) => field !== 'reports');
  // The schema's figures of a release cell are optional (a cell leaves out a figure it does not hold).
  const figure = (cell: Figures, field: keyof Figures): TableValue => cell[field] ?? null;
  return {
    columns: ['Period', ...dimensions.map((dimension) => DIMENSION_LABELS[dimension] ?? dimension), 'Reports', ...(fees ? ['Mean fee per person'] : figures.map(([, name]) => name))],
    rows: data.cells.map((cell) => [
      cell.period,
      ...cell.keys.map(label),
      cell.reports,
      ...(fees ? [cell.feeMean ?? null] : figures.map(([field]) => figure(cell, field))),
    ]),
  };
}
