import { repeat } from '../../platform/jobs.js';
import { documentSettings } from './settings.js';
import { assertMayHit } from './policy.js';
import type { Ctx, Platform } from '../../platform/context.js';
import { appendAudit, readEvent } from '../../platform/audit/writer.js';
import { sql } from '../../platform/db/sql.js';
import { pageOf } from '../../platform/http/pagination.js';
import { notFound } from '../../platform/errors.js';
import { between, notify } from '../../platform/notify/tell.js';
import { presentHit } from './presenters.js';
import { openHolder } from './holders.js';
import { ROLES, roleAllows } from '../../platform/auth/roles.js';
import { findDocument, findHit, hitRecipients, listHitChecks, listHits, type DocumentRow, type HitDocument, type HitRow } from './queries.js';
import type { AnswerBody, HitsQuery } from './schemas.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/**
 * Hit records: a check that found a document opens one; the issuer confirms or denies it with
 * notes, the checking member sees the outcome (and is told in its inbox); an issuer that does not
 * answer within the configured hours is reminded, in its inbox and by e-mail to its focal points.
 * Holder details are disclosed by step two only: a separate, audited read by a member that has a
 * hit on the document (not denied) and may see the record.
 */

const OBJECT = 'document-hit';

/**
 * Tells each issuer of the hits a check just opened, in the check's transaction: one inbox item per
 * hit (a repeat check that joined a waiting hit tells no one again; the hit's page lists it) to each of the issuer's recipients (`hitRecipients`), except the checking user itself. The
 * item names the document and the checking member, never the holder. The checker's transaction may
 * only write rows its own member owns, so the item is owned by the checking member and shared with
 * the issuer alone: the same two members as the hit, and only the recipient's inbox lists it.
 */
export async function tellIssuers(ctx: Ctx, checked: readonly HitDocument[]): Promise<void> {
  const found = checked.filter((doc) => doc.opened);
  if (found.length === 0) return;
  const answerRoles = ROLES.filter((role) => roleAllows([role], 'documents.answer'));
  const recipients = await hitRecipients(ctx, [...new Set(found.map((doc) => doc.owner))], answerRoles);
  const checker = ctx.actor.member;
  for (const doc of found) {
    const userIds = recipients.filter((person) => person.member === doc.owner && person.id !== ctx.actor.userId).map((person) => person.id);
    const own = doc.owner === checker;
    await notify(ctx.tx, ctx.platform, {
      module: 'documents',
      kind: 'document-hit.opened',
      title: own ? `Your member's check hit ${doc.issuer} ${doc.doc_type} ${doc.number}` : `A check by ${checker} hit ${doc.issuer} ${doc.doc_type} ${doc.number}`,
      body: `${own ? 'An officer of your member' : `An officer of ${checker}`} checked ${doc.issuer} ${doc.doc_type} ${doc.number}, registered as ${doc.status}. Confirm or deny the hit.`,
      objectType: OBJECT,
      objectId: doc.hit_id,
      page: `/documents/hits/${doc.hit_id}`,
      source: { ...between(checker, doc.owner), tlp: doc.tlp as SharingRow['tlp'] },
      members: [doc.owner],
      users: userIds,
      countries: [doc.issuer],
      key: `document-hit:${doc.hit_id}:opened`,
    });
  }
}

export async function list(ctx: Ctx, query: HitsQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listHits(ctx, query, limit), limit, (row) => [row.created_key, row.id]);
  // The checker's side reads hit records its issuers own: on the record, like any list of others' records.
  const event = readEvent('document-hit.list', OBJECT, ctx.actor.member, page.rows);
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => presentHit(ctx.actor, row)), next: page.next };
}

async function visibleHit(ctx: Ctx, id: string): Promise<HitRow> {
  const row = await findHit(ctx, id);
  if (!row) throw notFound();
  return row;
}

export async function get(ctx: Ctx, id: string) {
  const row = await visibleHit(ctx, id);
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'document-hit.read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  return { data: presentHit(ctx.actor, row, await listHitChecks(ctx, id)) };
}

export async function answer(ctx: Ctx, id: string, body: AnswerBody) {
  const row = await visibleHit(ctx, id);
  assertMayHit(ctx.actor, row, 'answer');
  await ctx.tx.query(sql`UPDATE document_hits SET outcome = ${body.outcome}, notes = ${body.notes ?? null}, answered_at = now(), answered_by = ${ctx.actor.userId}
    WHERE id = ${id} AND outcome = 'pending'`);
  await ctx.audit({ action: 'document-hit.answer', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { outcome: body.outcome, checker: row.checker } });
  // Every user whose check the hit holds is told the answer. Which users those are is the checking
  // member's to know: the issuer's transaction reads only their ids, and the ids leave nowhere.
  const checkers = await checkingUsers(ctx, id, row.checked_by);
  await notify(ctx.tx, ctx.platform, {
    module: 'documents',
    kind: 'document-hit.answered',
    title: body.outcome === 'confirmed' ? 'The issuer confirmed your document hit' : 'The issuer denied your document hit',
    body: `${row.issuer} ${row.doc_type} ${row.number}: ${body.outcome}.${body.notes ? ` ${body.notes}` : ''}`,
    objectType: OBJECT,
    objectId: id,
    page: `/documents/hits/${id}`,
    source: row,
    members: [row.checker],
    users: checkers,
    countries: [row.issuer],
  });
  return { data: presentHit(ctx.actor, await visibleHit(ctx, id), await listHitChecks(ctx, id)) };
}

async function checkingUsers(ctx: Ctx, hitId: string, first: string | null): Promise<string[]> {
  const rows = await ctx.tx.query<{ id: string }>(sql`
    SELECT DISTINCT c.checked_by AS id FROM document_hit_checks c WHERE c.hit_id = ${hitId} AND c.checked_by IS NOT NULL AND ${ctx.visible('c')}`);
  return [...new Set([...(first ? [first] : []), ...rows.map((row) => row.id)])];
}

/** Step two: the holder details of a hit's document, to a member with that hit (not denied) that may see the record. */
export async function holder(ctx: Ctx, id: string) {
  const hit = await visibleHit(ctx, id);
  assertMayHit(ctx.actor, hit, 'holder');
  const doc: DocumentRow | undefined = await findDocument(ctx, hit.document_id);
  if (!doc) throw notFound();
  await ctx.audit({
    action: 'document.holder-read',
    objectType: 'travel-document',
    objectId: doc.id,
    objectOwner: doc.owner,
    purpose: hit.purpose,
    details: { hit: id, step: 'two' },
  });
  return { data: { documentId: doc.id, holder: await openHolder(ctx.platform, ctx.tx, doc.holder_sealed) } };
}

interface DueIssuer {
  owner: string;
  hits: number;
}

/**
 * Reminds every issuer with hits unanswered for `hours` (and not reminded in that time): its
 * documents and general focal points get an inbox notification and an e-mail (through the outbox);
 * the hits are marked reminded. Runs per issuer in that member's own transaction. Returns the
 * number of hits reminded of.
 */
export async function remindIssuers(platform: Platform, hours = documentSettings.of(platform.config).hitReminderHours): Promise<number> {
  if (hours <= 0) return 0;
  // Which members are due is a system question across members: asked as the schema owner, keys only.
  const due = await platform.db.ownerTransaction((tx) =>
    tx.query<DueIssuer>(sql`
      SELECT owner, count(*)::int AS hits FROM document_hits
      WHERE outcome = 'pending' AND created_at <= now() - make_interval(hours => ${hours}::int)
        AND (reminded_at IS NULL OR reminded_at <= now() - make_interval(hours => ${hours}::int))
      GROUP BY owner ORDER BY owner`),
  );
  let reminded = 0;
  for (const issuer of due) {
    reminded += await platform.db.transaction({ member: issuer.owner }, async (tx) => {
      const hits = await tx.query<HitRow>(sql`
        UPDATE document_hits h SET reminded_at = now()
        WHERE h.owner = ${issuer.owner} AND h.outcome = 'pending' AND h.created_at <= now() - make_interval(hours => ${hours}::int)
          AND (h.reminded_at IS NULL OR h.reminded_at <= now() - make_interval(hours => ${hours}::int))
        RETURNING h.id, h.owner, h.audience_kind, h.audience_members, h.audience_groups, h.tlp, h.handling, h.handling_note,
          h.evaluation_source, h.evaluation_information, h.issuer, h.doc_type, h.number, h.checker, h.created_at`);
      if (hits.length === 0) return 0;
      const first = hits[0] as HitRow;
      const title = `${hits.length} document hit${hits.length === 1 ? '' : 's'} wait${hits.length === 1 ? 's' : ''} for your answer`;
      const lines = hits.slice(0, 20).map((hit) => `- ${hit.issuer} ${hit.doc_type} ${hit.number}, found by ${hit.checker} on ${hit.created_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
      const text = `Checks by other members found documents of your register, and no one has answered yet:\n\n${lines.join('\n')}${hits.length > 20 ? `\n… and ${hits.length - 20} more` : ''}\n\nConfirm or deny each one in Lintas: ${platform.config.publicUrl}/documents/hits\n`;
      // Its documents focal points (or general ones; a member that named none is reminded in its queue
      // only) by inbox and e-mail, its subscribers and webhooks: one notice, about the oldest hit, copying its access fields.
      const told = await notify(tx, platform, {
        module: 'documents', kind: 'document-hit.reminder', title, body: text, objectType: OBJECT, objectId: first.id, page: '/documents/hits',
        source: first, members: [issuer.owner], contacts: { members: [issuer.owner], topic: 'documents', roles: [] },
      });
      await appendAudit(tx, { member: issuer.owner }, [{ action: 'document-hit.remind', objectType: OBJECT, objectOwner: issuer.owner, details: { hits: hits.map((hit) => hit.id), to: told.users } }]);
      return hits.length;
    });
  }
  return reminded;
}

/** Runs the reminders every `everyMs` until stopped (started by the server like the outbox worker). */
export function startHitReminders(platform: Platform, onSent: () => void, everyMs = 15 * 60_000): { stop(): Promise<void> } {
  return repeat(
    async () => {
      if ((await remindIssuers(platform)) > 0) onSent();
    },
    { everyMs, onError: () => undefined, runNow: true },
  );
}
