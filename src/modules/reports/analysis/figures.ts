/** What the analysis counts and how it splits it: the figures, the dimensions and the cells they make. */

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];
export const SPLITS = ['incidentType', 'route', 'citizenship', 'mode', 'destination', 'member'] as const;
export type Split = (typeof SPLITS)[number];
export type Dimension = Interval | Split | 'country' | 'origin' | 'currency' | `grid:${string}`;

/** Filters on every dimension; absent means any. Dates are on the day the incident began. */
export interface AnalysisFilters {
  incidentType?: string[];
  country?: string[];
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

type CellSum = 'reports' | 'people' | 'adult_men' | 'adult_women' | 'boys' | 'girls' | 'unknown_sex_or_age' | 'unaccompanied_children'
  | 'intercepted' | 'rescued' | 'dead' | 'missing' | 'returned' | 'claimed_asylum' | 'arrests' | 'convictions';

/** A row of the cell functions; a sum over no rows is NULL. */
export interface CellRow extends Record<CellSum, number | null> {
  keys: string[];
  fee_median: number | null;
  fee_min: number | null;
  fee_max: number | null;
}

/** A SQL cell's figures; sums over no rows (the total of an empty population) are NULL there and 0 here. */
export function figuresOf(row: CellRow): Figures {
  const n = (value: number | null): number => value ?? 0;
  return {
    reports: n(row.reports), people: n(row.people), adultMen: n(row.adult_men), adultWomen: n(row.adult_women),
    boys: n(row.boys), girls: n(row.girls), unknownSexOrAge: n(row.unknown_sex_or_age),
    unaccompaniedChildren: n(row.unaccompanied_children), intercepted: n(row.intercepted), rescued: n(row.rescued),
    dead: n(row.dead), missing: n(row.missing), returned: n(row.returned), claimedAsylum: n(row.claimed_asylum),
    arrests: n(row.arrests), convictions: n(row.convictions),
  };
}

export function addFigures(a: Figures, b: Figures): Figures {
  const sum = { ...a };
  for (const key of ['reports', ...FIGURES] as const) sum[key] += b[key];
  return sum;
}

export const EMPTY_FIGURES: Figures = Object.fromEntries(['reports', ...FIGURES].map((key) => [key, 0])) as Figures;
