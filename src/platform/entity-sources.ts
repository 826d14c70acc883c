/**
 * Records that hold entities (phones, vessels, documents, …), offered by the module that owns them
 * to whatever consumes entities (linkage registers as the consumer), without either importing the
 * other. A module declares its entity-bearing record types and which of their fields hold which
 * entity type (`entitySources` in its declaration); in the transaction that writes, re-shares or
 * deletes such a record it calls `offerEntities` or `withdrawEntities` with the record's access
 * fields, so the derived rows keep in step with it (DESIGN.md §3, rule 3). Filled by `defineModule`.
 */
import type { Ctx } from './context.js';
import type { Tx } from './db/database.js';
import type { SharingRow } from './sharing/model.js';

/** For each entity type a record offers, which field of the record (or of its part) holds which field of the entity. */
export type EntityFieldMap = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A record type of a module that holds entities. */
export interface EntitySource {
  /** The record type, e.g. `report` or `hit`. */
  readonly recordType: string;
  /** Which fields hold which entity type, e.g. `{ vessel: { imo: 'imo', name: 'vesselName', flag: 'vesselFlag' } }`. */
  readonly entities: EntityFieldMap;
  /**
   * Set when another member than the owner writes the record on the owner's behalf, sharing it with
   * itself alone (a document hit: the checker opens it, the issuer owns it). The consumer's second
   * wall then lets that member write the record's entity rows only where the record exists in
   * `table` with exactly these access fields.
   */
  readonly writtenByAudience?: { readonly table: string };
  /**
   * The records among `ids` the viewer may see under the module's own rules, each with a label of
   * what the record itself shows the viewer. A record not returned is not shown anywhere else either.
   */
  shown(ctx: Ctx, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /**
   * What a holder may disclose of such a record to a member told of a match (linkage's step two).
   * A source without it cannot be disclosed from.
   */
  readonly disclosable?: Disclosable;
}

/** A field a holder may disclose: a stable name (the API's) and an English label. */
export interface DisclosableField {
  readonly name: string;
  readonly label: string;
}

/** The fields of a record type a holder may disclose, and how their values are read. */
export interface Disclosable {
  readonly fields: readonly DisclosableField[];
  /**
   * The values of every disclosable field of the records among `ids` that the acting member owns,
   * read through `ctx` (row-level security and the query layer's condition apply): a record it does
   * not own is absent. A value the record does not hold is null.
   */
  read(ctx: Ctx, ids: readonly string[]): Promise<ReadonlyMap<string, Readonly<Record<string, unknown>>>>;
}

/** The access fields of a record that its derived rows copy. */
export type EntityAccess = Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups' | 'tlp' | 'handling' | 'handling_note'>;

/** A record that holds entities, in any module. */
export interface EntityRecordRef {
  module: string;
  recordType: string;
  id: string;
}

/** A record as its module offers it: its access fields and its parts (the record itself, or each of its route legs). */
export interface OfferedRecord extends EntityRecordRef {
  access: EntityAccess;
  /** Where the record was written (alpha-3): national numbers without a country are read in it. */
  country?: string | null;
  /** Whether a member told of a match with this record learns the owner's name (else "another member"). Default true. */
  namedInHits?: boolean;
  parts: readonly Readonly<Record<string, unknown>>[];
}

/** One entity of a record, its fields named as the entity type names them (`{ imo, mmsi, name, flag }`). */
export interface OfferedEntity {
  type: string;
  fields: Readonly<Record<string, string>>;
}

export interface ExtractedRecord extends Omit<OfferedRecord, 'parts'> {
  entities: readonly OfferedEntity[];
}

/** What consumes entities: keeps a record's entities (replacing what it kept of it) and forgets a record. */
export interface EntityConsumer {
  keep(tx: Tx, records: readonly ExtractedRecord[]): Promise<void>;
  forget(tx: Tx, records: readonly EntityRecordRef[]): Promise<void>;
}

const sources = new Map<string, { module: string; source: EntitySource }>();
const consumers = new Map<string, EntityConsumer>();
const sourceKey = (module: string, recordType: string): string => `${module}/${recordType}`;

export function declareEntitySources(module: string, declared: readonly EntitySource[]): void {
  for (const source of declared) sources.set(sourceKey(module, source.recordType), { module, source });
}

export function registerEntityConsumer(module: string, consumer: EntityConsumer): void {
  consumers.set(module, consumer);
}

/** Every declared source, with its module. */
export function entitySources(): { module: string; source: EntitySource }[] {
  return [...sources.values()];
}

function sourceOf(module: string, recordType: string): EntitySource {
  const found = sources.get(sourceKey(module, recordType));
  if (!found) throw new Error(`${module} declares no entity source ${recordType}`);
  return found.source;
}

/** What a holder may disclose of a module's record type, or undefined when nothing (or no such source). */
export function disclosableOf(module: string, recordType: string): Disclosable | undefined {
  return sources.get(sourceKey(module, recordType))?.source.disclosable;
}

/** The entities a record's parts hold, by its source's declaration: a field left empty is no part of an entity. */
export function extractEntities(source: Pick<EntitySource, 'entities'>, parts: OfferedRecord['parts']): OfferedEntity[] {
  const found: OfferedEntity[] = [];
  for (const part of parts) {
    for (const [type, map] of Object.entries(source.entities)) {
      const fields: Record<string, string> = {};
      for (const [field, from] of Object.entries(map)) {
        const value = part[from];
        if ((typeof value === 'string' || typeof value === 'number') && String(value).trim() !== '') fields[field] = String(value).trim();
      }
      if (Object.keys(fields).length > 0) found.push({ type, fields });
    }
  }
  return found;
}

/** Hands the records' entities and access fields to every consumer, in the caller's transaction (the record's write). */
export async function offerEntities(tx: Tx, records: readonly OfferedRecord[]): Promise<void> {
  if (records.length === 0 || consumers.size === 0) return;
  const extracted = records.map(({ parts, ...record }) => ({ ...record, entities: extractEntities(sourceOf(record.module, record.recordType), parts) }));
  for (const consumer of consumers.values()) await consumer.keep(tx, extracted);
}

/** Tells every consumer the records are gone (deleted), in the caller's transaction. */
export async function withdrawEntities(tx: Tx, records: readonly EntityRecordRef[]): Promise<void> {
  if (records.length === 0) return;
  for (const record of records) sourceOf(record.module, record.recordType);
  for (const consumer of consumers.values()) await consumer.forget(tx, records);
}

/**
 * Of these records, those the viewer may see by their own module's rules, with their labels, keyed
 * `module/recordType/id`. A record type nobody declares is shown nowhere.
 */
export async function recordsShown(ctx: Ctx, records: readonly EntityRecordRef[]): Promise<Map<string, string>> {
  const groups = new Map<string, { module: string; recordType: string; ids: Set<string> }>();
  for (const record of records) {
    const key = sourceKey(record.module, record.recordType);
    const group = groups.get(key) ?? { module: record.module, recordType: record.recordType, ids: new Set<string>() };
    group.ids.add(record.id);
    groups.set(key, group);
  }
  const shown = new Map<string, string>();
  for (const [key, group] of groups) {
    const source = sources.get(key)?.source;
    if (!source) continue;
    for (const [id, label] of await source.shown(ctx, [...group.ids])) shown.set(`${key}/${id}`, label);
  }
  return shown;
}

export const shownKey = (record: EntityRecordRef): string => `${sourceKey(record.module, record.recordType)}/${record.id}`;
