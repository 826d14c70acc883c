import type { Ctx } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { recordsShown, shownKey, type EntityRecordRef } from '../../platform/entity-sources.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import type { EntityKey } from './entities/index.js';

/** A record that holds entities, in any module. */
export type RecordRef = EntityRecordRef;

type Access = Omit<SharingRow, 'handling_note' | 'evaluation_source' | 'evaluation_information'> & Partial<SharingRow>;

/** A record's entity keys as they now stand, with the access fields its rows carry. */
export interface RecordEntities {
  record: RecordRef;
  access: Access;
  namedInHits: boolean;
  keys: readonly EntityKey[];
}

/** Records written in one statement of each kind: an import's 100,000 reports are a hundred pairs of statements, not 200,000. */
const RECORDS_A_STATEMENT = 1_000;

/**
 * Makes each record's entity rows its keys, each row carrying the record's access fields (rule 3), in
 * the caller's transaction: keys no longer held go, new ones come, kept ones keep their row (and
 * the time they were first written) and take the record's sharing. A record given twice takes its
 * last keys.
 */
export async function setRecordEntities(tx: Tx, items: readonly RecordEntities[]): Promise<void> {
  const latest = [...new Map(items.map((item) => [`${item.record.module} ${item.record.id}`, item])).values()];
  for (let from = 0; from < latest.length; from += RECORDS_A_STATEMENT) {
    const chunk = latest.slice(from, from + RECORDS_A_STATEMENT);
    const records = chunk.map(({ record, access, namedInHits }, index) => ({
      at: index + 1, module: record.module, record_type: record.recordType, record_id: record.id, named_in_hits: namedInHits,
      owner: access.owner, audience_kind: access.audience_kind, audience_members: access.audience_members, audience_groups: access.audience_groups,
      tlp: access.tlp, handling: access.handling, handling_note: access.handling_note ?? null,
    }));
    const keys = chunk.flatMap(({ keys: held }, index) =>
      [...new Map(held.map((key) => [`${key.kind} ${key.key}`, key])).values()].map((key) => ({
        at: index + 1, kind: key.kind, key: key.key,
        skeleton: key.kind === 'person' ? key.person.skeleton : null, birth_year: key.kind === 'person' ? key.person.birthYear : null,
      })),
    );
    const recordSet = sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r (at bigint, module text, record_type text, record_id uuid,
      named_in_hits boolean, owner text, audience_kind text, audience_members text[], audience_groups text[], tlp text, handling text[], handling_note text)`;
    const keySet = sql`unnest(${keys.map((key) => key.at)}::bigint[], ${keys.map((key) => key.kind)}::text[], ${keys.map((key) => key.key)}::text[],
      ${keys.map((key) => key.skeleton)}::text[], ${keys.map((key) => key.birth_year)}::int[]) AS k (at, kind, key, skeleton, birth_year)`;
    await tx.query(staleEntityRows(chunk.map(({ record }) => record), keys));
    if (keys.length === 0) continue;
    await tx.query(sql`
      INSERT INTO linkage_entities (module, record_type, record_id, kind, key, skeleton, birth_year, named_in_hits,
        owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note)
      SELECT r.module, r.record_type, r.record_id, k.kind, k.key, k.skeleton, k.birth_year, r.named_in_hits,
        r.owner, r.audience_kind, r.audience_members, r.audience_groups, r.tlp, r.handling, r.handling_note
      FROM ${keySet} JOIN ${recordSet} ON r.at = k.at
      ON CONFLICT (record_id, kind, key) DO UPDATE SET
        skeleton = excluded.skeleton, birth_year = excluded.birth_year, named_in_hits = excluded.named_in_hits,
        audience_kind = excluded.audience_kind, audience_members = excluded.audience_members, audience_groups = excluded.audience_groups,
        tlp = excluded.tlp, handling = excluded.handling, handling_note = excluded.handling_note`);
  }
}

/**
 * Removes the rows of these records whose keys are not among the ones given (each key named by its
 * record's place in `records`, from 1): the keys a write no longer holds. Each record's rows are read
 * by its id (OFFSET 0: a lookup a record in the index on record_id), and the rows to go deleted by
 * their ids: left to itself, the planner guessed the set's size or a member's share of the table
 * and read every row of the table, or every row the member owns, for a chunk of records. On a table
 * never analysed (PGlite's, always; PostgreSQL's until autovacuum comes) that cost grew with each
 * record written (the soak found each write slowing so). The rows read are kept or dropped by a hashed
 * comparison with the keys as text (a uuid, then a word without spaces, then the rest), not by a loop
 * over the keys for every row.
 */
export function staleEntityRows(records: readonly RecordRef[], keys: readonly { at: number; kind: string; key: string }[]): Sql {
  const ids = records.map((record) => record.id);
  const kept = keys.map(({ at, kind, key }) => `${ids[at - 1]!} ${kind} ${key}`);
  return sql`DELETE FROM linkage_entities e WHERE e.id = ANY(ARRAY(
    SELECT x.id FROM unnest(${ids}::uuid[], ${records.map((record) => record.module)}::text[]) AS r (record_id, module)
      CROSS JOIN LATERAL (SELECT x.id, x.module, x.kind, x.key FROM linkage_entities x WHERE x.record_id = r.record_id OFFSET 0) x
    WHERE x.module = r.module AND r.record_id || ' ' || x.kind || ' ' || x.key <> ALL(${kept}::text[])))`;
}

export async function removeRecordEntities(tx: Tx, records: readonly RecordRef[]): Promise<void> {
  if (records.length === 0) return;
  await tx.query(staleEntityRows(records, []));
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
