/**
 * The linkage graph and the secretariat's review as the web app sees them, typed from the server's
 * schemas (src/modules/linkage/graph-schemas.ts, schemas.ts) with type-only imports.
 */
import type { Static } from 'typebox';
import { msg, type MessageId } from '../../i18n/index.js';
import type { Graph as GraphSchema, GraphExpand, GraphFilter, KeyKindName } from '../../../../src/modules/linkage/graph-schemas.js';
import type { Entity, ValueList, Volume as VolumeSchema } from '../../../../src/modules/linkage/schemas.js';

export type Graph = Static<typeof GraphSchema>['data'];
export type GraphNode = Graph['nodes'][number];
export type RecordNode = Extract<GraphNode, { type: 'record' }>;
export type ValueNode = Extract<GraphNode, { type: 'value' }>;
export type GraphEdge = Graph['edges'][number];
export type ExpandBody = Static<typeof GraphExpand>;
export type Filter = Static<typeof GraphFilter>;
export type EntityInput = Static<typeof Entity>;
export type KeyKind = KeyKindName;
export type ReviewValue = Static<typeof ValueList>['data'][number];
export type VolumeRow = Static<typeof VolumeSchema>['data'][number];

/** Every kind of key, in the server's order; a kind the server adds and this table lacks is a type error. */
export const KIND_LABEL: Readonly<Record<KeyKind, MessageId>> = {
  phone: msg('linkage.graph.kind.phone'),
  email: msg('linkage.graph.kind.email'),
  handle: msg('linkage.graph.kind.handle'),
  'travel-document': msg('linkage.graph.kind.travelDocument'),
  imo: msg('linkage.graph.kind.imo'),
  mmsi: msg('linkage.graph.kind.mmsi'),
  'vessel-name': msg('linkage.graph.kind.vesselName'),
  vehicle: msg('linkage.graph.kind.vehicle'),
  iban: msg('linkage.graph.kind.iban'),
  'bank-account': msg('linkage.graph.kind.bankAccount'),
  'mobile-money': msg('linkage.graph.kind.mobileMoney'),
  crypto: msg('linkage.graph.kind.crypto'),
  person: msg('linkage.graph.kind.person'),
};
export const KEY_KINDS = Object.keys(KIND_LABEL) as KeyKind[];

/** The entity types a person types as one value (the graph's and the warning lists' start). */
export const TYPED_KINDS = ['phone', 'email', 'iban', 'crypto', 'person'] as const;
export type TypedKind = (typeof TYPED_KINDS)[number];

/** An entity as typed: a person by name, the rest by value; national numbers read in the country. */
export function typedEntity(type: TypedKind, text: string): EntityInput {
  return type === 'person' ? { type, name: text } : { type, value: text };
}

/** Where the graph opens on a record (a lead's page links here). */
export function graphPath(record: { module: string; recordType: string; id: string }): string {
  return `/linkage/graph?record=${encodeURIComponent(`${record.module}/${record.recordType}/${record.id}`)}`;
}
