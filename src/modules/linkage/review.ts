/**
 * The secretariat's side of linkage: values the over-linking guard sent for review, the warning lists
 * of known-benign values, and how many notices each member is given (fishing shows there). Members
 * never read any of it: a member learns of a guarded or listed value only where it holds the value.
 */
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { assertNoFieldErrors, invalid } from '../../platform/errors.js';
import { keysOf } from './entity-input.js';
import type { ValueDecision, ValuesQuery } from './schemas.js';

interface ValueRow {
  kind: string;
  key: string;
  status: 'common' | 'benign' | 'released';
  records: number;
  note: string | null;
  flagged_at: Date;
  decided_at: Date | null;
  decided_by_name: string | null;
}

const present = (row: ValueRow) => ({
  kind: row.kind,
  key: row.key,
  status: row.status,
  records: row.records,
  note: row.note,
  flaggedAt: row.flagged_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
  decidedBy: row.decided_by_name,
});

export async function listValues(ctx: Ctx, query: ValuesQuery) {
  const rows = await ctx.tx.query<ValueRow>(sql`SELECT v.*, u.name AS decided_by_name FROM linkage_values v LEFT JOIN users u ON u.id = v.decided_by
    ${query.status ? sql`WHERE v.status = ${query.status}` : sql``} ORDER BY v.flagged_at DESC, v.kind, v.key LIMIT 500`);
  return { data: rows.map(present) };
}

/**
 * Puts a value on the warning list (`benign`: it never links or makes notices again) or lets a
 * guarded value through (`released`: its records are matched again). The value is given as an
 * entity, normalised as the records' values are, or as a kind and key already normalised.
 */
export async function decideValue(ctx: Ctx, input: ValueDecision) {
  let kind = input.kind;
  let key = input.key;
  if (input.entity) {
    const { keys, errors } = keysOf(input.entity, '/entity', input.country);
    assertNoFieldErrors(errors);
    if (keys.length !== 1) throw invalid([{ pointer: '/entity', detail: 'give one value: a vessel by its IMO number, its MMSI or its name with flag, not several' }]);
    kind = keys[0]?.kind;
    key = keys[0]?.key;
  }
  if (!kind || !key) throw invalid([{ pointer: '/entity', detail: 'give the value as an entity, or its kind and key' }]);
  const row = await ctx.tx.one<{ records: number }>(sql`
    INSERT INTO linkage_values (kind, key, status, note, decided_by, decided_at) VALUES (${kind}, ${key}, ${input.status}, ${input.note ?? null}, ${ctx.actor.userId}, now())
    ON CONFLICT (kind, key) DO UPDATE SET status = excluded.status, note = coalesce(excluded.note, linkage_values.note), decided_by = excluded.decided_by, decided_at = now()
    RETURNING records`);
  const requeued = input.status === 'released' ? (await ctx.tx.one<{ n: number }>(sql`SELECT linkage_requeue(${kind}, ${key}) AS n`)).n : 0;
  await ctx.audit({ action: 'linkage.value-decide', objectType: 'linkage-value', details: { kind, key, status: input.status, note: input.note ?? null, requeued } });
  return { data: { kind, key, status: input.status, records: row.records, requeued } };
}

export async function noticeVolume(ctx: Ctx, days: number) {
  const rows = await ctx.tx.query<{ member: string; day: string; notices: number; waiting: number }>(sql`SELECT member, day::text, notices, waiting FROM linkage_notice_volume(${days})`);
  await ctx.audit({ action: 'linkage.volume-read', objectType: 'linkage-notice', details: { days } });
  return { data: rows };
}
