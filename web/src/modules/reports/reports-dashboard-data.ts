/**
 * The answers of the analysis and the regional release (GET /reports/analysis, /reports/release,
 * /reports/release/cells, /reports/summary), typed from the server's schemas
 * (src/modules/reports/analysis/schemas.ts, release/schemas.ts) with type-only imports.
 */
import type { Static } from 'typebox';
import type { AnalysisResponse } from '../../../../src/modules/reports/analysis/schemas.js';
import type { ReleaseCells as ReleaseCellsSchema, ReleaseOverview as ReleaseOverviewSchema, SummaryResponse } from '../../../../src/modules/reports/release/schemas.js';
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

export const KEY_FIGURES: readonly [keyof Figures, string][] = [
  ['reports', 'Incident reports'], ['people', 'People moved'], ['intercepted', 'Intercepted'], ['rescued', 'Rescued'], ['dead', 'Dead'],
  ['missing', 'Missing'], ['returned', 'Returned'], ['claimedAsylum', 'Claimed asylum'], ['arrests', 'Arrests'], ['convictions', 'Convictions'],
];

export const SEX_AGE: readonly [keyof Figures, string][] = [
  ['adultMen', 'Men'], ['adultWomen', 'Women'], ['boys', 'Boys'], ['girls', 'Girls'], ['unknownSexOrAge', 'Unknown sex or age'],
];

export const OUTCOMES: readonly [keyof Figures, string][] = [
  ['intercepted', 'Intercepted'], ['rescued', 'Rescued'], ['returned', 'Returned'], ['claimedAsylum', 'Claimed asylum'], ['dead', 'Dead'], ['missing', 'Missing'],
];

/** A number of a cell as text. */
export function shown(cell: Figures | null | undefined, field: keyof Figures): string {
  return (cell?.[field] ?? 0).toLocaleString('en');
}

/** A release's date and coverage, in words. */
export function releaseLine(release: ReleaseInfo): string {
  return `Computed ${release.computedAt.slice(0, 16).replace('T', ' ')} UTC, covering the periods that ended before ${release.cutoff}.`;
}
