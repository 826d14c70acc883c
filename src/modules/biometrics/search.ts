/**
 * One-to-many search under an agreement (step one): the probe is searched in each gallery the
 * agreement lets the searcher search, and each answers hit (its candidates' references and score
 * bands) or no hit. The probe lives only in this request: the search's record keeps its keyed hash,
 * never the template or the image. The searcher reads its searches; a holder reads those that
 * searched its gallery (who, why, under which agreement) with its own gallery's answer only.
 */
import { roleAllows } from '../../platform/auth/roles.js';
import type { Ctx } from '../../platform/context.js';
import { dataKeyOf } from '../../platform/crypto/keys.js';
import { sql } from '../../platform/db/sql.js';
import { conflict, forbidden, invalid, notFound, Problem } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { findAgreement, holdersFor, IN_FORCE } from './agreements.js';
import { bandOf } from './formats.js';
import { galleryIndexOf, templateBytes } from './gallery-index.js';
import type { SearchCreate, SearchesQuery } from './schemas.js';
import { tally } from './release.js';
import { biometricsSettings } from './settings.js';
import { readTemplate } from './templates.js';

const OBJECT = 'biometric-search';
const PROBE_HASH = 'biometrics probe';

/** A probe's keyed hash: what a search's record keeps of it. */
export function probeHashOf(config: Parameters<typeof dataKeyOf>[0], vector: Float32Array): string {
  return dataKeyOf(config).hash(PROBE_HASH, templateBytes(vector));
}

interface Candidate {
  subject: string;
  reference: string;
  band: 'high' | 'medium';
}

interface SearchRow {
  id: string;
  searcher: string;
  agreement_id: string;
  purpose: string;
  format: string;
  created_at: Date;
  keep_until: Date;
  step_one: 'reference-and-band' | 'hit-only';
  step_two_images: boolean;
  in_force: boolean;
  results: { holder: string; hit: boolean; candidates: Candidate[]; step_two: { id: string; status: 'pending' | 'confirmed' | 'rejected' } | null }[];
}

/** Why an agreement does not allow this search now, if it does not. */
export function notInForce(agreement: { status: string; in_force: boolean; valid_from: string; valid_until: string | null }): string | null {
  if (agreement.status === 'proposed') return 'The agreement is not in force: not every party has accepted it yet.';
  if (agreement.status === 'suspended') return 'The agreement is suspended: no search may cite it until it is resumed.';
  if (agreement.status === 'terminated') return 'The agreement is terminated.';
  if (!agreement.in_force) {
    return agreement.valid_until && agreement.valid_until < new Date().toISOString().slice(0, 10)
      ? `The agreement expired on ${agreement.valid_until}.`
      : `The agreement takes effect on ${agreement.valid_from}.`;
  }
  return null;
}

/**
 * Where a search's fields are in the request: a JSON body's top level, or a multipart form's
 * `metadata` with the probe as the `file` (whose format is always the face reader's).
 */
export interface FieldsAt {
  at: string;
  format: string;
}
const JSON_FIELDS: FieldsAt = { at: '', format: '/template/format' };
export const FORM_FIELDS: FieldsAt = { at: '/metadata', format: '/file' };

export async function search(ctx: Ctx, input: SearchCreate, fields: FieldsAt = JSON_FIELDS) {
  const agreement = await findAgreement(ctx, input.agreement);
  if (!agreement) throw notFound();
  const closed = notInForce(agreement);
  if (closed) throw conflict(closed);
  const allowed = holdersFor(agreement, ctx.actor.member);
  if (allowed.length === 0) throw forbidden('This agreement does not let your member search any gallery.');
  const errors = [];
  if (!agreement.purposes.includes(input.purpose)) errors.push({ pointer: `${fields.at}/purpose`, detail: `the agreement allows searches for ${agreement.purposes.join(', ')} only` });
  if (!agreement.formats.includes(input.template.format)) errors.push({ pointer: fields.format, detail: `the agreement allows templates of ${agreement.formats.join(', ')} only` });
  (input.holders ?? []).forEach((holder, i) => {
    if (!allowed.includes(holder)) errors.push({ pointer: `${fields.at}/holders/${i}`, detail: `the agreement does not let your member search ${holder}’s gallery` });
  });
  if (errors.length > 0) throw invalid(errors);
  const { format, vector } = readTemplate(input.template, '/template');
  const holders = [...(input.holders ?? allowed)].sort();

  // The quota: this member's searches under the agreement today, counted one search at a time.
  await ctx.tx.query(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`biometrics.search/${agreement.id}/${ctx.actor.member}`}, 0))`);
  if (agreement.daily_quota !== null) {
    const { n } = await ctx.tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM biometric_searches
      WHERE searcher = ${ctx.actor.member} AND agreement_id = ${agreement.id} AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);
    if (n >= agreement.daily_quota) {
      const now = new Date();
      const seconds = Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
      throw new Problem(429, 'Quota reached', `Your member has made the ${agreement.daily_quota} searches this agreement allows in a day (UTC); search again tomorrow.`, undefined, undefined, { 'retry-after': String(seconds) });
    }
  }

  const galleries = galleryIndexOf(ctx.platform);
  const k = biometricsSettings.of(ctx.platform.config).candidates;
  const results = holders.map((holder) => {
    const candidates = galleries.search(holder, format.id, vector, k, format.match).flatMap((hit): Candidate[] => {
      const band = bandOf(format, hit.similarity);
      return band ? [{ subject: hit.id, reference: hit.reference, band }] : [];
    });
    return { holder, hit: candidates.length > 0, candidates };
  });
  const probeHash = probeHashOf(ctx.platform.config, vector);
  vector.fill(0);

  const row = await ctx.tx.one<{ id: string }>(sql`INSERT INTO biometric_searches (searcher, agreement_id, purpose, format, probe_hash, holders, searched_by, keep_until)
    VALUES (${ctx.actor.member}, ${agreement.id}, ${input.purpose}, ${format.id}, ${probeHash}, ${holders}, ${ctx.actor.userId},
      now() + make_interval(days => ${agreement.query_retention_days}::int)) RETURNING id`);
  await ctx.tx.query(sql`INSERT INTO biometric_results (search_id, holder, hit, candidates)
    SELECT ${row.id}, r.holder, r.hit, r.candidates FROM jsonb_to_recordset(${JSON.stringify(results)}::jsonb) AS r (holder text, hit boolean, candidates jsonb)`);
  await tally(ctx.tx, [
    { table: 'searches' },
    { table: 'searchesByPurpose', key: input.purpose },
    ...(results.some((r) => r.hit) ? [{ table: 'hitsByPurpose' as const, key: input.purpose }] : []),
  ]);
  // One row for the search, naming every gallery searched and the subjects that were candidates.
  await ctx.audit({
    action: 'biometrics.search',
    objectType: OBJECT,
    objectId: row.id,
    details: {
      agreement: agreement.id,
      purpose: input.purpose,
      probe: probeHash,
      holders,
      hits: results.filter((r) => r.hit).map((r) => ({ holder: r.holder, subjects: r.candidates.map((c) => c.subject) })),
    },
  });
  return getSearch(ctx, row.id, false);
}

/** The search's answers as the viewer's side reads them: the searcher every gallery's (references only), a holder its own. */
function present(ctx: Ctx, row: SearchRow) {
  const searcher = row.searcher === ctx.actor.member;
  const mayAsk = searcher && row.in_force && roleAllows(ctx.actor.roles, 'biometrics.search');
  return {
    id: row.id,
    side: searcher ? ('searcher' as const) : ('holder' as const),
    searcher: row.searcher,
    agreement: row.agreement_id,
    purpose: row.purpose,
    format: row.format,
    createdAt: row.created_at.toISOString(),
    keepUntil: row.keep_until.toISOString(),
    stepTwoImages: row.step_two_images,
    results: row.results
      .filter((result) => searcher || result.holder === ctx.actor.member)
      .map((result) => ({
        holder: result.holder,
        hit: result.hit,
        candidates: searcher
          ? row.step_one === 'hit-only' ? [] : result.candidates.map(({ reference, band }) => ({ reference, band }))
          : result.candidates,
        stepTwo: result.step_two,
        // Step two: a gallery that answered hit is asked once per search, while the agreement is in force.
        abilities: { askStepTwo: mayAsk && result.hit && result.step_two === null },
      })),
  };
}

function selectFor(ctx: Ctx) {
  const me = ctx.actor.member;
  return sql`SELECT s.id, s.searcher, s.agreement_id, s.purpose, s.format, s.created_at, s.keep_until, a.step_one, a.step_two_images, ${IN_FORCE} AS in_force,
    coalesce((SELECT jsonb_agg(jsonb_build_object('holder', r.holder, 'hit', r.hit, 'candidates', r.candidates,
        'step_two', (SELECT jsonb_build_object('id', t.id, 'status', t.status) FROM biometric_step_two t WHERE t.search_id = s.id AND t.holder = r.holder AND (t.requester = ${me} OR t.holder = ${me}))) ORDER BY r.holder)
      FROM biometric_results r WHERE r.search_id = s.id AND (s.searcher = ${me} OR r.holder = ${me})), '[]') AS results
  FROM biometric_searches s JOIN biometric_agreements a ON a.id = s.agreement_id`;
}

export async function getSearch(ctx: Ctx, id: string, audited = true) {
  const me = ctx.actor.member;
  const row = await ctx.tx.maybeOne<SearchRow>(sql`${selectFor(ctx)} WHERE s.id = ${id} AND (s.searcher = ${me} OR s.holders @> ARRAY[${me}]::text[])`);
  if (!row) throw notFound();
  if (audited) await ctx.audit({ action: 'biometrics.search-read', objectType: OBJECT, objectId: id, ...(row.searcher === me ? {} : { objectOwner: row.searcher }) });
  return { data: present(ctx, row) };
}

export async function listSearches(ctx: Ctx, query: SearchesQuery) {
  const me = ctx.actor.member;
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['uuid']);
  const side = query.side === 'searcher' ? sql`s.searcher = ${me}` : query.side === 'holder' ? sql`s.holders @> ARRAY[${me}]::text[] AND s.searcher <> ${me}` : sql`(s.searcher = ${me} OR s.holders @> ARRAY[${me}]::text[])`;
  const rows = await ctx.tx.query<SearchRow>(sql`${selectFor(ctx)} WHERE ${side} ${after ? sql`AND s.id < ${after[0]}::uuid` : sql``} ORDER BY s.id DESC LIMIT ${limit + 1}`);
  const page = pageOf(rows, limit, (row) => [row.id]);
  await ctx.audit({ action: 'biometrics.search-list', objectType: OBJECT, details: { searches: page.rows.length } });
  return { data: page.rows.map((row) => present(ctx, row)), next: page.next };
}
