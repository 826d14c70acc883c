import type { Ctx } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { recordsShown, shownKey, type EntityRecordRef } from '../../platform/entity-sources.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import type { EntityKey } from './entities/index.js';

/** A record that holds entities, in any module. */
export type RecordRef = EntityRecordRef;

type Access = Omit<SharingRow, 'handling_note' | 'evaluation_source' | 'evaluation_information'> & Partial<SharingRow>;

/**
 * Makes a record's entity rows its keys, each row carrying the record's access fields (rule 3), in
 * the caller's transaction: keys no longer held go, new ones come, kept ones keep their row (and
 * the time they were first written) and take the record's sharing.
 */
export async function setRecordEntities(tx: Tx, record: RecordRef, access: Access, namedInHits: boolean, keys: readonly EntityKey[]): Promise<void> {
  const unique = new Map(keys.map((key) => [`${key.kind} ${key.key}`, key]));
  const kinds = [...unique.values()].map((key) => key.kind);
  const values = [...unique.values()].map((key) => key.key);
  const skeletons = [...unique.values()].map((key) => (key.kind === 'person' ? key.person.skeleton : null));
  const years = [...unique.values()].map((key) => (key.kind === 'person' ? key.person.birthYear : null));
  await tx.query(sql`DELETE FROM linkage_entities e WHERE e.record_id = ${record.id} AND e.module = ${record.module}
    AND NOT (e.kind, e.key) IN (SELECT * FROM unnest(${kinds}::text[], ${values}::text[]))`);
  if (unique.size === 0) return;
  await tx.query(sql`
    INSERT INTO linkage_entities (module, record_type, record_id, kind, key, skeleton, birth_year, named_in_hits,
      owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note)
    SELECT ${record.module}, ${record.recordType}, ${record.id}, k.kind, k.key, k.skeleton, k.birth_year, ${namedInHits},
      ${access.owner}, ${access.audience_kind}, ${access.audience_members}, ${access.audience_groups}, ${access.tlp}, ${access.handling},
      ${access.handling_note ?? null}
    FROM unnest(${kinds}::text[], ${values}::text[], ${skeletons}::text[], ${years}::int[]) AS k (kind, key, skeleton, birth_year)
    ON CONFLICT (record_id, kind, key) DO UPDATE SET
      skeleton = excluded.skeleton, birth_year = excluded.birth_year, named_in_hits = excluded.named_in_hits,
      audience_kind = excluded.audience_kind, audience_members = excluded.audience_members, audience_groups = excluded.audience_groups,
      tlp = excluded.tlp, handling = excluded.handling, handling_note = excluded.handling_note`);
}

export async function removeRecordEntities(tx: Tx, records: readonly RecordRef[]): Promise<void> {
  if (records.length === 0) return;
  await tx.query(sql`DELETE FROM linkage_entities e USING unnest(${records.map((r) => r.module)}::text[], ${records.map((r) => r.id)}::uuid[]) AS r (module, id)
    WHERE e.record_id = r.id AND e.module = r.module`);
}

/** A record as links and notices name it: its module and type (the web app's page for it), id, owner and label. */
export interface ShownRecord {
  module: string;
  recordType: string;
  id: string;
  owner: string;
  label: string;
}

/**
 * Of entity rows' records the viewer may see (both walls passed on the entity rows), those its own
 * module shows the viewer too, with the label that module gives: a record its module would not show
 * (another member's report before the viewer's reciprocity allows it) is dropped, not named.
 */
export async function shownRecords<Row extends { module: string; record_type: string; record_id: string; owner: string }>(ctx: Ctx, rows: readonly Row[]): Promise<(Row & { record: ShownRecord })[]> {
  const shown = await recordsShown(ctx, rows.map((row) => ({ module: row.module, recordType: row.record_type, id: row.record_id })));
  return rows.flatMap((row) => {
    const ref = { module: row.module, recordType: row.record_type, id: row.record_id };
    const label = shown.get(shownKey(ref));
    return label === undefined ? [] : [{ ...row, record: { ...ref, owner: row.owner, label } }];
  });
}

export interface LinkRow {
  kind: string;
  key: string;
  score: number;
  module: string;
  record_type: string;
  record_id: string;
  owner: string;
}

/**
 * The records the viewer may see that hold an entity of this record: the same key exactly, or for a
 * person a name whose words or sound skeleton are similar enough (pg_trgm) with years of birth at
 * most a year apart when both are known, as the matcher stored the pair. Both walls of the sharing
 * rule apply to the other rows.
 */
export async function linksOf(ctx: Ctx, record: RecordRef, nameThreshold: number): Promise<(LinkRow & { record: ShownRecord })[]> {
  // Exact keys go through linkage_holders (migration 0028) and names through the stored pairs
  // (linkage_similar_names_of, migration 0033): both visit only rows the reader may see, or the read
  // would take longer the more hidden records hold its values or names like its own (a timing leak).
  // Each row found is read by its id (OFFSET 0: the planner may not scan the table for them instead).
  const rows = await ctx.tx.query<LinkRow>(sql`
    WITH mine AS (SELECT id, kind, key FROM linkage_entities WHERE record_id = ${record.id} AND module = ${record.module}),
    found AS (
      SELECT o.kind, o.key, 1.0::float8 AS score, o.module, o.record_type, o.record_id, o.owner
      FROM (SELECT array_agg(kind) AS kinds, array_agg(key) AS keys FROM mine WHERE kind <> 'person') m
        CROSS JOIN LATERAL linkage_holders(coalesce(m.kinds, '{}'), coalesce(m.keys, '{}')) h
        CROSS JOIN LATERAL (SELECT * FROM linkage_entities o WHERE o.id = h.id OFFSET 0) o
      WHERE o.record_id <> ${record.id} AND ${ctx.visible('o')}
        AND NOT EXISTS (SELECT 1 FROM linkage_values v WHERE v.kind = o.kind AND v.key = o.key AND v.status = 'benign')
      UNION ALL
      -- A pair stored at a lower threshold than today's setting shows only once it is close enough;
      -- one below a lowered setting exists only after the pairs are rebuilt (README: name pairs).
      SELECT o.kind, o.key, s.score, o.module, o.record_type, o.record_id, o.owner
      FROM (SELECT array_agg(id) AS ids FROM mine WHERE kind = 'person') m
        CROSS JOIN LATERAL linkage_similar_names_of(coalesce(m.ids, '{}')) s
        CROSS JOIN LATERAL (SELECT * FROM linkage_entities o WHERE o.id = s.other_id OFFSET 0) o
      WHERE s.score >= ${nameThreshold}::real AND o.record_id <> ${record.id} AND ${ctx.visible('o')}
    )
    SELECT DISTINCT ON (f.record_id, f.kind, f.key) f.*
    FROM found f
    ORDER BY f.record_id, f.kind, f.key, f.score DESC`);
  return shownRecords(ctx, rows);
}
