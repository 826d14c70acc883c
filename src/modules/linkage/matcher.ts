/**
 * The matcher: an owner job that takes entity rows from the queue their writes filled, finds the
 * other members' records holding the same value, and tells both members of each match one of them
 * may not see (DESIGN.md §3, rule 4). Links between records a viewer may see need no notice: they are
 * read where they are shown (`linksOf`). Nothing here answers a request, so no write's answer, nor
 * its time, depends on what it matched.
 */
import { repeat } from '../../platform/jobs.js';
import { appendAudit } from '../../platform/audit/writer.js';
import { roleAllows, ROLES } from '../../platform/auth/roles.js';
import type { Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { topicContacts } from '../../platform/notify/contacts.js';
import { notify, type Notice } from '../../platform/notify/tell.js';
import type { SharingRow, Viewer } from '../../platform/sharing/model.js';
import { isVisibleTo } from '../../platform/sharing/rule.js';
import { viewersOf } from '../../platform/sharing/viewers.js';
import { KIND_LABELS } from './labels.js';
import { linkageSettings } from './settings.js';

type Access = Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'>;

interface EntityRow extends Access {
  id: string;
  record_id: string;
  kind: string;
  key: string;
  skeleton: string | null;
  birth_year: number | null;
  named_in_hits: boolean;
}

interface NoticeDraft {
  told: string;
  holder: string;
  kind: string;
  key: string;
  toldRecords: Set<string>;
  holderRecords: Set<string>;
  holderNamed: boolean;
  /** Whether the holder learns the told member's name: a member unnamed for its records is unnamed on this side too. */
  toldNamed: boolean;
}

export interface MatchResult {
  /** Entity rows looked at. */
  entities: number;
  /** Notices given for the first time. */
  notices: number;
  /** Entity rows put back because a member had had its notices for the day. */
  held: number;
}

const columns = sql`e.id, e.record_id, e.kind, e.key, e.skeleton, e.birth_year, e.named_in_hits, e.owner, e.audience_kind, e.audience_members, e.audience_groups`;

/**
 * For each entity, the other records holding its value, at most `limit` each: the same key (one
 * query for every such entity), or for a person a name close enough, read from the name pairs
 * `storeNamePairs` has just stored (one query for every name).
 */
async function holdersOfAll(tx: Tx, entities: readonly EntityRow[], limit: number): Promise<EntityRow[][]> {
  const result: EntityRow[][] = entities.map(() => []);
  const exact = [...entities.entries()].filter(([, entity]) => entity.kind !== 'person');
  if (exact.length > 0) {
    const rows = await tx.query<EntityRow & { i: number }>(sql`SELECT q.i::int AS i, ${columns}
      FROM unnest(${exact.map(([i]) => i)}::int[], ${exact.map(([, e]) => e.kind)}::text[], ${exact.map(([, e]) => e.key)}::text[], ${exact.map(([, e]) => e.record_id)}::uuid[])
        AS q (i, kind, key, record_id)
      CROSS JOIN LATERAL (SELECT * FROM linkage_entities e WHERE e.kind = q.kind AND e.key = q.key AND e.record_id <> q.record_id LIMIT ${limit}) e`);
    for (const { i, ...row } of rows) result[i]!.push(row);
  }
  const names = [...entities.entries()].filter(([, entity]) => entity.kind === 'person');
  if (names.length > 0) {
    const rows = await tx.query<EntityRow & { i: number }>(sql`SELECT q.i::int AS i, ${columns}
      FROM unnest(${names.map(([i]) => i)}::int[], ${names.map(([, e]) => e.id)}::uuid[]) AS q (i, id)
      CROSS JOIN LATERAL (SELECT o.* FROM linkage_name_pairs p JOIN linkage_entities o ON o.id = p.other_id WHERE p.entity_id = q.id LIMIT ${limit}) e`);
    for (const { i, ...row } of rows) result[i]!.push(row);
  }
  return result;
}

/**
 * Stores the pairs of these person rows with every similar name (pg_trgm: their words or sound
 * skeletons at least `threshold` alike, years of birth at most one apart), both ways round, each with
 * the other row's access fields (migration 0033). Reads of links probe these pairs by the reader,
 * so they never visit a hidden name; a name links from when this has run (seconds after its write).
 */
async function storeNamePairs(tx: Tx, entities: readonly EntityRow[], threshold: number): Promise<void> {
  const names = entities.filter((entity) => entity.kind === 'person').map((entity) => entity.id);
  if (names.length > 0) await tx.query(sql`SELECT linkage_store_name_pairs(${names}::uuid[], ${threshold}::real)`);
}

/**
 * Adds each entity's record to the notices its member is already part of for the value, on the told
 * side or the holder's: one statement per side, the entities grouped by value and member so that a
 * notice takes every record of the batch at once.
 */
async function addToNotices(tx: Tx, entities: readonly EntityRow[]): Promise<void> {
  if (entities.length === 0) return;
  const batch = sql`SELECT kind, key, owner, array_agg(DISTINCT record_id) AS records
    FROM unnest(${entities.map((e) => e.kind)}::text[], ${entities.map((e) => e.key)}::text[], ${entities.map((e) => e.owner)}::text[], ${entities.map((e) => e.record_id)}::uuid[])
      AS q (kind, key, owner, record_id) GROUP BY kind, key, owner`;
  await tx.query(sql`UPDATE linkage_notices n SET told_records = ARRAY(SELECT DISTINCT unnest(n.told_records || q.records) ORDER BY 1), updated_at = now()
    FROM (${batch}) q WHERE n.kind = q.kind AND n.key = q.key AND n.told = q.owner AND NOT n.told_records @> q.records`);
  await tx.query(sql`UPDATE linkage_notices n SET holder_records = ARRAY(SELECT DISTINCT unnest(n.holder_records || q.records) ORDER BY 1), updated_at = now()
    FROM (${batch}) q WHERE n.kind = q.kind AND n.key = q.key AND n.holder = q.owner AND NOT n.holder_records @> q.records`);
}

/** Adds a match to the notice of (told, holder, kind, key), starting it if it is the first. */
function draft(drafts: Map<string, NoticeDraft>, told: EntityRow, holder: EntityRow): void {
  const id = `${told.owner} ${holder.owner} ${told.kind} ${told.key}`;
  const notice = drafts.get(id) ?? { told: told.owner, holder: holder.owner, kind: told.kind, key: told.key, toldRecords: new Set(), holderRecords: new Set(), holderNamed: false, toldNamed: false };
  notice.toldRecords.add(told.record_id);
  notice.holderRecords.add(holder.record_id);
  notice.holderNamed ||= holder.named_in_hits;
  notice.toldNamed ||= told.named_in_hits;
  drafts.set(id, notice);
}

/** A notification's access fields: the member's own, so only its users see it. */
const ownOnly = (member: string): SharingRow => ({
  owner: member, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null,
});

/** Who of each member hears of matches: the told side's writers, the holder side's disclosers (focal points first). */
interface Contacts {
  told: ReadonlyMap<string, string[]>;
  holders: ReadonlyMap<string, string[]>;
}

async function contactsFor(tx: Tx, notices: readonly NoticeDraft[]): Promise<Contacts> {
  const byMember = (people: { member: string; id: string }[]): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const person of people) map.set(person.member, [...(map.get(person.member) ?? []), person.id]);
    return map;
  };
  const writers = ROLES.filter((role) => roleAllows([role], 'linkage.write'));
  const disclosers = ROLES.filter((role) => roleAllows([role], 'linkage.disclose'));
  return {
    told: byMember(await topicContacts(tx, [...new Set(notices.map((n) => n.told))], 'linkage', writers)),
    holders: byMember(await topicContacts(tx, [...new Set(notices.map((n) => n.holder))], 'linkage', disclosers)),
  };
}

/**
 * What tells both members of a new notice: the told member what matched and whom to ask, the holder
 * who was told; each member's contacts in the inbox, its users subscribed to the kind, its webhooks.
 */
function tellings(contacts: Contacts, notice: NoticeDraft & { id: string }): Notice[] {
  const what = KIND_LABELS[notice.kind] ?? notice.kind;
  const holderName = notice.holderNamed ? notice.holder : 'another member';
  return [{
    module: 'linkage',
    users: contacts.told.get(notice.told) ?? [],
    kind: 'linkage.match',
    title: `A ${what} in your records matches a record of ${holderName}`,
    body: `A record of ${holderName} that your member may not see holds the same ${what} as ${notice.toldRecords.size === 1 ? 'one of your records' : `${notice.toldRecords.size} of your records`}. Ask ${notice.holderNamed ? notice.holder : 'its holder'} what it may disclose.`,
    objectType: 'linkage-notice',
    objectId: notice.id,
    page: `/linkage/notices/${notice.id}`,
    source: ownOnly(notice.told),
    key: `linkage-notice:${notice.id}:told`,
  }, {
    module: 'linkage',
    users: contacts.holders.get(notice.holder) ?? [],
    kind: 'linkage.matched',
    title: `${notice.toldNamed ? notice.told : 'Another member'} was told that a ${what} in its records matches yours`,
    body: `${notice.toldNamed ? notice.told : 'Another member'} holds the same ${what} as ${notice.holderRecords.size === 1 ? 'one of your records' : `${notice.holderRecords.size} of your records`}, which it may not see. It may ask you to disclose what you choose.`,
    objectType: 'linkage-notice',
    objectId: notice.id,
    page: `/linkage/notices/${notice.id}`,
    source: ownOnly(notice.holder),
    key: `linkage-notice:${notice.id}:holder`,
  }];
}

/** The next midnight (UTC), when a member's notices for the day start again. */
const tomorrow = (): Date => {
  const next = new Date();
  next.setUTCHours(24, 0, 0, 0);
  return next;
};

/**
 * Matches up to `batch` queued entity rows in one owner transaction and gives the notices they make.
 * A value on the warning lists never matches; a value held by more records than the guard allows
 * (unless the secretariat let it through) makes no notice and is put to the secretariat once.
 */
export async function matchQueued(platform: Platform, batch = 200): Promise<MatchResult> {
  const settings = linkageSettings.of(platform.config);
  const threshold = settings.nameSimilarity / 100;
  return platform.db.ownerTransaction(async (tx) => {
    const taken = await tx.query<EntityRow & { taken: string }>(sql`
      WITH due AS (SELECT entity_id FROM linkage_queue WHERE not_before <= now() ORDER BY queued_at LIMIT ${batch} FOR UPDATE SKIP LOCKED),
      taken AS (DELETE FROM linkage_queue q USING due WHERE q.entity_id = due.entity_id RETURNING q.entity_id)
      SELECT taken.entity_id AS taken, ${columns} FROM taken LEFT JOIN linkage_entities e ON e.id = taken.entity_id`);
    // A name row deleted since it was queued: its pairs go here, not in the deleting write (migration 0033).
    const gone = taken.filter((row) => row.id === null).map((row) => row.taken);
    if (gone.length > 0) await tx.query(sql`SELECT linkage_drop_name_pairs(${gone}::uuid[])`);
    const queued: EntityRow[] = taken.filter((row) => row.id !== null).map(({ taken: _taken, ...row }) => row);
    const result: MatchResult = { entities: queued.length, notices: 0, held: 0 };
    if (queued.length === 0) return result;

    const statuses = new Map(
      (await tx.query<{ kind: string; key: string; status: string }>(sql`SELECT v.kind, v.key, v.status FROM linkage_values v
        JOIN unnest(${queued.map((e) => e.kind)}::text[], ${queued.map((e) => e.key)}::text[]) AS q (kind, key) ON q.kind = v.kind AND q.key = v.key`)).map((v) => [`${v.kind} ${v.key}`, v.status]),
    );
    // Every queued name's pairs, warning-listed or not: links show them as they show exact values.
    await storeNamePairs(tx, queued, threshold);
    const live = queued.filter((entity) => statuses.get(`${entity.kind} ${entity.key}`) !== 'benign');
    // A member already told of this value (or whose value another was told of) has the record added
    // to that notice, whatever the value has become since: how many hold it shows nowhere.
    await addToNotices(tx, live);
    const holders = await holdersOfAll(tx, live, settings.commonValueRecords + 1);
    const found = new Map<EntityRow, EntityRow[]>();
    for (const [index, entity] of live.entries()) {
      const others = holders[index] ?? [];
      // The entity's own record and the others: more than the guard allows is a common value.
      if (others.length + 1 > settings.commonValueRecords && statuses.get(`${entity.kind} ${entity.key}`) !== 'released') {
        await tx.query(sql`INSERT INTO linkage_values (kind, key, status, records) VALUES (${entity.kind}, ${entity.key}, 'common', ${others.length + 1})
          ON CONFLICT (kind, key) DO NOTHING`);
        continue;
      }
      found.set(entity, others);
    }

    const members = [...found].flatMap(([entity, holders]) => [entity.owner, ...holders.map((holder) => holder.owner)]);
    const viewers = await viewersOf(tx, members);
    const seen = (member: string, row: Access): boolean => {
      const viewer: Viewer | undefined = viewers.get(member);
      return viewer !== undefined && isVisibleTo(viewer, row);
    };
    const drafts = new Map<string, NoticeDraft>();
    const draftsOf = new Map<EntityRow, string[]>();
    for (const [entity, holders] of found) {
      const before = new Set(drafts.keys());
      for (const other of holders) {
        if (other.owner === entity.owner) continue;
        if (!seen(entity.owner, other)) draft(drafts, entity, other);
        if (!seen(other.owner, entity)) draft(drafts, other, entity);
      }
      draftsOf.set(entity, [...drafts.keys()].filter((id) => !before.has(id)));
    }
    if (drafts.size === 0) return result;

    // Which notices exist already (their matches are added; nobody is told again), and how many
    // new ones each told member has had today.
    const list = [...drafts.values()];
    const existing = new Set(
      (await tx.query<{ told: string; holder: string; kind: string; key: string }>(sql`SELECT n.told, n.holder, n.kind, n.key FROM linkage_notices n
        JOIN unnest(${list.map((n) => n.told)}::text[], ${list.map((n) => n.holder)}::text[], ${list.map((n) => n.kind)}::text[], ${list.map((n) => n.key)}::text[])
          AS d (told, holder, kind, key) ON (d.told, d.holder, d.kind, d.key) = (n.told, n.holder, n.kind, n.key)`)).map((n) => `${n.told} ${n.holder} ${n.kind} ${n.key}`),
    );
    const today = new Map(
      (await tx.query<{ told: string; n: number }>(sql`SELECT told, count(*)::int AS n FROM linkage_notices
        WHERE told = ANY(${[...new Set(list.map((n) => n.told))]}::text[]) AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' GROUP BY told`)).map((row) => [row.told, row.n]),
    );
    const held = new Set<string>();
    for (const [id, notice] of drafts) {
      if (existing.has(id)) continue;
      const given = today.get(notice.told) ?? 0;
      if (given >= settings.noticesPerDay) held.add(id);
      else today.set(notice.told, given + 1);
    }
    // An entity whose notice was held waits for the next day whole; the notices it did make stand.
    const waiting = [...draftsOf].filter(([, ids]) => ids.some((id) => held.has(id))).map(([entity]) => entity.id);
    if (waiting.length > 0) {
      await tx.query(sql`INSERT INTO linkage_queue (entity_id, not_before) SELECT unnest(${waiting}::uuid[]), ${tomorrow()}
        ON CONFLICT (entity_id) DO UPDATE SET not_before = excluded.not_before`);
      result.held = waiting.length;
    }

    // Every new notice in one statement (a notice made meanwhile by another process takes the matches
    // instead), then one audit row each, and each member concerned told.
    const given = [...drafts].filter(([id]) => !held.has(id)).map(([, notice]) => notice);
    const written = await tx.query<{ id: string; told: string; holder: string; kind: string; key: string; created: boolean }>(sql`
      INSERT INTO linkage_notices (told, holder, kind, key, told_records, holder_records, holder_named, told_named)
      SELECT d.told, d.holder, d.kind, d.key, d.told_records, d.holder_records, d.holder_named, d.told_named
      FROM jsonb_to_recordset(${JSON.stringify(given.map((n) => ({ told: n.told, holder: n.holder, kind: n.kind, key: n.key, told_records: [...n.toldRecords], holder_records: [...n.holderRecords], holder_named: n.holderNamed, told_named: n.toldNamed })))}::jsonb)
        AS d (told text, holder text, kind text, key text, told_records uuid[], holder_records uuid[], holder_named boolean, told_named boolean)
      ON CONFLICT (told, holder, kind, key) DO UPDATE SET
        told_records = ARRAY(SELECT DISTINCT unnest(linkage_notices.told_records || excluded.told_records) ORDER BY 1),
        holder_records = ARRAY(SELECT DISTINCT unnest(linkage_notices.holder_records || excluded.holder_records) ORDER BY 1),
        holder_named = linkage_notices.holder_named OR excluded.holder_named,
        told_named = linkage_notices.told_named OR excluded.told_named,
        updated_at = now()
      RETURNING id, told, holder, kind, key, (xmax = 0) AS created`);
    const created = written.filter((row) => row.created).map((row) => ({ ...drafts.get(`${row.told} ${row.holder} ${row.kind} ${row.key}`)!, id: row.id }));
    result.notices = created.length;
    for (const told of new Set(created.map((notice) => notice.told))) {
      await appendAudit(tx, { member: told }, created.filter((notice) => notice.told === told).map((notice) => ({
        action: 'linkage.notice',
        objectType: 'linkage-notice',
        objectId: notice.id,
        // The holder sees the notice on its "who read my records" page, unless the member told stays unnamed.
        objectOwners: notice.toldNamed ? [notice.holder, notice.told].sort() : [notice.told],
        details: { told: notice.told, holder: notice.holder, kind: notice.kind, toldRecords: [...notice.toldRecords], holderRecords: [...notice.holderRecords] },
      })));
    }
    if (created.length > 0) {
      const contacts = await contactsFor(tx, created);
      for (const telling of created.flatMap((notice) => tellings(contacts, notice))) await notify(tx, platform, telling);
    }
    return result;
  });
}

/** Runs the matcher until the queue holds nothing due. */
export async function matchAll(platform: Platform): Promise<MatchResult> {
  const total: MatchResult = { entities: 0, notices: 0, held: 0 };
  for (;;) {
    const round = await matchQueued(platform);
    total.entities += round.entities;
    total.notices += round.notices;
    total.held += round.held;
    if (round.entities === 0) return total;
  }
}

const running = new WeakMap<Platform, { kick(): void }>();

/** Wakes this process's matcher, if it runs (after a write commits). */
export function kickMatcher(platform: Platform): void {
  running.get(platform)?.kick();
}

/**
 * Runs the matcher every `everyMs` and when kicked; other processes' writes are picked up by the
 * interval. One run at a time.
 */
export function startMatcher(platform: Platform, onNotices: () => void, onError: (error: unknown) => void, everyMs = 2_000): { stop(): Promise<void> } {
  const job = repeat(
    async () => {
      if ((await matchAll(platform)).notices > 0) onNotices();
    },
    { everyMs, onError, runNow: true },
  );
  running.set(platform, job);
  return {
    async stop() {
      running.delete(platform);
      await job.stop();
    },
  };
}
