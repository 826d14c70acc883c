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
/** A cell: its numbers, or `suppressed` (fewer than k reports, some of which you cannot see) and no numbers. */
export interface Cell extends Figures {
  suppressed: boolean;
}

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export const SPLITS = ['incidentType', 'route', 'citizenship', 'mode', 'destination', 'member'] as const;
export type Interval = (typeof INTERVALS)[number];
export type Split = (typeof SPLITS)[number];

export interface Analysis {
  k: number;
  interval: Interval;
  split: Split;
  totals: Cell;
  series: { periods: string[]; keys: string[]; cells: (Cell & { period: string; key: string })[]; byKey: (Cell & { key: string })[] };
  flows: { top: (Cell & { from: string; to: string })[]; suppressedCells: number };
  map: { zoom: number; cellSize: number; cells: (Cell & { latitude: number; longitude: number })[]; suppressedCells: number };
  fees: { route: string; year: string; currency: string; suppressed: boolean; reports?: number; median?: number; min?: number; max?: number }[];
  labels: Record<string, string>;
}

export interface Summary {
  from: string;
  to: string;
  k: number;
  generatedAt: string;
  keyFigures: Cell;
  byIncidentType: (Cell & { key: string })[];
  byQuarter: (Cell & { key: string })[];
  topRoutes: (Cell & { from: string; to: string })[];
  contributors: { code: string; name: string }[];
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

/** A number of a cell as text: "fewer than k" for a suppressed one, never a number. */
export function shown(cell: Cell | undefined, field: keyof Figures, k: number): string {
  if (!cell) return '0';
  if (cell.suppressed) return `fewer than ${k}`;
  return (cell[field] ?? 0).toLocaleString('en');
}
