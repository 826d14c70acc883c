/**
 * Bulletins as records that hold entities (platform/entity-sources.ts): the phones, handles, travel
 * documents and vessels a bulletin names are offered to linkage with the bulletin's access fields,
 * in the transaction of every create and correction, so linkage's rows follow its sharing.
 */
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { EntityError, entityNormaliserFor } from '../../platform/entities.js';
import { offerEntities, type EntitySource } from '../../platform/entity-sources.js';
import type { FieldError } from '../../platform/errors.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { ENTITY_FIELDS_OF } from './codes.js';
import type { BulletinEntity } from './schemas.js';

/** One entity as a part of the record, its fields named as the declaration below maps them. */
function partOf(entity: BulletinEntity): Record<string, string | undefined> {
  switch (entity.type) {
    case 'phone':
      return { phone: entity.value };
    case 'handle':
      return { handlePlatform: entity.platform, handle: entity.value };
    case 'travel-document':
      return { documentIssuer: entity.issuer, documentNumber: entity.number };
    case 'vessel':
      return { imo: entity.imo, mmsi: entity.mmsi, vesselName: entity.name, vesselFlag: entity.flag };
    default: {
      const unknown: never = entity.type;
      return unknown;
    }
  }
}

export const bulletinSource: EntitySource = {
  recordType: 'bulletin',
  entities: {
    phone: { value: 'phone' },
    handle: { platform: 'handlePlatform', value: 'handle' },
    'travel-document': { issuer: 'documentIssuer', number: 'documentNumber' },
    vessel: { imo: 'imo', mmsi: 'mmsi', name: 'vesselName', flag: 'vesselFlag' },
  },
  /** The bulletins the viewer may see, labelled by their titles. */
  async shown(ctx, ids) {
    const rows = await ctx.tx.query<{ id: string; title: string }>(sql`SELECT b.id, b.title FROM bulletins b WHERE b.id = ANY(${[...ids]}::uuid[]) AND ${ctx.visible('b')}`);
    return new Map(rows.map((row) => [row.id, row.title]));
  },
  disclosable: {
    fields: [
      { name: 'type', label: 'Kind of bulletin' },
      { name: 'title', label: 'Title' },
      { name: 'body', label: 'Text' },
      { name: 'countries', label: 'Countries' },
      { name: 'places', label: 'Airports and ports' },
      { name: 'entities', label: 'Entities' },
    ],
    async read(ctx, ids) {
      const rows = await ctx.tx.query<{ id: string; type: string; title: string; body: string; countries: string[]; places: string[]; entities: unknown }>(sql`
        SELECT b.id, b.type, b.title, b.body, b.countries, b.places, b.entities FROM bulletins b
        WHERE b.id = ANY(${[...ids]}::uuid[]) AND b.owner = ${ctx.actor.member} AND ${ctx.visible('b')}`);
      return new Map(rows.map(({ id, ...fields }) => [id, fields]));
    },
  },
};

/** The fields each entity needs and takes, and the values the platform's registered normalisers cannot read, at their pointers. */
export function entityErrors(entities: readonly BulletinEntity[] | undefined): FieldError[] {
  const errors: FieldError[] = [];
  (entities ?? []).forEach((entity, index) => {
    const pointer = `/entities/${index}`;
    const [required, optional] = ENTITY_FIELDS_OF[entity.type];
    const given = Object.keys(entity).filter((field) => field !== 'type');
    for (const field of required) if (!given.includes(field)) errors.push({ pointer: `${pointer}/${field}`, detail: `a ${entity.type} needs its ${field}` });
    for (const field of given) {
      if (!required.includes(field) && !optional.includes(field)) errors.push({ pointer: `${pointer}/${field}`, detail: `a ${entity.type} takes ${[...required, ...optional].join(', ')}; not ${field}` });
    }
    if (entity.type === 'vessel' && !entity.imo && !entity.mmsi && !entity.name) errors.push({ pointer, detail: 'a vessel needs its IMO number, MMSI or name' });
    if (entity.type === 'vessel' && entity.flag && !entity.name) errors.push({ pointer: `${pointer}/name`, detail: 'a vessel flag goes with the vessel’s name' });
    const checks: [string, Record<string, string | undefined>][] =
      entity.type === 'travel-document' ? [['travel-document', { issuer: entity.issuer, number: entity.number }]]
      : entity.type === 'vessel' ? [...(entity.imo ? [['imo', { imo: entity.imo }] as [string, Record<string, string>]] : []), ...(entity.mmsi ? [['mmsi', { mmsi: entity.mmsi }] as [string, Record<string, string>]] : [])]
      : [];
    for (const [type, fields] of checks) {
      const normalise = entityNormaliserFor(type);
      if (!normalise || errors.some((error) => error.pointer.startsWith(pointer))) continue;
      try {
        normalise(fields);
      } catch (error) {
        if (!(error instanceof EntityError)) throw error;
        errors.push({ pointer: `${pointer}/${error.field === 'value' ? Object.keys(fields)[0] : error.field}`, detail: error.message });
      }
    }
  });
  return errors;
}

/** Offers the bulletin's entities, as it now stands, to linkage, in the caller's transaction (its write). */
export async function offerBulletin(tx: Tx, id: string): Promise<void> {
  const row = await tx.one<SharingRow & { id: string; countries: string[]; entities: BulletinEntity[] | string }>(sql`
    SELECT b.id, b.countries, b.entities, b.owner, b.audience_kind, b.audience_members, b.audience_groups, b.tlp, b.handling, b.handling_note,
      b.evaluation_source, b.evaluation_information
    FROM bulletins b WHERE b.id = ${id}`);
  const entities = typeof row.entities === 'string' ? (JSON.parse(row.entities) as BulletinEntity[]) : row.entities;
  await offerEntities(tx, [{
    module: 'bulletins',
    recordType: 'bulletin',
    id,
    access: { owner: row.owner, audience_kind: row.audience_kind, audience_members: row.audience_members, audience_groups: row.audience_groups, tlp: row.tlp, handling: row.handling, handling_note: row.handling_note },
    country: row.countries[0] ?? null,
    parts: entities.map(partOf),
  }]);
}
