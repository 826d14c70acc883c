/** The answer of GET /reports/analysis (see src/modules/reports/analysis-schemas.ts). */

export interface Figures {
  reports?: number;
  people?: number;
  adultMen?: number;
  adultWomen?: number;
  boys?: number;
  girls?: number;
  unknownSexOrAge?: number;
  unaccompaniedChildren?: number;
  intercepted?: number;
  rescued?: number;
  dead?: number;
  missing?: number;
  returned?: number;
  claimedAsylum?: number;
  arrests?: number;
  convictions?: number;
}
/** A cell of the exact layer: the figures of the reports you may see. */
export type Cell = Figures;

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export const SPLITS = ['incidentType', 'route', 'citizenship', 'mode', 'destination', 'member'] as const;
export type Interval = (typeof INTERVALS)[number];
export type Split = (typeof SPLITS)[number];

/** The exact layer: the reports you may see (your own and those shared with you), under any filter. */
export interface Analysis {
  interval: Interval;
  split: Split;
  totals: Cell;
  series: { periods: string[]; keys: string[]; cells: (Cell & { period: string; key: string })[]; byKey: (Cell & { key: string })[] };
  flows: { top: (Cell & { from: string; to: string })[] };
  map: { zoom: number; cellSize: number; cells: (Cell & { latitude: number; longitude: number })[] };
  fees: { route: string; year: string; currency: string; reports: number; median: number; min: number; max: number }[];
  labels: Record<string, string>;
}

/** A regional release, as GET /reports/release answers (see src/modules/reports/release/schemas.ts). */
export interface ReleaseInfo {
  id: string;
  computedAt: string;
  cutoff: string;
  reason: string;
}

export interface ReleaseOverview {
  release: ReleaseInfo | null;
  tables: { name: string; label: string; dimensions: string[] }[];
  intervals: Interval[];
  k: number;
  publishedK: number;
}

/** A cell of the release: perturbed figures of a cell that passed the thresholds. */
export interface ReleaseCell extends Figures {
  period: string;
  keys: string[];
  reports: number;
  feeMean?: number;
}

export interface ReleaseCells {
  release: ReleaseInfo | null;
  table: string;
  interval: Interval;
  k: number;
  cells: ReleaseCell[];
  labels: Record<string, string>;
}

/** The regional summary of a closed period, read from the release's published cells. */
export interface Summary {
  release: ReleaseInfo | null;
  period: string | null;
  periods: string[];
  k: number;
  generatedAt: string;
  keyFigures: Required<Figures> | null;
  byIncidentType: (Required<Figures> & { key: string })[];
  breakdown: (Required<Figures> & { key: string })[];
  topRoutes: (Required<Figures> & { from: string; to: string })[];
  labels: Record<string, string>;
}

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
