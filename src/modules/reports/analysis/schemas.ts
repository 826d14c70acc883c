import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { OneOf, Shaped, Strict } from '../../../platform/schema.js';
import { INTERVALS, SPLITS } from './figures.js';
import { INCIDENT_TYPES, TRANSPORT_MODES } from '../codes.js';
import { Country } from '../schemas.js';

const Day = Type.String({ format: 'date' });
/** A route leg as the filter takes it, and the shape a value that does not fit is told. */
const ROUTE_LEG_PATTERN = '^[A-Z]{3}>[A-Z]{3}$';
const ROUTE_LEG_SHAPE = "a route: two ISO 3166-1 alpha-3 country codes in capitals joined by '>', such as MMR>THA";

const Many = <T extends TSchema>(item: T, description: string) => Type.Optional(Type.Array(item, { maxItems: 50, uniqueItems: true, description }));

/** Filters on every dimension; repeat a parameter for several values (any of them matches). */
const filterFields = {
  incidentType: Many(OneOf(INCIDENT_TYPES.codes), 'incident types'),
  country: Many(Country, 'country where the incident happened'),
  seaArea: Many(Type.String({ minLength: 1, maxLength: 120 }), 'sea area of an incident at sea (its own, else its source\'s region)'),
  citizenship: Many(Type.String({ pattern: '^[A-Z]{3}$' }), 'citizenship of people moved (XXX: stateless or unknown)'),
  mode: Many(OneOf(TRANSPORT_MODES.codes), 'transport mode on any leg'),
  origin: Many(Country, 'country of origin'),
  destination: Many(Country, 'intended destination'),
  route: Many(Shaped(ROUTE_LEG_PATTERN, ROUTE_LEG_SHAPE), "a route leg: two ISO 3166-1 alpha-3 country codes joined by '>', such as MMR>THA"),
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

const N = Type.Integer({ minimum: 0 });
const figureFields = {
  reports: N, people: N, adultMen: N, adultWomen: N, boys: N, girls: N, unknownSexOrAge: N, unaccompaniedChildren: N, intercepted: N,
  rescued: N, dead: N, missing: N, returned: N, claimedAsylum: N, arrests: N, convictions: N,
};

export const AnalysisResponse = Type.Object({
  interval: OneOf(INTERVALS),
  split: OneOf(SPLITS),
  filters: Type.Object(filterFields),
  totals: Type.Object(figureFields),
  series: Type.Object({
    periods: Type.Array(Type.String()),
    keys: Type.Array(Type.String()),
    cells: Type.Array(Type.Object({ period: Type.String(), key: Type.String(), ...figureFields })),
    byKey: Type.Array(Type.Object({ key: Type.String(), ...figureFields })),
  }),
  flows: Type.Object({
    top: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), ...figureFields })),
  }),
  map: Type.Object({
    zoom: Type.Integer(),
    cellSize: Type.Number(),
    cells: Type.Array(Type.Object({ latitude: Type.Number(), longitude: Type.Number(), ...figureFields })),
  }),
  fees: Type.Array(Type.Object({
    route: Type.String(), year: Type.String(), currency: Type.String(),
    reports: N, median: Type.Number(), min: Type.Number(), max: Type.Number(),
  }, { description: 'fee per person' })),
  labels: Type.Record(Type.String(), Type.String()),
}, { description: 'exact figures over the reports you may see (your own and those shared with you); reports you cannot see reach you only through the regional release' });
