import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { Problem, assertNoFieldErrors, forbidden, invalid, notFound } from '../../platform/errors.js';
import { pageOf } from '../../platform/http/pagination.js';
import { mayPassOn } from '../../platform/sharing/rule.js';
import { memberNames } from '../../platform/stix.js';
import { assertMay } from './policy.js';
import { countWithheld, findBulletin, listExportable } from './queries.js';
import type { ListQuery, StixBundle, StixImportQuery } from './schemas.js';
import { OBJECT, create } from './service.js';
import { bulletinsBundle, readBundle, type ExportedBulletin } from './stix.js';

/**
 * STIX 2.1 exchange (stix.ts maps): exports are audited reads of what the reader may pass on (rule
 * 5: a recipient may not export another member's AMBER+STRICT, RED or H2 bulletin; its owner may);
 * imports make draft bulletins of the importer's member, in one transaction.
 */

async function bundleOf(ctx: Ctx, rows: readonly ExportedBulletin[]) {
  return bulletinsBundle(rows, await memberNames(ctx, [...new Set(rows.map((row) => row.owner))]));
}

/** One bulletin as a bundle: 404 when the actor may not see it, 403 when it may see but not pass it on. */
export async function exportOne(ctx: Ctx, id: string) {
  const row = await findBulletin(ctx, id);
  if (!row) throw notFound();
  if (!mayPassOn(ctx.actor, row)) throw forbidden(`This bulletin is ${row.handling.includes('H2') ? 'H2' : `TLP:${row.tlp}`}: only its owner may export it.`);
  await ctx.audit({ action: 'bulletins.export', objectType: OBJECT, objectId: id, objectOwner: row.owner, details: { format: 'stix-2.1', version: row.version } });
  return bundleOf(ctx, [row]);
}

/**
 * A page of the list's bulletins that the actor may pass on, as one bundle; `withheld` counts those
 * of the list (every page) it may see but not pass on. One audit row names the others' bulletins.
 */
export async function exportList(ctx: Ctx, query: ListQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listExportable(ctx, query, limit), limit, (row) => [row.id]);
  const { cursor: _cursor, limit: _limit, ...criteria } = query;
  const event = readEvent('bulletins.export', OBJECT, ctx.actor.member, page.rows, { criteria, format: 'stix-2.1' });
  if (event) await ctx.audit(event);
  return { bundle: await bundleOf(ctx, page.rows), next: page.next, withheld: await countWithheld(ctx, query) };
}

/**
 * A bundle's reports as drafts of the importer's member (one transaction: all or nothing). A
 * malformed bundle is a 400 with pointers; a report the importer may not re-share refuses the whole
 * bundle (403, each named by its pointer) unless `skipRefused`, which imports the rest and lists them.
 */
export async function importBundle(ctx: Ctx, bundle: StixBundle, query: StixImportQuery) {
  assertMay(ctx.actor, { owner: ctx.actor.member, audience_kind: 'owner', audience_members: [], audience_groups: [] }, 'correct');
  const read = readBundle(bundle);
  assertNoFieldErrors(read.errors);
  if (read.refused.length > 0 && !query.skipRefused) {
    throw new Problem(403, 'Not yours to re-share', 'The bundle holds reports whose recipients may not re-share them (TLP:RED, TLP:AMBER+STRICT or H2); nothing was imported.', read.refused);
  }
  if (read.reports.length === 0 && read.refused.length === 0) throw invalid([{ pointer: '/objects', detail: 'the bundle holds no report to import' }]);
  const data = [];
  for (const report of read.reports) {
    const { pointer, stixId, ...fields } = report;
    const draft = await create(ctx, { ...fields, draft: true });
    data.push({ id: draft.data.id, title: draft.data.title, stixId, pointer });
  }
  await ctx.audit({
    action: 'bulletins.import', objectType: OBJECT, objectOwner: ctx.actor.member,
    details: { bundle: bundle.id, drafts: data.map((one) => one.id), refused: read.refused.map((one) => one.pointer), ignored: read.ignored },
  });
  return { data, refused: read.refused, ignored: read.ignored };
}
