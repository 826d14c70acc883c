/**
 * The linkage graph: records and the values they hold, expanded one step at a time from a record or
 * a value. Only records the viewer may see become nodes (both walls of the sharing rule, as in
 * `linksOf`), and a value node is a value a visible record holds or that the viewer gave itself: it
 * carries no count, so nothing in the graph says how many records the viewer may not see hold it
 * (rules 2 and 6). Every expansion writes an audit row.
 */
import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { invalid, notFound } from '../../platform/errors.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { mayPassOn } from '../../platform/sharing/rule.js';
import { keysOf } from './entity-input.js';
import type { GraphExpand, GraphFilter, GraphRecordRef, GraphValueRef, KeyKindName } from './graph-schemas.js';
import { linkageSettings } from './settings.js';
import { shownRecords } from './store.js';

/** A record the viewer may see, as the graph shows it. */
export interface RecordInfo extends Pick<SharingRow, 'owner' | 'tlp' | 'handling' | 'handling_note'> {
  module: string;
  record_type: string;
  record_id: string;
  title: string | null;
  date: Date;
  updated: Date;
}

/** A value a record holds. */
export interface HeldValue {
  record_id: string;
  kind: KeyKindName;
  key: string;
  birth_year: number | null;
}

interface Holder extends RecordInfo, Omit<HeldValue, 'record_id'> {
  score: number;
}

export const recordNodeId = (ref: { module: string; record_type: string; record_id: string }): string => `record:${ref.module}:${ref.record_type}:${ref.record_id}`;
/** A person's name is one value per year of birth (names match only when the years are at most one apart). */
export const valueNodeId = (value: { kind: string; key: string; birth_year?: number | null }): string =>
  value.kind === 'person' ? `value:person:${value.key}:${value.birth_year ?? ''}` : `value:${value.kind}:${value.key}`;

/**
 * Of records the sharing rule lets the viewer see, those their own module shows it too, titled as that
 * module labels them (store.ts `shownRecords`): another member's report its reciprocity rule still
 * hides is left out of the graph as it is left out of links.
 */
async function shownOnly<Row extends RecordInfo>(ctx: Ctx, rows: readonly Row[]): Promise<Row[]> {
  return (await shownRecords(ctx, rows)).map(({ record, ...row }) => ({ ...(row as unknown as Row), title: record.label }));
}

/**
 * The entity rows of the record `r`, read by its id (OFFSET 0: one lookup a record). Joined to the set
 * of records instead, the planner guessed and scanned the whole table for any set of more than one
 * record on a table never analysed (PGlite's, always): every member's rows visited, hidden or not.
 */
const rowsOfRecord = sql`(SELECT * FROM linkage_entities e WHERE e.record_id = r.record_id OFFSET 0) e`;

/** The records among `refs` the viewer may see: leads from their table (one without entities too), others by their entity rows' access fields (rule 3). */
export async function visibleRecords(ctx: Ctx, refs: readonly GraphRecordRef[]): Promise<RecordInfo[]> {
  if (refs.length === 0) return [];
  const leads = refs.filter((r) => r.module === 'linkage' && r.recordType === 'lead').map((r) => r.id);
  const others = refs.filter((r) => !(r.module === 'linkage' && r.recordType === 'lead'));
  return shownOnly(ctx, await ctx.tx.query<RecordInfo>(sql`
    SELECT 'linkage' AS module, 'lead' AS record_type, l.id::text AS record_id, l.owner, l.tlp, l.handling, l.handling_note, l.title, l.created_at AS date, l.updated_at AS updated
    FROM linkage_leads l WHERE l.id = ANY(${leads}::uuid[]) AND ${ctx.visible('l')}
    UNION ALL
    SELECT e.module, e.record_type, e.record_id::text, e.owner, e.tlp, e.handling, e.handling_note, NULL, min(e.created_at), max(e.created_at)
    FROM unnest(${others.map((r) => r.module)}::text[], ${others.map((r) => r.recordType)}::text[], ${others.map((r) => r.id)}::uuid[]) AS r (module, record_type, record_id)
      CROSS JOIN LATERAL ${rowsOfRecord}
    WHERE e.module = r.module AND e.record_type = r.record_type AND ${ctx.visible('e')}
    GROUP BY e.module, e.record_type, e.record_id, e.owner, e.tlp, e.handling, e.handling_note`));
}

/** The values the given (visible) records hold, of the given kinds. */
export async function valuesOf(ctx: Ctx, records: readonly RecordInfo[], kinds?: readonly string[]): Promise<HeldValue[]> {
  if (records.length === 0) return [];
  return ctx.tx.query<HeldValue>(sql`
    SELECT e.record_id::text, e.kind, e.key, e.birth_year
    FROM unnest(${records.map((r) => r.module)}::text[], ${records.map((r) => r.record_type)}::text[], ${records.map((r) => r.record_id)}::uuid[]) AS r (module, record_type, record_id)
      CROSS JOIN LATERAL ${rowsOfRecord}
    WHERE e.module = r.module AND e.record_type = r.record_type AND ${ctx.visible('e')} ${kinds ? sql`AND e.kind = ANY(${kinds}::text[])` : sql``}
    ORDER BY e.kind, e.key`);
}

function dated(filter: GraphFilter, column: Sql): Sql {
  const day = sql`(${column} AT TIME ZONE 'UTC')::date`;
  return sql`${filter.from ? sql`AND ${day} >= ${filter.from}::date` : sql``} ${filter.to ? sql`AND ${day} <= ${filter.to}::date` : sql``}`;
}

/**
 * The records the viewer may see that hold a value: the same key, or for a name one similar enough
 * with years of birth at most one apart (as `linksOf`). Values on the warning lists link nothing.
 * At most `limit + 1`, so the caller knows there were more.
 */
async function holdersOf(ctx: Ctx, value: GraphValueRef, filter: GraphFilter, limit: number, nameThreshold: number): Promise<Holder[]> {
  const date = sql`coalesce(l.created_at, e.created_at)`;
  const columns = sql`e.module, e.record_type, e.record_id::text, e.owner, e.tlp, e.handling, e.handling_note, l.title, ${date} AS date, coalesce(l.updated_at, e.created_at) AS updated,
    e.kind, e.key, e.birth_year, f.score`;
  // The rows found, each read by its id (OFFSET 0 keeps the planner from scanning the table and
  // joining the ids to it, which on a small table it may prefer: every row, hidden or not, visited).
  const from = (found: Sql) => sql`FROM (${found}) f
    CROSS JOIN LATERAL (SELECT * FROM linkage_entities e WHERE e.id = f.id OFFSET 0) e
    LEFT JOIN linkage_leads l ON e.module = 'linkage' AND e.record_type = 'lead' AND l.id = e.record_id AND ${ctx.visible('l')}`;
  const usable = sql`${ctx.visible('e')} ${dated(filter, date)}
    AND NOT EXISTS (SELECT 1 FROM linkage_values v WHERE v.kind = e.kind AND v.key = e.key AND v.status = 'benign')`;
  if (value.kind !== 'person') {
    // Through linkage_holders (migration 0028): only rows the viewer may see are visited, so the
    // step takes no longer when hidden records hold the value.
    return shownOnly(ctx, await ctx.tx.query<Holder>(sql`SELECT ${columns}
      ${from(sql`SELECT h.id, 1.0::float8 AS score FROM linkage_holders(ARRAY[${value.kind}::text], ARRAY[${value.key}::text]) h`)}
      WHERE ${usable}
      ORDER BY ${date} DESC, e.record_id LIMIT ${limit + 1}`));
  }
  // A name: the rows the viewer may see that hold exactly it (linkage_holders; words in any order
  // and script make one key), with years of birth at most one apart, and the similar names stored
  // with them (linkage_similar_names_of, migration 0033). Neither visits a row the viewer may not
  // see, so a typed name is not matched by similarity against every name: a name no visible record
  // holds finds nothing, however many hidden records hold it or names like it.
  const year = value.birthYear ?? null;
  const nearYear = (column: Sql) => sql`(${year}::int IS NULL OR ${column} IS NULL OR abs(${column} - ${year}::int) <= 1)`;
  return shownOnly(ctx, await ctx.tx.query<Holder>(sql`
    WITH exact AS MATERIALIZED (
      SELECT x.id FROM linkage_holders(ARRAY['person'], ARRAY[${value.key}::text]) h
        CROSS JOIN LATERAL (SELECT x.id, x.birth_year FROM linkage_entities x WHERE x.id = h.id OFFSET 0) x
      WHERE ${nearYear(sql`x.birth_year`)}
    ), found AS (
      SELECT id, 1.0::float8 AS score FROM exact
      UNION ALL
      SELECT s.other_id, s.score FROM linkage_similar_names_of((SELECT coalesce(array_agg(id), '{}') FROM exact)) s
      WHERE s.score >= ${nameThreshold}::real
    )
    SELECT ${columns} ${from(sql`SELECT id, max(score) AS score FROM found GROUP BY id`)}
    WHERE e.kind = 'person' AND ${nearYear(sql`e.birth_year`)} AND ${usable}
    ORDER BY f.score DESC, ${date} DESC, e.record_id LIMIT ${limit + 1}`));
}

/** Collects nodes and edges once each. */
export class GraphBuilder {
  readonly nodes = new Map<string, Record<string, unknown>>();
  readonly edges = new Map<string, { source: string; target: string; relation: 'holds' | 'similar'; score: number }>();
  readonly records = new Map<string, RecordInfo>();

  constructor(private readonly ctx: Ctx) {}

  record(info: RecordInfo): string {
    const id = recordNodeId(info);
    if (!this.nodes.has(id)) {
      this.records.set(id, info);
      this.nodes.set(id, {
        id, type: 'record', module: info.module, recordType: info.record_type, recordId: info.record_id, owner: info.owner,
        title: info.title, date: info.date.toISOString(), tlp: info.tlp, passOn: mayPassOn(this.ctx.actor, info),
      });
    }
    return id;
  }

  value(value: { kind: KeyKindName; key: string; birth_year?: number | null }): string {
    const id = valueNodeId(value);
    if (!this.nodes.has(id)) {
      this.nodes.set(id, { id, type: 'value', kind: value.kind, key: value.key, ...(value.kind === 'person' ? { birthYear: value.birth_year ?? null } : {}) });
    }
    return id;
  }

  edge(source: string, target: string, relation: 'holds' | 'similar', score: number): void {
    const [a, b] = relation === 'similar' && target < source ? [target, source] : [source, target];
    this.edges.set(`${relation} ${a} ${b}`, { source: a, target: b, relation, score: Math.round(score * 1000) / 1000 });
  }
}

/** The value(s) an expansion starts from: as given, or an entity normalised as records' entities are. */
function startValues(input: GraphExpand): GraphValueRef[] {
  if (input.value) return [input.value];
  if (!input.entity) return [];
  const { keys, errors } = keysOf(input.entity, '/entity', input.country);
  if (errors.length > 0) throw invalid(errors);
  return keys.map((key) => ({ kind: key.kind, key: key.key, ...(key.kind === 'person' ? { birthYear: key.person.birthYear } : {}) }));
}

/**
 * One step of the graph: from a record, the values it holds; from a value (or an entity as typed),
 * the records the viewer may see that hold it, and for a name the similar names they hold.
 */
export async function expand(ctx: Ctx, input: GraphExpand) {
  const given = (['record', 'value', 'entity'] as const).filter((field) => input[field] !== undefined);
  if (given.length !== 1) {
    throw invalid((given.length === 0 ? ['record'] : given).map((field) => ({ pointer: `/${field}`, detail: 'give one start: a record, a value or an entity' })));
  }
  if (input.country && !input.entity) throw invalid([{ pointer: '/country', detail: 'a country reads an entity; give it with one' }]);
  const filter = input.filter ?? {};
  const limit = input.limit ?? 100;
  const graph = new GraphBuilder(ctx);
  const start: string[] = [];
  let truncated = false;
  if (input.record) {
    const [info] = await visibleRecords(ctx, [input.record]);
    if (!info) throw notFound();
    const recordId = graph.record(info);
    start.push(recordId);
    for (const held of await valuesOf(ctx, [info], filter.kinds)) graph.edge(recordId, graph.value(held), 'holds', 1);
  } else {
    const threshold = linkageSettings.of(ctx.platform.config).nameSimilarity / 100;
    for (const value of startValues(input)) {
      const valueId = graph.value({ kind: value.kind, key: value.key, birth_year: value.birthYear ?? null });
      start.push(valueId);
      const holders = await holdersOf(ctx, value, filter, limit, threshold);
      truncated ||= holders.length > limit;
      for (const holder of holders.slice(0, limit)) {
        const heldId = graph.value(holder);
        graph.edge(graph.record(holder), heldId, 'holds', 1);
        if (heldId !== valueId) graph.edge(valueId, heldId, 'similar', holder.score);
      }
    }
  }
  const records = [...graph.records.values()].map((info) => ({ id: info.record_id, owner: info.owner }));
  const details = {
    start: input.record ?? (input.value ? { kind: input.value.kind, key: input.value.key } : { entity: input.entity?.type, keys: start.length }),
    filter,
    nodes: graph.nodes.size,
  };
  await ctx.audit(readEvent('linkage.graph-read', 'linkage-record', ctx.actor.member, records, details) ?? { action: 'linkage.graph-read', objectType: 'linkage-record', details });
  return { data: { start, nodes: [...graph.nodes.values()], edges: [...graph.edges.values()], truncated } };
}
