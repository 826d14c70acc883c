/**
 * Linkage as the consumer of the entities other modules offer (platform/entity-sources.ts): a
 * record's offered fields become its entity rows, each carrying the record's access fields, in the
 * transaction of the record's write; its own leads are a source like any other, so links and notices
 * name every record the same way ({ module, recordType, id, label }).
 */
import type { Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { EntityError, type EntityNormaliser } from '../../platform/entities.js';
import { entitySources, type EntityConsumer, type EntitySource, type OfferedEntity } from '../../platform/entity-sources.js';
import { entityKeys, ENTITY_TYPES, type EntityInput, type EntityKey, type EntityType } from './entities/index.js';
import { normaliseImo, normaliseMmsi, normaliseVesselName } from './entities/vessels.js';
import { removeRecordEntities, setRecordEntities } from './store.js';

/** The vessel normalisers linkage owns, offered to the modules that validate vessels on input (reports' route legs). */
export const vesselNormalisers: Readonly<Record<string, EntityNormaliser>> = {
  imo: (fields) => normaliseImo(fields.imo ?? fields.value ?? ''),
  mmsi: (fields) => normaliseMmsi(fields.mmsi ?? fields.value ?? ''),
  'vessel-name': (fields) => normaliseVesselName(fields.name ?? '', fields.flag),
};

/** One offered entity as linkage's inputs: a vessel's identifiers each on their own, so one that cannot be read does not drop the others. */
function inputsOf(entity: OfferedEntity): EntityInput[] {
  if (!(ENTITY_TYPES as readonly string[]).includes(entity.type)) return [];
  const type = entity.type as EntityType;
  const fields = entity.fields;
  if (type === 'vessel') {
    return [
      ...(fields.imo ? [{ type, imo: fields.imo }] : []),
      ...(fields.mmsi ? [{ type, mmsi: fields.mmsi }] : []),
      ...(fields.name ? [{ type, name: fields.name, ...(fields.flag ? { flag: fields.flag } : {}) }] : []),
    ] as EntityInput[];
  }
  if (type === 'person') return [{ type, name: fields.name ?? '', birthYear: fields.birthYear ? Number(fields.birthYear) : null }];
  return [{ ...fields, type } as EntityInput];
}

/**
 * The keys of offered entities. The offering module validated what an officer typed; a value that
 * still cannot be read (a vessel's name with no flag) is no key, and the record's write goes on.
 */
export function offeredKeys(entities: readonly OfferedEntity[], country: string | null | undefined): EntityKey[] {
  return entities.flatMap(inputsOf).flatMap((input) => {
    try {
      return entityKeys(input, country ? { country } : {});
    } catch (error) {
      if (error instanceof EntityError) return [];
      throw error;
    }
  });
}

export const linkageConsumer: EntityConsumer = {
  async keep(tx: Tx, records) {
    await setRecordEntities(
      tx,
      records.map((record) => ({ record, access: record.access, namedInHits: record.namedInHits ?? true, keys: offeredKeys(record.entities, record.country) })),
    );
  },
  async forget(tx: Tx, records) {
    await removeRecordEntities(tx, records);
  },
};

/** The fields of a lead its holder may disclose (step two), as the lead form names them. */
const LEAD_FIELDS = [
  { name: 'title', label: 'Title' },
  { name: 'subject', label: 'About' },
  { name: 'narrative', label: 'Narrative' },
  { name: 'country', label: 'Country' },
  { name: 'entities', label: 'Entities' },
] as const;

/** Linkage's own leads as a source: its entity rows are written by the lead service; its label is its title. */
export const leadSource: EntitySource = {
  recordType: 'lead',
  entities: {},
  async shown(ctx, ids) {
    const rows = await ctx.tx.query<{ id: string; title: string }>(sql`SELECT l.id, l.title FROM linkage_leads l WHERE l.id = ANY(${[...ids]}::uuid[]) AND ${ctx.visible('l')}`);
    return new Map(rows.map((row) => [row.id, row.title]));
  },
  disclosable: {
    fields: LEAD_FIELDS,
    async read(ctx, ids) {
      const rows = await ctx.tx.query<{ id: string; title: string; subject: string; narrative: string; country: string | null; entities: unknown }>(sql`
        SELECT l.id, l.title, l.subject, l.narrative, l.country, l.entities FROM linkage_leads l
        WHERE l.id = ANY(${[...ids]}::uuid[]) AND l.owner = ${ctx.actor.member} AND ${ctx.visible('l')}`);
      return new Map(rows.map(({ id, ...fields }) => [id, fields]));
    },
  },
};

/**
 * Puts the record types written on their owner's behalf (migration 0024) where the second wall
 * reads them: an entity row of such a record may be written by the one member its record is shared
 * with, only where the record exists with the same access fields.
 */
export async function prepareSources(platform: Platform): Promise<void> {
  const behalf = entitySources().flatMap(({ module, source }) => (source.writtenByAudience ? [{ module, recordType: source.recordType, table: source.writtenByAudience.table }] : []));
  await platform.db.ownerTransaction(async (tx) => {
    // Server processes starting together on one database take turns (else the second one's insert
    // meets the first one's uncommitted rows: a duplicate key).
    await tx.query(sql`LOCK TABLE linkage_sources IN EXCLUSIVE MODE`);
    await tx.query(sql`DELETE FROM linkage_sources`);
    for (const source of behalf) {
      await tx.query(sql`INSERT INTO linkage_sources (module, record_type, source_table) VALUES (${source.module}, ${source.recordType}, ${source.table}::regclass)`);
    }
  });
}
