/**
 * The answers of the analysis and the regional release (GET /reports/analysis, /reports/release,
 * /reports/release/cells, /reports/summary), typed from the server's schemas
 * (src/modules/reports/analysis/schemas.ts, release/schemas.ts) with type-only imports.
 */
import type { Static } from 'typebox';
import type { AnalysisResponse } from '../../../../src/modules/reports/analysis/schemas.js';
import type { ReleaseCells as ReleaseCellsSchema, ReleaseOverview as ReleaseOverviewSchema, SummaryResponse } from '../../../../src/modules/reports/release/schemas.js';
import { msg, type MessageId } from '../../i18n/index.js';
import { allOf } from '../../platform.js';

/** The exact layer: the reports you may see (your own and those shared with you), under any filter. */
export type Analysis = Static<typeof AnalysisResponse>;
/** The figures of a cell; a cell of the release leaves out a figure it does not hold. */
export type Figures = Partial<Analysis['totals']>;
/** A cell of the exact layer: the figures of the reports you may see. */
export type Cell = Figures;

export type Interval = Analysis['interval'];
export type Split = Analysis['split'];
export const INTERVALS = allOf<Interval>({ month: true, quarter: true, year: true });
export const SPLITS = allOf<Split>({ incidentType: true, route: true, citizenship: true, mode: true, destination: true, member: true, country: true, seaArea: true });

/** The regional release's tables and thresholds, and the latest release (null before the first). */
export type ReleaseOverview = Static<typeof ReleaseOverviewSchema>;
export type ReleaseInfo = NonNullable<ReleaseOverview['release']>;
/** A table of the release: perturbed figures of the cells that passed the thresholds. */
export type ReleaseCells = Static<typeof ReleaseCellsSchema>;
/** The regional summary of a closed period, read from the release's published cells. */
export type Summary = Static<typeof SummaryResponse>;

type FigureLabels = readonly (readonly [keyof Figures, MessageId])[];

export const KEY_FIGURES: FigureLabels = [
  ['reports', msg('dashboard.figure.reports')], ['people', msg('dashboard.figure.people')], ['intercepted', msg('reports.count.intercepted')],
  ['rescued', msg('reports.count.rescued')], ['dead', msg('reports.count.dead')], ['missing', msg('reports.count.missing')],
  ['returned', msg('reports.count.returned')], ['claimedAsylum', msg('reports.count.claimedAsylum')], ['arrests', msg('reports.count.arrests')],
  ['convictions', msg('reports.count.convictions')],
];

export const SEX_AGE: FigureLabels = [
  ['adultMen', msg('reports.count.adultMen')], ['adultWomen', msg('reports.count.adultWomen')], ['boys', msg('reports.count.boys')],
  ['girls', msg('reports.count.girls')], ['unknownSexOrAge', msg('dashboard.figure.unknownSexOrAge')],
];

export const OUTCOMES: FigureLabels = [
  ['intercepted', msg('reports.count.intercepted')], ['rescued', msg('reports.count.rescued')], ['returned', msg('reports.count.returned')],
  ['claimedAsylum', msg('reports.count.claimedAsylum')], ['dead', msg('reports.count.dead')], ['missing', msg('reports.count.missing')],
];

/** A number of a cell (0 when the cell does not hold it). */
export function figureOf(cell: Figures | null | undefined, field: keyof Figures): number {
  return cell?.[field] ?? 0;
}
