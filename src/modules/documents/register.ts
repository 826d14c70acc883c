import { documentSettings } from './settings.js';
import type { Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { listen, type Listener } from '../../platform/db/listen.js';
import { sql } from '../../platform/db/sql.js';
import { ABSENT, DocumentIndex, MAX_TAG } from './memory-index.js';
import type { SharingRow, Viewer } from '../../platform/sharing/model.js';
import { isVisibleTo } from '../../platform/sharing/rule.js';

/**
 * The process-wide fast path of the online check: a DocumentIndex of every active document's key
 * with its audience, built from the database at start and kept current on every write in this
 * process (additions at once, removals and new audiences after commit) and, on PostgreSQL, from
 * other processes' writes through LISTEN/NOTIFY. The index applies the sharing rule itself: a key
 * it does not hold, and a key whose document the checking member may not see, need no database
 * read, so a document registered for others takes exactly the path of one registered by no one
 * (the time a check takes tells nothing). A key the checking member may see is confirmed in the
 * database under the sharing rule, so a false positive (a collision, a cancelled document whose
 * removal is still on its way, an audience being changed) never becomes a hit. The database stays
 * the truth; the index only ever errs towards asking it.
 *
 * The index is the process's, not a member's: it is built by the schema owner, reads only keys and
 * audiences, and its answers never leave the server unconfirmed.
 */

export const NOTIFY_CHANNEL = 'lintas_travel_documents';
const BUILD_BATCH = 50_000;

/** What the index keeps of a document's sharing: enough to apply the sharing rule for any member. */
export type Audience = Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'>;

/** Tag 0: an audience the index does not know (being changed, or past the table's size); the database decides. */
const UNKNOWN = 0;

/** The audiences of the index's documents, each once, numbered from 1 (a tag); shared by many documents. */
class Audiences {
  private readonly numbers = new Map<string, number>();
  private readonly list: (Audience | undefined)[] = [undefined];

  /** The audience's tag; UNKNOWN once the table is full (the index then asks the database for it). */
  tagOf(audience: Audience): number {
    const text = `${audience.owner}\u001f${audience.audience_kind}\u001f${audience.audience_members.join('\u001e')}\u001f${audience.audience_groups.join('\u001e')}`;
    const known = this.numbers.get(text);
    if (known !== undefined) return known;
    if (this.list.length > MAX_TAG) return UNKNOWN;
    this.numbers.set(text, this.list.length);
    this.list.push(audience);
    return this.list.length - 1;
  }

  /** Whether the viewer may see documents of the tag, or may be able to (UNKNOWN). */
  admits(tag: number, viewer: Viewer): boolean {
    const audience = this.list[tag];
    return audience === undefined || isVisibleTo(viewer, audience);
  }

  get size(): number {
    return this.list.length - 1;
  }
}

/** An index and the audiences its tags number, swapped in together. */
interface Snapshot {
  index: DocumentIndex;
  audiences: Audiences;
}

/** A change to the index: a key active with its audience (`keep`: unless it is already there), retagged, removed. */
type Change = { op: 'add'; key: string; audience: Audience; keep: boolean } | { op: 'retag'; key: string; audience: Audience | undefined } | { op: 'delete'; key: string };

/** Where a write's changes go at once (the process's register; none for the command line's writes). */
interface ChangeSink {
  added(key: string, audience: Audience, keep: boolean): void;
  unsure(key: string): void;
}

/**
 * What a write changed: keys active with their audience go into the index at once; keys no longer
 * active and new audiences, after the commit. While an audience changes its key is UNKNOWN to the
 * index (every check of it asks the database), so neither the old audience nor the new one can
 * hide a hit the database would give.
 */
export class IndexChanges {
  readonly removed: string[] = [];
  readonly reshared: { key: string; audience: Audience }[] = [];

  constructor(private readonly sink?: ChangeSink) {}

  /** Whether additions reach an index (a write elsewhere, the command line's, needs no keys). */
  get tracksAdditions(): boolean {
    return this.sink !== undefined;
  }

  /**
   * A key written active with its audience: into the index now (a rollback leaves a harmless false
   * positive). `keep`: a key the index already holds keeps its audience (an import rewrites content,
   * not sharing).
   */
  add(key: string, audience: Audience, keep = false): void {
    this.sink?.added(key, audience, keep);
  }

  /** An active document's audience changed: unknown to the index now, the new one once committed. */
  reshare(key: string, audience: Audience): void {
    this.sink?.unsure(key);
    this.reshared.push({ key, audience });
  }

  /** A key no longer active: out of the index once the transaction committed. */
  remove(key: string): void {
    this.removed.push(key);
  }
}

export interface RegisterOptions {
  /** Off: every check reads the database (the benchmark's plain indexed lookup). */
  useIndex: boolean;
  /** A PostgreSQL URL to listen on for other processes' writes. */
  listenUrl?: string | undefined;
}

export class DocumentRegister implements ChangeSink {
  private current: Snapshot = { index: new DocumentIndex(1024), audiences: new Audiences() };
  private starting: Promise<void> | undefined;
  private listener: Listener | undefined;
  /** While a rebuild runs, what changed meanwhile, replayed on the new index before it is swapped in. */
  private journal: Change[] | undefined;
  /** Time the last build took, in milliseconds (the benchmark reports it). */
  buildMs = 0;

  constructor(
    private readonly db: Database,
    readonly options: RegisterOptions,
  ) {}

  get index(): DocumentIndex {
    return this.current.index;
  }

  /** Distinct audiences the index numbers. */
  get audiences(): number {
    return this.current.audiences.size;
  }

  /** Builds the index (once) and starts listening; every check awaits it. */
  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  private async begin(): Promise<void> {
    if (!this.options.useIndex) return;
    // Listen first, so nothing written during the build is missed: notifications that arrive
    // meanwhile are applied after it (the build may already hold them; applying is idempotent).
    const early: string[] = [];
    let built = false;
    if (this.options.listenUrl) {
      this.listener = await listen(
        this.options.listenUrl,
        NOTIFY_CHANNEL,
        (payload) => (built ? void this.applyNotification(payload) : early.push(payload)),
        () => void this.rebuild(),
      );
    }
    await this.rebuild();
    built = true;
    for (const payload of early) await this.applyNotification(payload);
  }

  /** Reads every active key and its audience into a new index and swaps it in. */
  async rebuild(): Promise<void> {
    const started = performance.now();
    this.journal = [];
    try {
      const snapshot = await buildSnapshot(this.db);
      for (const change of this.journal) applyTo(snapshot, change);
      this.current = snapshot;
    } finally {
      this.journal = undefined;
    }
    this.buildMs = performance.now() - started;
  }

  /**
   * Whether the viewer may have a hit on the key: the document is active and, as far as the index
   * knows, in the viewer's audience (always true without the index: the database decides).
   */
  mayHold(key: string, viewer: Viewer): boolean {
    if (!this.options.useIndex) return true;
    const tag = this.current.index.find(key);
    return tag !== ABSENT && this.current.audiences.admits(tag, viewer);
  }

  /** mayHold for many keys at once (a manifest), with the index's overlapping lookups. */
  mayHoldMany(keys: readonly string[], viewer: Viewer): boolean[] {
    if (!this.options.useIndex) return keys.map(() => true);
    const { index, audiences } = this.current;
    const admitted = new Map<number, boolean>();
    return Array.from(index.findMany(keys), (tag) => {
      if (tag === ABSENT) return false;
      let admits = admitted.get(tag);
      if (admits === undefined) admitted.set(tag, (admits = audiences.admits(tag, viewer)));
      return admits;
    });
  }

  /** A key written active in this process: into the index at once (a rollback leaves a harmless false positive). */
  added(key: string, audience: Audience, keep: boolean): void {
    if (this.options.useIndex) this.apply({ op: 'add', key, audience, keep });
  }

  /** A key whose audience is changing: the database decides its checks until the change is known. */
  unsure(key: string): void {
    if (this.options.useIndex) this.apply({ op: 'retag', key, audience: undefined });
  }

  private apply(change: Change): void {
    applyTo(this.current, change);
    this.journal?.push(change);
  }

  /** Keys that stopped being active and new audiences, applied once their transaction committed. */
  committed(changes: IndexChanges): void {
    if (!this.options.useIndex) return;
    for (const key of changes.removed) this.apply({ op: 'delete', key });
    for (const { key, audience } of changes.reshared) this.apply({ op: 'retag', key, audience });
  }

  /** Another process wrote documents: re-read the current state of every key in the range. */
  private async applyNotification(payload: string): Promise<void> {
    const match = /^(\d+)-(\d+)$/.exec(payload);
    if (!match) return;
    const rows = await this.db.ownerTransaction((tx) =>
      tx.query<{ key: string } & Partial<Audience>>(sql`
        SELECT c.issuer || chr(31) || c.doc_type || chr(31) || c.number AS key, a.owner, a.audience_kind, a.audience_members, a.audience_groups
        FROM (SELECT DISTINCT issuer, doc_type, number FROM travel_documents WHERE change_seq > ${Number(match[1])} AND change_seq <= ${Number(match[2])}) c
        LEFT JOIN travel_documents a ON a.issuer = c.issuer AND a.doc_type = c.doc_type AND a.number = c.number AND a.state = 'active'`),
    );
    for (const row of rows) {
      if (row.owner === undefined || row.owner === null) this.apply({ op: 'delete', key: row.key });
      else this.apply({ op: 'add', key: row.key, audience: row as Audience, keep: false });
    }
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }
}

function applyTo({ index, audiences }: Snapshot, change: Change): void {
  if (change.op === 'delete') index.delete(change.key);
  else if (change.op === 'add') index.add(change.key, audiences.tagOf(change.audience), change.keep);
  else index.retag(change.key, change.audience ? audiences.tagOf(change.audience) : UNKNOWN);
}

/** The audience of a row as buildSnapshot reads it: owner, kind, members and groups in one text. */
function audienceOf(text: string): Audience {
  const [owner = '', kind = 'owner', members = '', groups = ''] = text.split('\u001f');
  return { owner, audience_kind: kind as Audience['audience_kind'], audience_members: members === '' ? [] : members.split('\u001e'), audience_groups: groups === '' ? [] : groups.split('\u001e') };
}

/** Every active document's key and audience, read in batches through a cursor (millions of rows, bounded memory). */
async function buildSnapshot(db: Database, batch = BUILD_BATCH): Promise<Snapshot> {
  return db.ownerTransaction(async (tx) => {
    const { n } = await tx.one<{ n: number }>(sql`SELECT count(*)::bigint AS n FROM travel_documents WHERE state = 'active'`);
    const index = new DocumentIndex(Math.max(1024, Math.ceil(n * 1.1)));
    const audiences = new Audiences();
    // An audience is read as one text and parsed once per distinct value: most documents share a few.
    const tags = new Map<string, number>();
    await tx.query(sql`DECLARE index_build NO SCROLL CURSOR FOR
      SELECT issuer || chr(31) || doc_type || chr(31) || number AS key,
        owner || chr(31) || audience_kind || chr(31) || array_to_string(audience_members, chr(30)) || chr(31) || array_to_string(audience_groups, chr(30)) AS audience
      FROM travel_documents WHERE state = 'active'`);
    for (;;) {
      const rows = await tx.query<{ key: string; audience: string }>(sql.raw(`FETCH ${Math.floor(batch)} FROM index_build`));
      for (const row of rows) {
        let tag = tags.get(row.audience);
        if (tag === undefined) tags.set(row.audience, (tag = audiences.tagOf(audienceOf(row.audience))));
        index.add(row.key, tag);
      }
      if (rows.length < batch) break;
    }
    await tx.query(sql`CLOSE index_build`);
    return { index, audiences };
  });
}

/** Every active document's key (with its audience's tag), as the register builds it. */
export async function buildIndex(db: Database, batch = BUILD_BATCH): Promise<DocumentIndex> {
  return (await buildSnapshot(db, batch)).index;
}

const registers = new WeakMap<Database, DocumentRegister>();

/** The register of a database in this process (every app on the same database shares it). */
export function registerOf(platform: Platform): DocumentRegister {
  let register = registers.get(platform.db);
  if (!register) {
    register = new DocumentRegister(platform.db, {
      useIndex: documentSettings.of(platform.config).documentIndex,
      listenUrl: platform.db.kind === 'postgres' ? platform.config.databaseUrl : undefined,
    });
    registers.set(platform.db, register);
  }
  return register;
}

/** Stops listening (server shutdown). */
export async function closeRegister(db: Database): Promise<void> {
  const register = registers.get(db);
  registers.delete(db);
  await register?.close();
}
