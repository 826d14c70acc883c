import { Type, type Static } from 'typebox';
import { Cursor, Limit } from '../../platform/http/schemas.js';
import { OneOf, Shaped, Strict } from '../../platform/schema.js';
import { Sharing } from '../../platform/sharing/model.js';
import { countReleaseSchemas } from '../../platform/release/schemas.js';
import { SUBJECTS, type EntityField } from './codes.js';
import { ENTITY_TYPES } from './entities/index.js';
import { LINKAGE_RELEASE_TABLE_NAMES } from './release-tables.js';

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

/**
 * An entity as an officer writes it. One shape for every type, so a missing or misplaced field is
 * named by its pointer (`/entities/2/number`) rather than lost in a union's alternatives; which
 * fields each type takes is checked by `entityInputOf`.
 */
export const Entity = Strict({
  type: OneOf(ENTITY_TYPES),
  value: Type.Optional(Text(400, 'phone, email, handle, iban, mobile-money and crypto: the value as written')),
  platform: Type.Optional(Text(40, 'handle: whatsapp, telegram, signal, viber, wechat, line, facebook, instagram, tiktok, x, imo or other')),
  issuer: Type.Optional(Shaped('^[A-Za-z<]{1,3}$', 'an ICAO issuing code, such as IDN or D', { description: 'travel-document: the ICAO issuer code' })),
  number: Type.Optional(Text(60, 'travel-document and bank-account: the number')),
  imo: Type.Optional(Text(20)),
  mmsi: Type.Optional(Text(20)),
  name: Type.Optional(Text(300, 'vessel: its name; person: the name in any script')),
  flag: Type.Optional(Shaped('^[A-Za-z]{3}$', 'an ISO 3166-1 alpha-3 country code, such as IDN', { description: 'vessel: its flag' })),
  plate: Type.Optional(Text(20)),
  country: Type.Optional(Shaped('^[A-Za-z]{3}$', 'an ISO 3166-1 alpha-3 country code, such as IDN', { description: 'vehicle: the country of registration' })),
  bank: Type.Optional(Text(200, 'bank-account: the BIC (SWIFT code) or the bank’s name')),
  provider: Type.Optional(Text(60, 'mobile-money: GCash, M-Pesa, TrueMoney, …')),
  network: Type.Optional(Text(20, 'crypto: bitcoin, litecoin, ethereum, tron or other; found from the address when left out')),
  birthYear: Type.Optional(Type.Union([Type.Integer({ minimum: 1900, maximum: 2200 }), Type.Null()])),
});
export type Entity = Static<typeof Entity>;
// The fields codes.ts lists (the web form's) are the schema's, both ways: a field added to one only does not compile.
type Assert<T extends true> = T;
export type SameEntityFields = Assert<[Exclude<keyof Entity, 'type' | EntityField>, Exclude<EntityField, keyof Entity>] extends [never, never] ? true : false>;

export { SUBJECTS };
const Country = Shaped('^[A-Z]{3}$', 'an ISO 3166-1 alpha-3 country code in capitals, such as IDN', { description: 'national phone numbers and plates are read in it' });

const fields = {
  title: Text(300),
  subject: OneOf(SUBJECTS),
  narrative: Type.String({ maxLength: 100_000 }),
  country: Type.Union([Country, Type.Null()]),
  entities: Type.Array(Entity, { maxItems: 200 }),
  namedInHits: Type.Boolean({ description: 'whether a member told of a match with this lead learns your member’s name (else "another member")' }),
  sharing: Sharing,
};

export const LeadCreate = Strict({
  title: fields.title,
  subject: fields.subject,
  narrative: Type.Optional(fields.narrative),
  country: Type.Optional(fields.country),
  entities: Type.Optional(fields.entities),
  namedInHits: Type.Optional(fields.namedInHits),
  sharing: fields.sharing,
});
export type LeadCreate = Static<typeof LeadCreate>;

export const LeadUpdate = Strict({
  title: Type.Optional(fields.title),
  subject: Type.Optional(fields.subject),
  narrative: Type.Optional(fields.narrative),
  country: Type.Optional(fields.country),
  entities: Type.Optional(fields.entities),
  namedInHits: Type.Optional(fields.namedInHits),
  sharing: Type.Optional(fields.sharing),
});
export type LeadUpdate = Static<typeof LeadUpdate>;

export const ListQuery = Strict({
  subject: Type.Optional(fields.subject),
  owner: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ListQuery = Static<typeof ListQuery>;

export const NormaliseRequest = Strict({ entity: Entity, country: Type.Optional(Country) });
export type NormaliseRequest = Static<typeof NormaliseRequest>;

const Key = Strict({
  kind: Type.String(),
  key: Type.String(),
  skeleton: Type.Optional(Type.String()),
  birthYear: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});
export const NormaliseResponse = Strict({ data: Strict({ keys: Type.Array(Key) }) });

const Abilities = Strict({ update: Type.Boolean(), delete: Type.Boolean(), passOn: Type.Boolean() });

export const LeadItem = Strict({
  id: Type.String(),
  title: Type.String(),
  subject: fields.subject,
  country: Type.Union([Type.String(), Type.Null()]),
  owner: Type.String(),
  sharing: Sharing,
  namedInHits: Type.Boolean(),
  entityCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  keptUntil: Type.Union([Type.String(), Type.Null()], {
    description: 'when the retention job deletes the lead, with its entities and links, unless it is changed before (LINTAS_LINKAGE_RETENTION_DAYS after its last change); null: kept until its owner deletes it',
  }),
  abilities: Abilities,
});

/** A record in any module, as links and notices name it: the web app opens its module's page for the record type. */
export const RecordRef = Strict({
  module: Type.String({ description: 'the module that owns the record, e.g. linkage, reports, documents' }),
  recordType: Type.String({ description: 'the record type within its module, e.g. lead, report, hit' }),
  id: Type.String(),
  owner: Type.String(),
  label: Type.String({ description: 'what the record itself shows the viewer, in a few words' }),
});
const Link = Strict({
  kind: Type.String(),
  key: Type.String(),
  score: Type.Number({ description: '1 for an exact key; a name’s trigram similarity otherwise' }),
  record: RecordRef,
});

export const LeadOne = Strict({
  data: Strict({
    ...LeadItem.properties,
    narrative: Type.String(),
    entities: Type.Array(Strict({ entity: Entity, keys: Type.Array(Key) })),
    links: Type.Array(Link, { description: 'other records you may see that hold the same entities' }),
  }),
  abilities: Abilities,
});

export const NoticesQuery = Strict({
  side: Type.Optional(OneOf(['told', 'holder'] as const, { description: 'told: matches you were told of; holder: your records others were told of' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type NoticesQuery = Static<typeof NoticesQuery>;

const Notice = Strict({
  id: Type.String(),
  side: OneOf(['told', 'holder'] as const),
  kind: Type.String(),
  key: Type.Union([Type.String(), Type.Null()], { description: 'the value as you hold it; for the holder of a matched name, null (the key is the other member’s words)' }),
  member: Type.Union([Type.String(), Type.Null()], { description: 'told: the holder, or null when it stays unnamed; holder: the member told' }),
  yourRecords: Type.Array(RecordRef),
  theirRecords: Type.Array(RecordRef, { description: 'holder: the told member’s matching records you may see; told: always empty' }),
  createdAt: Type.String({ format: 'date-time' }),
  abilities: Strict({ ask: Type.Boolean({ description: 'ask the holder what it may disclose (the member told, with a role that writes leads)' }) }),
});
export const NoticeList = Strict({ data: Type.Array(Notice), next: Type.Union([Type.String(), Type.Null()]) });
export const NoticeOne = Strict({ data: Notice });

export const VALUE_STATUSES = ['common', 'benign', 'released'] as const;
export const ValuesQuery = Strict({ status: Type.Optional(OneOf(VALUE_STATUSES)) });
export type ValuesQuery = Static<typeof ValuesQuery>;

export const ValueDecision = Strict({
  entity: Type.Optional(Entity),
  country: Type.Optional(Country),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
  status: OneOf(['benign', 'released'] as const, { description: 'benign: on the warning list, never links; released: the guard lets it through' }),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
});
export type ValueDecision = Static<typeof ValueDecision>;

const Value = Strict({
  kind: Type.String(),
  key: Type.String(),
  status: OneOf(VALUE_STATUSES),
  records: Type.Integer({ description: 'records holding it when the guard stopped it' }),
  note: Type.Union([Type.String(), Type.Null()]),
  flaggedAt: Type.String({ format: 'date-time' }),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
});
export const ValueList = Strict({ data: Type.Array(Value) });
export const ValueDecided = Strict({ data: Strict({ kind: Type.String(), key: Type.String(), status: Type.String(), records: Type.Integer(), requeued: Type.Integer() }) });
export const VolumeQuery = Strict({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) });
export const Volume = Strict({ data: Type.Array(Strict({ member: Type.String(), day: Type.String({ format: 'date' }), notices: Type.Integer(), waiting: Type.Integer() })) });

export const RequestCreate = Strict({
  reason: Type.String({ minLength: 1, maxLength: 5000, description: 'why you ask: the case, what you need, how it will be used' }),
  urgency: OneOf(['routine', 'urgent', 'immediate'] as const, { description: 'routine: the holder answers within the setting’s hours (48); urgent: half; immediate: 4' }),
});
export type RequestCreate = Static<typeof RequestCreate>;

export const Grant = Strict({
  records: Type.Array(
    Strict({
      id: Type.String({ format: 'uuid', description: 'one of your records that matched (the request’s `records`)' }),
      fields: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { minItems: 1, maxItems: 50, uniqueItems: true, description: 'names among the record’s `fields`: what its record type lets you disclose' }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
  sharing: Sharing,
});
export type Grant = Static<typeof Grant>;
export const Refusal = Strict({ reason: Type.String({ minLength: 1, maxLength: 5000 }) });

export const RequestsQuery = Strict({
  side: Type.Optional(OneOf(['asker', 'holder'] as const)),
  status: Type.Optional(OneOf(['pending', 'granted', 'refused'] as const)),
  notice: Type.Optional(Type.String({ format: 'uuid', description: 'only the requests about this notice' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type RequestsQuery = Static<typeof RequestsQuery>;

const DisclosableField = Strict({
  name: Type.String({ description: 'the field’s name in a grant' }),
  label: Type.String({ description: 'the field in English words' }),
});

const Request = Strict({
  id: Type.String(),
  side: OneOf(['asker', 'holder'] as const),
  notice: Type.String(),
  kind: Type.String(),
  member: Type.Union([Type.String(), Type.Null()], { description: 'asker: the holder, or null when it stays unnamed; holder: the member that asked' }),
  reason: Type.String(),
  urgency: Type.String(),
  status: OneOf(['pending', 'granted', 'refused'] as const),
  dueAt: Type.String({ format: 'date-time' }),
  decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  refusal: Type.Union([Type.String(), Type.Null()]),
  records: Type.Array(
    Strict({
      module: RecordRef.properties.module,
      recordType: RecordRef.properties.recordType,
      id: Type.String(),
      label: Type.String({ description: 'what the record itself shows you, in a few words' }),
      fields: Type.Array(DisclosableField, { description: 'what you may disclose of it; empty when its record type discloses nothing' }),
    }),
    { description: 'holder: its records that matched, to choose from; asker: always empty' },
  ),
  disclosed: Type.Array(
    Strict({
      record: Type.String(),
      module: RecordRef.properties.module,
      recordType: RecordRef.properties.recordType,
      fields: Type.Record(Type.String(), Type.Unknown(), { description: 'the disclosed values by field name, as the record held them when granted' }),
      labels: Type.Array(DisclosableField, { description: 'the disclosed fields in their record type’s order, with their labels' }),
      sharing: Sharing,
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  abilities: Strict({ grant: Type.Boolean(), refuse: Type.Boolean() }, { description: 'the holder’s approvers, while the request is pending' }),
});
export const RequestOne = Strict({ data: Request });
export const RequestList = Strict({ data: Type.Array(Request), next: Type.Union([Type.String(), Type.Null()]) });

const release = countReleaseSchemas(LINKAGE_RELEASE_TABLE_NAMES, 'entitiesByKind', 'linkage');
export const ReleaseQuery = release.Query;
export type ReleaseQuery = Static<typeof ReleaseQuery>;
export const ReleaseTableCells = release.Cells;
