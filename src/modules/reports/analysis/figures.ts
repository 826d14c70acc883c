/** What the analysis counts and how it splits it: the figures, the dimensions and the cells they make. */

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];
/** `country` leaves out reports far at sea (they have none); `seaArea` counts only reports at sea. */
export const SPLITS = ['incidentType', 'route', 'citizenship', 'mode', 'destination', 'member', 'country', 'seaArea'] as const;
export type Split = (typeof SPLITS)[number];
export type Dimension = Interval | Split | 'origin' | 'currency' | `grid:${string}`;

/** Filters on every dimension; absent means any. Dates are on the day the incident began. */
export interface AnalysisFilters {
  incidentType?: string[];
  country?: string[];
  /** The sea area of reports at sea (their own, else their source's region). */
  seaArea?: string[];
  citizenship?: string[];
  mode?: string[];
  origin?: string[];
  destination?: string[];
  route?: string[];
  member?: string[];
  from?: string;
  to?: string;
}

export const FIGURES = [
  'people', 'adultMen', 'adultWomen', 'boys', 'girls', 'unknownSexOrAge', 'unaccompaniedChildren', 'intercepted', 'rescued', 'dead',
  'missing', 'returned', 'claimedAsylum', 'arrests', 'convictions',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure | 'reports', number>;

/** A cell: its keys, figures and, for fee cells, the fee per person. */
export interface RawCell {
  keys: string[];
  figures: Figures;
  fee: { median: number; min: number; max: number } | null;
}

function addFigures(a: Figures, b: Figures): Figures {
  const sum = { ...a };
  for (const key of ['reports', ...FIGURES] as const) sum[key] += b[key];
  return sum;
}

export const EMPTY_FIGURES: Figures = Object.fromEntries(['reports', ...FIGURES].map((key) => [key, 0])) as Figures;

/** The figures of a set of cells added up (a split's row totals, or the total of a single-valued split). */
export function combine(parts: readonly RawCell[], keys: string[]): RawCell {
  return {
    keys,
    figures: parts.reduce((total, part) => addFigures(total, part.figures), EMPTY_FIGURES),
    fee: null,
  };
}
