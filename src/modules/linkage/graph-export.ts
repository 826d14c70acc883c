/**
 * Exports of the graph the viewer sees: the records it asks for that it may see and may pass on
 * (rule 5: not others' AMBER+STRICT, RED or H2 records), the values those records hold, and the
 * links between them, as GraphML or a STIX 2.1 bundle (stix.ts). The client says what it shows;
 * the server decides again what of it may leave, and one audit row names the others' records.
 */
import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { mayPassOn } from '../../platform/sharing/rule.js';
import { skeletonOf } from './entities/names.js';
import { recordNodeId, valueNodeId, valuesOf, visibleRecords, type HeldValue, type RecordInfo } from './graph.js';
import type { GraphExport } from './graph-schemas.js';
import { linkageSettings } from './settings.js';

export interface ExportValue {
  id: string;
  kind: HeldValue['kind'];
  key: string;
  birth_year: number | null;
  /** The exported records holding it: a value is marked at the strictest TLP among them. */
  holders: RecordInfo[];
}

export interface ExportGraph {
  records: { id: string; info: RecordInfo }[];
  values: ExportValue[];
  edges: { source: string; target: string; relation: 'holds' | 'similar'; score: number }[];
  /** Records the viewer may see but may not pass on, left out (a count over visible records only). */
  withheld: number;
}

/** Pairs of exported names similar enough to link (as the matcher and `linksOf` judge them). */
async function similarNames(ctx: Ctx, names: readonly ExportValue[]): Promise<{ a: string; b: string; score: number }[]> {
  if (names.length < 2) return [];
  const threshold = linkageSettings.of(ctx.platform.config).nameSimilarity / 100;
  return ctx.tx.query<{ a: string; b: string; score: number }>(sql`
    WITH n AS (SELECT * FROM unnest(${names.map((n) => n.id)}::text[], ${names.map((n) => n.key)}::text[],
      ${names.map((n) => n.key.split(' ').map(skeletonOf).sort().join(' '))}::text[], ${names.map((n) => n.birth_year)}::int[]) AS n (id, key, skeleton, year))
    SELECT a.id AS a, b.id AS b, greatest(similarity(a.key, b.key), similarity(a.skeleton, b.skeleton))::float8 AS score
    FROM n a JOIN n b ON a.id < b.id
    WHERE greatest(similarity(a.key, b.key), similarity(a.skeleton, b.skeleton)) >= ${threshold}
      AND (a.year IS NULL OR b.year IS NULL OR abs(a.year - b.year) <= 1)`);
}

/** What of the asked graph may leave, with the audit row written. */
export async function exportableGraph(ctx: Ctx, input: GraphExport, format: 'graphml' | 'stix'): Promise<ExportGraph> {
  const unique = new Map(input.records.map((r) => [`${r.module}:${r.recordType}:${r.id}`, r]));
  const visible = await visibleRecords(ctx, [...unique.values()]);
  const passable = visible.filter((info) => mayPassOn(ctx.actor, info)).sort((a, b) => recordNodeId(a).localeCompare(recordNodeId(b)));
  const wanted = input.values ? new Set(input.values.map((v) => valueNodeId({ kind: v.kind, key: v.key, birth_year: v.birthYear ?? null }))) : null;
  const byRecord = new Map(passable.map((info) => [info.record_id, info]));
  const values = new Map<string, ExportValue>();
  const edges: ExportGraph['edges'] = [];
  for (const held of await valuesOf(ctx, passable)) {
    const id = valueNodeId(held);
    const holder = byRecord.get(held.record_id);
    if (!holder || (wanted && !wanted.has(id))) continue;
    const value = values.get(id) ?? { id, kind: held.kind, key: held.key, birth_year: held.birth_year, holders: [] };
    value.holders.push(holder);
    values.set(id, value);
    edges.push({ source: recordNodeId(holder), target: id, relation: 'holds', score: 1 });
  }
  for (const pair of await similarNames(ctx, [...values.values()].filter((v) => v.kind === 'person'))) {
    edges.push({ source: pair.a, target: pair.b, relation: 'similar', score: Math.round(pair.score * 1000) / 1000 });
  }
  const withheld = visible.length - passable.length;
  const details = { format, records: passable.length, values: values.size, withheld };
  const event = readEvent('linkage.graph-export', 'linkage-record', ctx.actor.member, passable.map((info) => ({ id: info.record_id, owner: info.owner })), details);
  await ctx.audit(event ?? { action: 'linkage.graph-export', objectType: 'linkage-record', details });
  return { records: passable.map((info) => ({ id: recordNodeId(info), info })), values: [...values.values()], edges, withheld };
}

// XML 1.0 allows only these characters; others (control characters a title may hold) are dropped.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const xmlText = (value: string): string => value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const KEYS = [
  ['type', 'node', 'string'], ['label', 'node', 'string'], ['module', 'node', 'string'], ['recordType', 'node', 'string'], ['recordId', 'node', 'string'],
  ['owner', 'node', 'string'], ['date', 'node', 'string'], ['tlp', 'node', 'string'], ['kind', 'node', 'string'], ['key', 'node', 'string'],
  ['birthYear', 'node', 'int'], ['relation', 'edge', 'string'], ['score', 'edge', 'double'],
] as const;

function data(fields: Record<string, string | number | null | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== undefined)
    .map(([key, value]) => `<data key="${key}">${xmlText(String(value))}</data>`)
    .join('');
}

/** The graph as GraphML (graphml.graphdrawing.org), every attribute declared as a key, readable by Gephi, yEd and Cytoscape. */
export function toGraphml(graph: ExportGraph): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '  xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...KEYS.map(([id, domain, type]) => `  <key id="${id}" for="${domain}" attr.name="${id}" attr.type="${type}"/>`),
    '  <graph id="lintas-linkage" edgedefault="undirected">',
  ];
  for (const { id, info } of graph.records) {
    lines.push(`    <node id="${xmlText(id)}">${data({
      type: 'record', label: info.title ?? `${info.record_type} ${info.record_id}`, module: info.module, recordType: info.record_type, recordId: info.record_id,
      owner: info.owner, date: info.date.toISOString(), tlp: info.tlp,
    })}</node>`);
  }
  for (const value of graph.values) {
    lines.push(`    <node id="${xmlText(value.id)}">${data({ type: 'value', label: value.key, kind: value.kind, key: value.key, birthYear: value.birth_year })}</node>`);
  }
  graph.edges.forEach((edge, index) => {
    lines.push(`    <edge id="e${index}" source="${xmlText(edge.source)}" target="${xmlText(edge.target)}">${data({ relation: edge.relation, score: edge.score })}</edge>`);
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
