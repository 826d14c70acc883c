import { Type, type Static } from 'typebox';
import { OneOf, Strict } from '../../../platform/schema.js';
import { RELEASE_INTERVALS, RELEASE_TABLE_NAMES } from './tables.js';

const N = Type.Integer({ minimum: 0 });
const figureFields = {
  reports: N, people: N, adultMen: N, adultWomen: N, boys: N, girls: N, unknownSexOrAge: N, unaccompaniedChildren: N, intercepted: N,
  rescued: N, dead: N, missing: N, returned: N, claimedAsylum: N, arrests: N, convictions: N,
};

const ReleaseInfo = Type.Union([
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    computedAt: Type.String({ format: 'date-time' }),
    cutoff: Type.String({ format: 'date', description: 'the release covers every month, quarter and year that ended before this day' }),
    reason: OneOf(['period-closed', 'scheduled', 'operator'] as const),
  }),
  Type.Null(),
], { description: 'the latest regional release; null before the job first ran' });

export const ReleaseOverview = Type.Object({
  release: ReleaseInfo,
  tables: Type.Array(Type.Object({ name: OneOf(RELEASE_TABLE_NAMES), label: Type.String(), dimensions: Type.Array(Type.String()) })),
  intervals: Type.Array(OneOf(RELEASE_INTERVALS)),
  k: Type.Integer({ description: 'the smallest number of reports a cell shown inside the platform holds' }),
  publishedK: Type.Integer({ description: 'the same for published and exported cells' }),
});

export const ReleaseCellsQuery = Strict({
  table: OneOf(RELEASE_TABLE_NAMES),
  interval: Type.Optional(OneOf(RELEASE_INTERVALS, { default: 'quarter' })),
  published: Type.Optional(Type.Boolean({ default: false, description: 'only the cells that may be published or exported (k = 11)' })),
});
export type ReleaseCellsQuery = Static<typeof ReleaseCellsQuery>;

const ReleaseCell = Type.Object({
  period: Type.String(),
  keys: Type.Array(Type.String(), { description: 'the values of the table’s dimensions, in order' }),
  reports: N,
  ...Object.fromEntries(Object.entries(figureFields).filter(([name]) => name !== 'reports').map(([name, schema]) => [name, Type.Optional(schema)])),
  feeMean: Type.Optional(Type.Number({ description: 'fee tables: the perturbed mean fee per person' })),
}, { description: 'a cell that passed the thresholds; its figures are perturbed. A cell that did not is absent, exactly like one with no reports.' });

export const ReleaseCells = Type.Object({
  release: ReleaseInfo,
  table: OneOf(RELEASE_TABLE_NAMES),
  interval: OneOf(RELEASE_INTERVALS),
  k: Type.Integer(),
  cells: Type.Array(ReleaseCell),
  labels: Type.Record(Type.String(), Type.String()),
});

export const MyReleaseRecords = Type.Object({
  releases: Type.Array(Type.Object({
    release: Type.Object({ id: Type.String({ format: 'uuid' }), computedAt: Type.String({ format: 'date-time' }), cutoff: Type.String({ format: 'date' }), reason: Type.String() }),
    reports: Type.Array(Type.String({ format: 'uuid' }), { description: 'your member’s reports that entered this release' }),
  })),
});

export const SummaryQuery = Strict({
  period: Type.Optional(Type.String({ pattern: '^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$', description: 'a closed year (2024), quarter (2024-Q3) or month (2024-07); by default the latest year with figures' })),
});
export type SummaryQuery = Static<typeof SummaryQuery>;

const Figures = Type.Object(figureFields);
export const SummaryResponse = Type.Object({
  release: ReleaseInfo,
  period: Type.Union([Type.String(), Type.Null()]),
  periods: Type.Array(Type.String(), { description: 'the periods the release has published figures for' }),
  k: Type.Integer(),
  generatedAt: Type.String({ format: 'date-time' }),
  keyFigures: Type.Union([Figures, Type.Null()]),
  byIncidentType: Type.Array(Type.Object({ key: Type.String(), ...figureFields })),
  breakdown: Type.Array(Type.Object({ key: Type.String(), ...figureFields }), { description: 'the quarters of a year, or the months of a quarter' }),
  topRoutes: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), ...figureFields })),
  labels: Type.Record(Type.String(), Type.String()),
});
