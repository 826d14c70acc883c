/**
 * The exported graph as a STIX 2.1 bundle, for MISP and OpenCTI: an identity per owner member, a
 * report per record (its title, owner and dates; object_refs to what it holds), the values as the
 * STIX object that fits each kind, `related-to` relationships for what a record holds and for
 * similar names, and the OASIS TLP 2.0 marking definitions (their fixed ids) on every object.
 * Ids are UUIDv5, so exporting the same records twice gives the same objects.
 */
import { randomUUID } from 'node:crypto';
import type { Tlp } from '../../platform/sharing/codes.js';
import {
  DEFINED, LINTAS_IDENTITY, SCO_NAMESPACE, TLP_MARKINGS, TLP_ORDER, handlingMarking, lintasIdentity, memberIdentity, memberIdentityId, stixId as sdoId, strictestTlp as strictest,
  tlpMarking, uuidV5, type StixObject,
} from '../../platform/stix.js';
import type { ExportGraph, ExportValue } from './graph-export.js';
import type { RecordInfo } from './graph.js';

/** An observable's id from its id-contributing properties, canonical JSON (keys sorted) as STIX 2.1 §2.9 asks. */
const scoId = (type: string, properties: Record<string, string>): string =>
  `${type}--${uuidV5(JSON.stringify(Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1)))), SCO_NAMESPACE)}`;

const ENTITY_TYPE = 'lintas-entity';
const ENTITY_EXTENSION = sdoId('extension-definition', ENTITY_TYPE);

const iso = (date: Date): string => date.toISOString();
const later = (a: Date, b: Date): Date => (a > b ? a : b);

/** Splits "platform:handle" at its first colon. */
function split(key: string): [string, string] {
  const at = key.indexOf(':');
  return at < 0 ? ['other', key] : [key.slice(0, at), key.slice(at + 1)];
}

/** "IDN:SINAR BAHARI" as "SINAR BAHARI (IDN)". */
function flagged(key: string): string {
  const [country, name] = split(key);
  return `${name} (${country})`;
}

const valueKey = (value: ExportValue): string => `${value.kind}:${value.key}:${value.birth_year ?? ''}`;

/** The STIX object of a value: the observable or domain object that fits its kind. */
function valueObject(value: ExportValue, markings: string[]): StixObject {
  const common = { spec_version: '2.1', object_marking_refs: markings };
  const first = value.holders.map((h) => h.date).reduce((a, b) => (a < b ? a : b));
  const last = value.holders.map((h) => later(h.date, h.updated)).reduce(later);
  const dated = { created: iso(first), modified: iso(last), created_by_ref: LINTAS_IDENTITY };
  switch (value.kind) {
    case 'email':
      return { type: 'email-addr', id: scoId('email-addr', { value: value.key }), ...common, value: value.key };
    case 'handle':
    case 'mobile-money': {
      const [platform, user] = split(value.key);
      const accountType = value.kind === 'handle' ? platform : `mobile-money-${platform}`;
      return { type: 'user-account', id: scoId('user-account', { account_type: accountType, user_id: user }), ...common, account_type: accountType, user_id: user };
    }
    case 'person':
      return {
        type: 'identity', id: sdoId('identity', valueKey(value)), ...common, ...dated, name: value.key, identity_class: 'individual',
        ...(value.birth_year ? { description: `Born ${value.birth_year}` } : {}),
      };
    case 'imo':
    case 'mmsi':
    case 'vessel-name':
    case 'vehicle': {
      const name = value.kind === 'imo' ? `IMO ${value.key}` : value.kind === 'mmsi' ? `MMSI ${value.key}` : flagged(value.key);
      return { type: 'infrastructure', id: sdoId('infrastructure', valueKey(value)), ...common, ...dated, name, infrastructure_types: ['unknown'], description: value.kind === 'vehicle' ? 'vehicle' : 'vessel' };
    }
    case 'phone':
    case 'travel-document':
    case 'iban':
    case 'bank-account':
    case 'crypto':
      // STIX 2.1 has no observable for these: a new observable type, declared by an extension definition.
      return {
        type: ENTITY_TYPE, id: scoId(ENTITY_TYPE, { kind: value.kind, value: value.key }), ...common, kind: value.kind, value: value.key,
        extensions: { [ENTITY_EXTENSION]: { extension_type: 'new-sco' } },
      };
  }
}
/** The graph as a STIX 2.1 bundle; `members` names each owner (code → name). */
export function toStixBundle(graph: ExportGraph, members: ReadonlyMap<string, string>): { type: 'bundle'; id: string; objects: StixObject[] } {
  const objects = new Map<string, StixObject>();
  const add = (object: StixObject) => objects.set(object.id, object);
  const tlps = new Set<Tlp>(['CLEAR']);
  add(lintasIdentity());

  const valueIds = new Map<string, string>();
  const valueTlp = new Map<string, Tlp>();
  for (const value of graph.values) {
    const tlp = strictest(value.holders.map((h) => h.tlp));
    tlps.add(tlp);
    const object = valueObject(value, [TLP_MARKINGS[tlp]]);
    if (object.type === ENTITY_TYPE && !objects.has(ENTITY_EXTENSION)) {
      add({
        type: 'extension-definition', spec_version: '2.1', id: ENTITY_EXTENSION, created_by_ref: LINTAS_IDENTITY, created: DEFINED, modified: DEFINED,
        name: 'Lintas linkage entity', description: 'A value Lintas links records by, where STIX 2.1 has no observable for it.',
        schema: 'An observable with two required string properties: kind (phone, travel-document, iban, bank-account or crypto) and value (its normalised form: E.164 for a phone, ISSUER:NUMBER for a travel document, the IBAN, BIC8:NUMBER for a bank account, network:address for crypto). Id-contributing properties: kind and value.',
        version: '1.0.0', extension_types: ['new-sco'], object_marking_refs: [TLP_MARKINGS.CLEAR],
      });
    }
    add(object);
    valueIds.set(value.id, object.id);
    valueTlp.set(value.id, tlp);
  }

  const recordIds = new Map<string, { stixId: string; info: RecordInfo; markings: string[] }>();
  for (const { id, info } of graph.records) {
    tlps.add(info.tlp);
    if (!objects.has(memberIdentityId(info.owner))) add(memberIdentity(info.owner, members.get(info.owner) ?? info.owner));
    const handling = info.handling.map((code) => handlingMarking(code, info.handling_note));
    handling.forEach(add);
    recordIds.set(id, { stixId: sdoId('report', id), info, markings: [TLP_MARKINGS[info.tlp], ...handling.map((m) => m.id)] });
  }

  const refs = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const holder = recordIds.get(edge.source);
    if (edge.relation === 'holds' && holder) {
      const target = valueIds.get(edge.target);
      if (!target) continue;
      const id = sdoId('relationship', `holds:${holder.stixId}:${target}`);
      add({
        type: 'relationship', spec_version: '2.1', id, created_by_ref: sdoId('identity', `member:${holder.info.owner}`), created: iso(holder.info.date),
        modified: iso(later(holder.info.date, holder.info.updated)), relationship_type: 'related-to', source_ref: holder.stixId, target_ref: target,
        description: 'the record holds this value', object_marking_refs: holder.markings,
      });
      (refs.get(edge.source) ?? refs.set(edge.source, []).get(edge.source))?.push(target, id);
    } else if (edge.relation === 'similar') {
      const [a, b] = [valueIds.get(edge.source), valueIds.get(edge.target)];
      const holders = graph.values.filter((v) => v.id === edge.source || v.id === edge.target).flatMap((v) => v.holders);
      if (!a || !b || holders.length === 0) continue;
      const tlp = strictest([valueTlp.get(edge.source) ?? 'CLEAR', valueTlp.get(edge.target) ?? 'CLEAR']);
      const when = iso(holders.map((h) => later(h.date, h.updated)).reduce(later));
      add({
        type: 'relationship', spec_version: '2.1', id: sdoId('relationship', `similar:${a}:${b}`), created_by_ref: LINTAS_IDENTITY, created: when, modified: when,
        relationship_type: 'related-to', source_ref: a, target_ref: b, description: `similar names (trigram similarity ${edge.score})`,
        confidence: Math.round(edge.score * 100), object_marking_refs: [TLP_MARKINGS[tlp]],
      });
    }
  }

  for (const [id, { stixId, info, markings }] of recordIds) {
    const owner = memberIdentityId(info.owner);
    add({
      type: 'report', spec_version: '2.1', id: stixId, created_by_ref: owner, created: iso(info.date), modified: iso(later(info.date, info.updated)),
      name: info.title ?? `${info.module} ${info.record_type} ${info.record_id}`, published: iso(info.date),
      report_types: [info.module === 'linkage' && info.record_type === 'lead' ? 'threat-actor' : 'threat-report'],
      // A report refers to at least one object: a record holding nothing exportable refers to its owner.
      object_refs: refs.get(id) ?? [owner],
      external_references: [{ source_name: 'lintas', external_id: `${info.module}/${info.record_type}/${info.record_id}` }],
      object_marking_refs: markings,
    });
  }
  for (const tlp of TLP_ORDER) if (tlps.has(tlp)) add(tlpMarking(tlp));
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: [...objects.values()] };
}
