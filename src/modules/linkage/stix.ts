/**
 * The exported graph as a STIX 2.1 bundle, for MISP and OpenCTI: an identity per owner member, a
 * report per record (its title, owner and dates; object_refs to what it holds), the values as the
 * STIX object that fits each kind, `related-to` relationships for what a record holds and for
 * similar names, and the OASIS TLP 2.0 marking definitions (their fixed ids) on every object.
 * Ids are UUIDv5, so exporting the same records twice gives the same objects.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { HandlingCode, Tlp } from '../../platform/sharing/codes.js';
import type { ExportGraph, ExportValue } from './graph-export.js';
import type { RecordInfo } from './graph.js';

type StixObject = Record<string, unknown> & { type: string; id: string };

/** The OASIS TLP 2.0 marking definitions, as the TLP 2.0 extension publishes them. */
const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP_MARKINGS: Record<Tlp, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const TLP_ORDER: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const tlpMarking = (tlp: Tlp): StixObject => ({
  type: 'marking-definition', spec_version: '2.1', id: TLP_MARKINGS[tlp], created: '2022-10-01T00:00:00.000Z', name: `TLP:${tlp}`,
  extensions: { [TLP_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
});

/** The namespace STIX 2.1 gives for the ids of cyber-observable objects, and Lintas's own for the rest. */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
const LINTAS_NAMESPACE = '6f1c7f2e-3b1e-4f4a-9a57-1a2b0c8d4e5f';

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const sdoId = (type: string, name: string): string => `${type}--${uuidV5(name, LINTAS_NAMESPACE)}`;
/** An observable's id from its id-contributing properties, canonical JSON (keys sorted) as STIX 2.1 §2.9 asks. */
const scoId = (type: string, properties: Record<string, string>): string =>
  `${type}--${uuidV5(JSON.stringify(Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1)))), SCO_NAMESPACE)}`;

/** When the platform's own objects (identities, extension, handling statements) were defined: fixed, so each has one version. */
const DEFINED = '2024-01-01T00:00:00.000Z';
const LINTAS_IDENTITY = sdoId('identity', 'lintas');
const ENTITY_TYPE = 'lintas-entity';
const ENTITY_EXTENSION = sdoId('extension-definition', ENTITY_TYPE);

const HANDLING_TEXT: Record<HandlingCode, string> = {
  H0: 'H0: this information may be used in judicial proceedings.',
  H1: 'H1: this information must not be used in judicial proceedings without the permission of its provider.',
  H2: 'H2: this information must not be disseminated without the permission of its provider.',
  H3: 'H3: other restrictions apply',
};

const strictest = (levels: readonly Tlp[]): Tlp => levels.reduce<Tlp>((a, b) => (TLP_ORDER.indexOf(b) > TLP_ORDER.indexOf(a) ? b : a), 'CLEAR');
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
function memberIdentity(code: string, name: string): StixObject {
  return {
    type: 'identity', spec_version: '2.1', id: sdoId('identity', `member:${code}`), created: DEFINED, modified: DEFINED, name, identity_class: 'organization',
    external_references: [{ source_name: 'lintas-member', external_id: code }], object_marking_refs: [TLP_MARKINGS.CLEAR],
  };
}

/** The statement marking of a record's handling code (H3 with its note). */
function handlingMarking(code: HandlingCode, note: string | null): StixObject {
  const statement = code === 'H3' ? `${HANDLING_TEXT.H3}: ${note ?? 'see the provider'}` : HANDLING_TEXT[code];
  return { type: 'marking-definition', spec_version: '2.1', id: sdoId('marking-definition', statement), created: DEFINED, definition_type: 'statement', definition: { statement } };
}

/** The graph as a STIX 2.1 bundle; `members` names each owner (code → name). */
export function toStixBundle(graph: ExportGraph, members: ReadonlyMap<string, string>): { type: 'bundle'; id: string; objects: StixObject[] } {
  const objects = new Map<string, StixObject>();
  const add = (object: StixObject) => objects.set(object.id, object);
  const tlps = new Set<Tlp>(['CLEAR']);
  add({ type: 'identity', spec_version: '2.1', id: LINTAS_IDENTITY, created: DEFINED, modified: DEFINED, name: 'Lintas', identity_class: 'system', object_marking_refs: [TLP_MARKINGS.CLEAR] });

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
    if (!objects.has(sdoId('identity', `member:${info.owner}`))) add(memberIdentity(info.owner, members.get(info.owner) ?? info.owner));
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
    const owner = sdoId('identity', `member:${info.owner}`);
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
