/**
 * The linkage module as the web app sees it. The shapes are the server's own schemas
 * (src/modules/linkage/schemas.ts), imported as types only, so a change there is a type error here;
 * the code lists are the server's import-free codes.ts, labelled here from the message catalogue.
 */
import type { Static } from 'typebox';
import type {
  Entity as EntitySchema,
  Grant as GrantSchema,
  LeadCreate as LeadCreateSchema,
  LeadItem as LeadItemSchema,
  LeadOne as LeadOneSchema,
  NormaliseResponse as NormaliseResponseSchema,
  NoticeOne as NoticeOneSchema,
  RequestCreate as RequestCreateSchema,
  RequestOne as RequestOneSchema,
} from '../../../../src/modules/linkage/schemas.js';
import type { EntityField, EntityTypeCode, KeyKindCode } from '../../../../src/modules/linkage/codes.js';
import { msg, type MessageId } from '../../i18n/index.js';

export { ENTITY_TYPES, FIELDS_OF, NETWORKS, PLATFORMS, REQUEST_STATUSES, SUBJECTS, URGENCIES, type EntityField, type EntityTypeCode, type KeyKindCode } from '../../../../src/modules/linkage/codes.js';

export type Entity = Static<typeof EntitySchema>;
export type LeadItem = Static<typeof LeadItemSchema>;
/** GET /linkage/leads/:id and every write: the lead with its entities' keys, its links, and what the user may do. */
export type LeadOne = Static<typeof LeadOneSchema>;
export type Lead = LeadOne['data'];
export type LeadLink = Lead['links'][number];
export type LeadInput = Static<typeof LeadCreateSchema>;
export type Subject = Lead['subject'];
export type NormalisedKey = Static<typeof NormaliseResponseSchema>['data']['keys'][number];
export type Notice = Static<typeof NoticeOneSchema>['data'];
export type RecordRef = Notice['yourRecords'][number];
export type DisclosureRequest = Static<typeof RequestOneSchema>['data'];
export type RequestStatus = DisclosureRequest['status'];
export type Urgency = Static<typeof RequestCreateSchema>['urgency'];
export type GrantInput = Static<typeof GrantSchema>;
/** One of the holder's matching records, with the fields its record type lets the holder disclose (name and label, from the API). */
export type HeldRecord = DisclosureRequest['records'][number];
/** What a holder disclosed of one record: the values by field name, and the fields' labels in their record type's order. */
export type Disclosure = DisclosureRequest['disclosed'][number];

export const ENTITY_TYPE_LABEL: Readonly<Record<EntityTypeCode, MessageId>> = {
  phone: msg('linkage.entity.phone'),
  email: msg('linkage.entity.email'),
  handle: msg('linkage.entity.handle'),
  'travel-document': msg('linkage.entity.travelDocument'),
  vessel: msg('linkage.entity.vessel'),
  vehicle: msg('linkage.entity.vehicle'),
  iban: msg('linkage.entity.iban'),
  'bank-account': msg('linkage.entity.bankAccount'),
  'mobile-money': msg('linkage.entity.mobileMoney'),
  crypto: msg('linkage.entity.crypto'),
  person: msg('linkage.entity.person'),
};

/** The kind of a matched key, as a person reads it. */
export const KEY_KIND_LABEL: Readonly<Record<KeyKindCode, MessageId>> = {
  phone: msg('linkage.kind.phone'),
  email: msg('linkage.kind.email'),
  handle: msg('linkage.kind.handle'),
  'travel-document': msg('linkage.kind.travelDocument'),
  imo: msg('linkage.kind.imo'),
  mmsi: msg('linkage.kind.mmsi'),
  'vessel-name': msg('linkage.kind.vesselName'),
  vehicle: msg('linkage.kind.vehicle'),
  iban: msg('linkage.kind.iban'),
  'bank-account': msg('linkage.kind.bankAccount'),
  'mobile-money': msg('linkage.kind.mobileMoney'),
  crypto: msg('linkage.kind.crypto'),
  person: msg('linkage.kind.person'),
};

/** A key kind's label, or null for a kind this web app does not know yet (then the code is shown as data). */
export function keyKindLabel(kind: string): MessageId | null {
  return (KEY_KIND_LABEL as Readonly<Record<string, MessageId>>)[kind] ?? null;
}

export const FIELD_LABEL: Readonly<Record<EntityField, MessageId>> = {
  value: msg('linkage.field.value'),
  platform: msg('linkage.field.platform'),
  issuer: msg('linkage.field.issuer'),
  number: msg('linkage.field.number'),
  imo: msg('linkage.field.imo'),
  mmsi: msg('linkage.field.mmsi'),
  name: msg('linkage.field.name'),
  flag: msg('linkage.field.flag'),
  plate: msg('linkage.field.plate'),
  country: msg('linkage.field.country'),
  bank: msg('linkage.field.bank'),
  provider: msg('linkage.field.provider'),
  network: msg('linkage.field.network'),
  birthYear: msg('linkage.field.birthYear'),
};

export const SUBJECT_LABEL: Readonly<Record<Subject, MessageId>> = {
  person: msg('linkage.subject.person'),
  network: msg('linkage.subject.network'),
  vessel: msg('linkage.subject.vessel'),
  other: msg('linkage.subject.other'),
};

export const URGENCY_LABEL: Readonly<Record<Urgency, MessageId>> = {
  routine: msg('linkage.urgency.routine'),
  urgent: msg('linkage.urgency.urgent'),
  immediate: msg('linkage.urgency.immediate'),
};

export const STATUS_LABEL: Readonly<Record<RequestStatus, MessageId>> = {
  pending: msg('linkage.status.pending'),
  granted: msg('linkage.status.granted'),
  refused: msg('linkage.status.refused'),
};

/** Platform and network names are names (data), shown as written; only "other" is words. */
export const PLATFORM_NAME: Readonly<Record<string, string>> = {
  whatsapp: 'WhatsApp', telegram: 'Telegram', signal: 'Signal', viber: 'Viber', wechat: 'WeChat', line: 'LINE', facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok', x: 'X', imo: 'imo',
};
export const NETWORK_NAME: Readonly<Record<string, string>> = { bitcoin: 'Bitcoin', litecoin: 'Litecoin', ethereum: 'Ethereum', tron: 'TRON' };

export const leadPath = (id: string): string => `/linkage/leads/${encodeURIComponent(id)}`;
export const noticePath = (id: string): string => `/linkage/notices/${encodeURIComponent(id)}`;
export const requestPath = (id: string): string => `/linkage/requests/${encodeURIComponent(id)}`;

/** The web page of a record a link or notice names: a lead's own page; other modules' records by their module's path. */
export function recordPath(record: Pick<RecordRef, 'module' | 'recordType' | 'id'>): string | null {
  const id = encodeURIComponent(record.id);
  switch (`${record.module}/${record.recordType}`) {
    case 'linkage/lead':
      return leadPath(record.id);
    case 'reports/report':
      return `/reports/${id}`;
    case 'documents/hit':
      return `/documents/hits/${id}`;
    default:
      return null;
  }
}

/** Whether a pending request is past its deadline. */
export const isOverdue = (request: Pick<DisclosureRequest, 'status' | 'dueAt'>, now = Date.now()): boolean => request.status === 'pending' && Date.parse(request.dueAt) < now;
