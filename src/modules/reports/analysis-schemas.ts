import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { OneOf, Strict } from '../../platform/http/schemas.js';
import { INTERVALS, SPLITS } from './analysis.js';
import { INCIDENT_TYPES, TRANSPORT_MODES } from './codes.js';
import { Country } from './schemas.js';

const Day = Type.String({ format: 'date' });
const Many = <T extends TSchema>(item: T, description: string) => Type.Optional(Type.Array(item, { maxItems: 50, uniqueItems: true, description }));

/** Filters on every dimension; repeat a parameter for several values (any of them matches). */
const filterFields = {
  incidentType: Many(OneOf(INCIDENT_TYPES.codes), 'incident types'),
  country: Many(Country, 'country where the incident happened'),
  citizenship: Many(Type.String({ pattern: '^[A-Z]{3}$' }), 'citizenship of people moved (XXX: stateless or unknown)'),
  mode: Many(OneOf(TRANSPORT_MODES.codes), 'transport mode on any leg'),
  origin: Many(Country, 'country of origin'),
  destination: Many(Country, 'intended destination'),
  route: Many(Type.String({ pattern: '^[A-Z]{3}>[A-Z]{3}$' }), 'a route leg, FROM>TO'),
  member: Many(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' }), 'the reporting member'),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
} satisfies TProperties;

export const AnalysisQuery = Strict({
  ...filterFields,
  interval: Type.Optional(OneOf(INTERVALS, { default: 'quarter' })),
  split: Type.Optional(OneOf(SPLITS, { default: 'incidentType' })),
  zoom: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, default: 2, description: 'map zoom: the grid cell size of the clustered locations' })),
});
export type AnalysisQuery = Static<typeof AnalysisQuery>;

export const SummaryQuery = Strict({ from: Day, to: Day });
export type SummaryQuery = Static<typeof SummaryQuery>;

const N = Type.Integer({ minimum: 0 });
const figureFields = {
  reports: Type.Optional(N), people: Type.Optional(N), adultMen: Type.Optional(N), adultWomen: Type.Optional(N), boys: Type.Optional(N),
  girls: Type.Optional(N), unknownSexOrAge: Type.Optional(N), unaccompaniedChildren: Type.Optional(N), intercepted: Type.Optional(N),
  rescued: Type.Optional(N), dead: Type.Optional(N), missing: Type.Optional(N), returned: Type.Optional(N), claimedAsylum: Type.Optional(N),
  arrests: Type.Optional(N), convictions: Type.Optional(N),
};
const cellDescription = 'a suppressed cell (fewer than k reports, some of which the viewer cannot see) carries only `suppressed: true`';
export const CellSchema = Type.Object({ suppressed: Type.Boolean(), ...figureFields }, { description: cellDescription });

export const AnalysisResponse = Type.Object({
  k: Type.Integer({ description: 'the smallest number of reports a cell with reports the viewer cannot see must count to be shown' }),
  interval: OneOf(INTERVALS),
  split: OneOf(SPLITS),
  filters: Type.Object(filterFields),
  totals: CellSchema,
  series: Type.Object({
    periods: Type.Array(Type.String()),
    keys: Type.Array(Type.String()),
    cells: Type.Array(Type.Object({ period: Type.String(), key: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
    byKey: Type.Array(Type.Object({ key: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
  }),
  flows: Type.Object({
    top: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
    suppressedCells: N,
  }),
  map: Type.Object({
    zoom: Type.Integer(),
    cellSize: Type.Number(),
    cells: Type.Array(Type.Object({ latitude: Type.Number(), longitude: Type.Number(), suppressed: Type.Boolean(), ...figureFields })),
    suppressedCells: N,
  }),
  fees: Type.Array(Type.Object({
    route: Type.String(), year: Type.String(), currency: Type.String(), suppressed: Type.Boolean(),
    reports: Type.Optional(N), median: Type.Optional(Type.Number()), min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()),
  }, { description: 'fee per person; suppressed like any cell' })),
  labels: Type.Record(Type.String(), Type.String()),
});

export const SummaryResponse = Type.Object({
  from: Day,
  to: Day,
  k: Type.Integer(),
  generatedAt: Type.String({ format: 'date-time' }),
  keyFigures: CellSchema,
  byIncidentType: Type.Array(Type.Object({ key: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
  byQuarter: Type.Array(Type.Object({ key: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
  topRoutes: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), suppressed: Type.Boolean(), ...figureFields })),
  contributors: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  labels: Type.Record(Type.String(), Type.String()),
});
