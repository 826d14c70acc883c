/**
 * The dashboard's tables in words: each chart's numbers as the page shows them under the chart and
 * as its CSV holds them (headers in words, codes as names, every period of the time axis). Names
 * of countries and members are data, marked so (`{ data }`); codes of the module's lists are words.
 */
import { continuousPeriods, periodLabel } from '../../components/charts/periods.js';
import type { TableData, TableValue } from '../../components/charts/table-data.js';
import { msg, type MessageId, type Translate } from '../../i18n/index.js';
import { CODE_LABEL } from './labels.js';
import { KEY_FIGURES, type Analysis, type Figures, type ReleaseCells } from './reports-dashboard-data.js';

export const SPLIT_LABEL: Readonly<Record<Analysis['split'], MessageId>> = {
  incidentType: msg('dashboard.split.incidentType'),
  route: msg('dashboard.split.route'),
  citizenship: msg('dashboard.split.citizenship'),
  mode: msg('dashboard.split.mode'),
  destination: msg('dashboard.split.destination'),
  member: msg('dashboard.split.member'),
  country: msg('dashboard.split.country'),
  seaArea: msg('dashboard.split.seaArea'),
};

/** The dimensions of the release's tables (the server's release/tables.ts). */
const DIMENSION_LABEL: Readonly<Record<string, MessageId>> = {
  incidentType: msg('dashboard.dimension.incidentType'),
  country: msg('dashboard.dimension.country'),
  route: msg('dashboard.dimension.route'),
  citizenship: msg('dashboard.dimension.citizenship'),
  mode: msg('dashboard.dimension.mode'),
  destination: msg('dashboard.dimension.destination'),
  currency: msg('dashboard.dimension.currency'),
};

const WORDS: Readonly<Record<string, MessageId>> = { ...CODE_LABEL.incidentTypes, ...CODE_LABEL.transportModes };

/** A code in words: a name or a route's legs joined by arrows; `cell` gives it for a table, marked as data when it is a name. */
export interface Labeller {
  (code: string): string;
  cell: (code: string) => TableValue;
}

/**
 * Codes in words: incident types and transport modes from the catalogue, "Unknown" for none, other
 * codes (countries, members, sea areas) by the answer's labels, which are data.
 */
export function labeller(labels: Readonly<Record<string, string>>, t: Translate): Labeller {
  const word = (code: string): MessageId | undefined => (code === 'unknown' || code === '' ? msg('dashboard.unknown') : WORDS[code]);
  const one = (code: string): string => {
    const id = word(code);
    return id ? t(id) : (labels[code] ?? code);
  };
  const label = ((code: string): string => (code.includes('>') ? code.split('>').map(one).join(' → ') : one(code))) as Labeller;
  label.cell = (code) => (code.split('>').every((part) => word(part) !== undefined) ? label(code) : { data: label(code) });
  return label;
}

/** The exact layer's time axis: every period from the first to the last. */
export function seriesPeriods(analysis: Analysis): string[] {
  return continuousPeriods(analysis.series.periods);
}

/** Reports per period and split value; a period with no report you may see is 0 (the exact layer hides nothing). */
export function seriesTable(analysis: Analysis, t: Translate): TableData {
  const label = labeller(analysis.labels, t);
  const periods = seriesPeriods(analysis);
  const cells = new Map(analysis.series.cells.map((cell) => [`${cell.period}|${cell.key}`, cell.reports]));
  return {
    columns: [t(SPLIT_LABEL[analysis.split]), ...periods.map((period) => periodLabel(t, period)), t('dashboard.table.allPeriods')],
    rows: analysis.series.byKey.map((row) => [label.cell(row.key), ...periods.map((period) => cells.get(`${period}|${row.key}`) ?? 0), row.reports]),
  };
}

export function flowTable(analysis: Analysis, t: Translate): TableData {
  const label = labeller(analysis.labels, t);
  return {
    columns: [t('dashboard.table.from'), t('dashboard.table.to'), t('dashboard.table.reports'), t('dashboard.table.people')],
    rows: analysis.flows.top.map((flow) => [label.cell(flow.from), label.cell(flow.to), flow.reports, flow.people]),
  };
}

export function locationTable(analysis: Analysis, t: Translate): TableData {
  return {
    columns: [t('dashboard.table.latitude'), t('dashboard.table.longitude'), t('dashboard.table.reports'), t('dashboard.table.people')],
    rows: analysis.map.cells.map((cell) => [cell.latitude, cell.longitude, cell.reports, cell.people]),
  };
}

/** The currencies fees were reported in, each its own chart and table (amounts in different currencies are never on one axis). */
export function feeCurrencies(analysis: Analysis): string[] {
  return [...new Set(analysis.fees.map((fee) => fee.currency))].sort();
}

export function feeTable(analysis: Analysis, currency: string, t: Translate): TableData {
  const label = labeller(analysis.labels, t);
  return {
    columns: [
      t('dashboard.table.route'), t('dashboard.table.year'), t('dashboard.table.reports'), t('dashboard.table.median', { key: currency }),
      t('dashboard.table.lowest', { key: currency }), t('dashboard.table.highest', { key: currency }),
    ],
    rows: analysis.fees.filter((fee) => fee.currency === currency).map((fee) => [label.cell(fee.route), fee.year, fee.reports, fee.median, fee.min, fee.max]),
  };
}

/** Some figures (people by sex and age, outcomes) for all reports and per split value. */
export function figureTable(analysis: Analysis, fields: readonly (readonly [keyof Figures, MessageId])[], t: Translate): TableData {
  const label = labeller(analysis.labels, t);
  const row = (name: TableValue, cell: Figures): TableValue[] => [name, ...fields.map(([field]) => cell[field] ?? 0)];
  return {
    columns: [t(SPLIT_LABEL[analysis.split]), ...fields.map(([, name]) => t(name))],
    rows: [row(t('dashboard.table.allReports'), analysis.totals), ...analysis.series.byKey.map((cell) => row(label.cell(cell.key), cell))],
  };
}

/**
 * A release table: one row per period and value of its dimensions, as released. A cell the release
 * left out is not a row: it may hold no report or be withheld, and nothing says which.
 */
export function releaseTable(data: ReleaseCells, dimensions: readonly string[], t: Translate): TableData {
  const label = labeller(data.labels, t);
  const fees = data.table === 'fees';
  const figures = fees ? [] : KEY_FIGURES.filter(([field]) => field !== 'reports');
  // The schema's figures of a release cell are optional (a cell leaves out a figure it does not hold).
  const figure = (cell: Figures, field: keyof Figures): TableValue => cell[field] ?? null;
  const dimension = (name: string): string => {
    const id = DIMENSION_LABEL[name];
    return id ? t(id) : name;
  };
  return {
    columns: [t('dashboard.table.period'), ...dimensions.map(dimension), t('dashboard.table.reports'), ...(fees ? [t('dashboard.table.meanFee')] : figures.map(([, name]) => t(name)))],
    rows: data.cells.map((cell) => [
      periodLabel(t, cell.period),
      ...cell.keys.map(label.cell),
      cell.reports,
      ...(fees ? [cell.feeMean ?? null] : figures.map(([field]) => figure(cell, field))),
    ]),
  };
}
