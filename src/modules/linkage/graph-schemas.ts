import { Type, type Static } from 'typebox';
import { OneOf, Shaped, Strict } from '../../platform/schema.js';
import { TLP_LEVELS } from '../../platform/sharing/codes.js';
import { Entity } from './schemas.js';

/** The kinds of matched key (an entity of type vessel gives imo, mmsi and vessel-name keys). */
export const KEY_KINDS = ['phone', 'email', 'handle', 'travel-document', 'imo', 'mmsi', 'vessel-name', 'vehicle', 'iban', 'bank-account', 'mobile-money', 'crypto', 'person'] as const;
export type KeyKindName = (typeof KEY_KINDS)[number];

const Country = Shaped('^[A-Z]{3}$', 'an ISO 3166-1 alpha-3 country code in capitals, such as IDN', { description: 'national phone numbers and plates are read in it' });
const BirthYear = Type.Union([Type.Integer({ minimum: 1900, maximum: 2200 }), Type.Null()]);

export const GraphRecordRef = Strict({
  module: Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }),
  recordType: Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }),
  id: Type.String({ format: 'uuid' }),
});
export type GraphRecordRef = Static<typeof GraphRecordRef>;

/** A value as the graph names it: its kind and normalised key (a person's name also by its year of birth). */
export const GraphValueRef = Strict({
  kind: OneOf(KEY_KINDS),
  key: Type.String({ minLength: 1, maxLength: 400 }),
  birthYear: Type.Optional(BirthYear),
});
export type GraphValueRef = Static<typeof GraphValueRef>;

export const GraphFilter = Strict({
  from: Type.Optional(Type.String({ format: 'date', description: 'records dated on or after this day (UTC)' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'records dated on or before this day (UTC)' })),
  kinds: Type.Optional(Type.Array(OneOf(KEY_KINDS), { uniqueItems: true, maxItems: KEY_KINDS.length, description: 'only values of these kinds (all when left out)' })),
});
export type GraphFilter = Static<typeof GraphFilter>;

export const GraphExpand = Strict({
  record: Type.Optional(GraphRecordRef),
  value: Type.Optional(GraphValueRef),
  entity: Type.Optional(Entity),
  country: Type.Optional(Country),
  filter: Type.Optional(GraphFilter),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'at most this many records in the answer' })),
});
export type GraphExpand = Static<typeof GraphExpand>;

const RecordNode = Strict({
  id: Type.String(),
  type: Type.Literal('record'),
  module: Type.String(),
  recordType: Type.String(),
  recordId: Type.String(),
  owner: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  date: Type.String({ format: 'date-time', description: 'when the record was written' }),
  tlp: OneOf(TLP_LEVELS),
  passOn: Type.Boolean({ description: 'whether you may export it (rule 5: not others’ AMBER+STRICT, RED or H2 records)' }),
});
const ValueNode = Strict({
  id: Type.String(),
  type: Type.Literal('value'),
  kind: OneOf(KEY_KINDS),
  key: Type.String(),
  birthYear: Type.Optional(BirthYear),
});
export const GraphNode = Type.Union([RecordNode, ValueNode]);
export const GraphEdge = Strict({
  source: Type.String(),
  target: Type.String(),
  relation: OneOf(['holds', 'similar'] as const, { description: 'holds: a record holds the value; similar: two names close enough to link' }),
  score: Type.Number({ description: '1 for holding a value; a name’s trigram similarity for similar names' }),
});

export const Graph = Strict({
  data: Strict({
    start: Type.Array(Type.String(), { description: 'the ids of the nodes the expansion started from' }),
    nodes: Type.Array(GraphNode, { description: 'only records you may see, and values they hold (or that you gave)' }),
    edges: Type.Array(GraphEdge),
    truncated: Type.Boolean({ description: 'more records you may see hold the value than the limit; narrow the filter' }),
  }),
});

export const GraphExport = Strict({
  records: Type.Array(GraphRecordRef, { minItems: 1, maxItems: 1000, description: 'the records shown; those you may not see or pass on are left out' }),
  values: Type.Optional(Type.Array(GraphValueRef, { maxItems: 5000, description: 'the values shown; only those an exported record holds are exported (all of theirs when left out)' })),
});
export type GraphExport = Static<typeof GraphExport>;
