import { documentSettings } from './settings.js';
import type { Platform } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { listen, type Listener } from '../../platform/db/listen.js';
import { sql } from '../../platform/db/sql.js';
import { DocumentIndex } from './memory-index.js';

/**
 * The process-wide fast path of the online check: a DocumentIndex of every active document's key,
 * built from the database at start and kept current on every write in this process (additions at
 * once, removals after commit) and, on PostgreSQL, from other processes' writes through
 * LISTEN/NOTIFY. A key not in the index needs no database read; a key in it is confirmed in the
 * database under the sharing rule, so a false positive (a collision, a cancelled document whose
 * removal is still on its way) never becomes a hit. The database stays the truth.
 *
 * The index is the process's, not a member's: it is built by the schema owner, reads only keys,
 * and its answers never leave the server unconfirmed.
 */

export const NOTIFY_CHANNEL = 'lintas_travel_documents';
const BUILD_BATCH = 50_000;

/** Keys a write changed: added ones go into the index at once, removed ones after the commit. */
export class IndexChanges {
  readonly removed: string[] = [];

  constructor(private readonly onAdded?: (key: string) => void) {}

  /** Whether additions reach an index (a write elsewhere, the command line's, needs no keys). */
  get tracksAdditions(): boolean {
    return this.onAdded !== undefined;
  }

  /** A key written active: into the index now (a rollback leaves a harmless false positive). */
  add(key: string): void {
    this.onAdded?.(key);
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

export class DocumentRegister {
  private current = new DocumentIndex(1024);
  private starting: Promise<void> | undefined;
  private listener: Listener | undefined;
  /** While a rebuild runs, what changed meanwhile, replayed on the new index before it is swapped in. */
  private journal: { add: boolean; key: string }[] | undefined;
  /** Time the last build took, in milliseconds (the benchmark reports it). */
  buildMs = 0;

  constructor(
    private readonly db: Database,
    readonly options: RegisterOptions,
  ) {}

  get index(): DocumentIndex {
    return this.current;
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

  /** Reads every active key into a new index and swaps it in. */
  async rebuild(): Promise<void> {
    const started = performance.now();
    this.journal = [];
    try {
      const index = await buildIndex(this.db);
      for (const change of this.journal) {
        if (change.add) index.add(change.key);
        else index.delete(change.key);
      }
      this.current = index;
    } finally {
      this.journal = undefined;
    }
    this.buildMs = performance.now() - started;
  }

  /** Whether a key may be in the register (always true without the index: the database decides). */
  mayHold(key: string): boolean {
    return !this.options.useIndex || this.current.has(key);
  }

  /** mayHold for many keys at once (a manifest), with the index's overlapping lookups. */
  mayHoldMany(keys: readonly string[]): boolean[] {
    if (!this.options.useIndex) return keys.map(() => true);
    return Array.from(this.current.hasMany(keys), (found) => found === 1);
  }

  /** A key written active in this process: into the index at once (a rollback leaves a harmless false positive). */
  added(key: string): void {
    if (this.options.useIndex) this.apply(true, key);
  }

  private apply(add: boolean, key: string): void {
    if (add) this.current.add(key);
    else this.current.delete(key);
    this.journal?.push({ add, key });
  }

  /** Keys that stopped being active, applied once their transaction committed. */
  committed(changes: IndexChanges): void {
    if (!this.options.useIndex) return;
    for (const key of changes.removed) this.apply(false, key);
  }

  /** Another process wrote documents: re-read the current state of every key in the range. */
  private async applyNotification(payload: string): Promise<void> {
    const match = /^(\d+)-(\d+)$/.exec(payload);
    if (!match) return;
    const rows = await this.db.ownerTransaction((tx) =>
      tx.query<{ key: string; active: boolean }>(sql`
        SELECT c.issuer || chr(31) || c.doc_type || chr(31) || c.number AS key,
          EXISTS (SELECT 1 FROM travel_documents a WHERE a.issuer = c.issuer AND a.doc_type = c.doc_type AND a.number = c.number AND a.state = 'active') AS active
        FROM (SELECT DISTINCT issuer, doc_type, number FROM travel_documents WHERE change_seq > ${Number(match[1])} AND change_seq <= ${Number(match[2])}) c`),
    );
    for (const row of rows) this.apply(row.active, row.key);
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = undefined;
  }
}

/** Every active document's key, read in batches through a cursor (millions of rows, bounded memory). */
export async function buildIndex(db: Database, batch = BUILD_BATCH): Promise<DocumentIndex> {
  return db.ownerTransaction(async (tx) => {
    const { n } = await tx.one<{ n: number }>(sql`SELECT count(*)::bigint AS n FROM travel_documents WHERE state = 'active'`);
    const index = new DocumentIndex(Math.max(1024, Math.ceil(n * 1.1)));
    await tx.query(sql`DECLARE index_build NO SCROLL CURSOR FOR
      SELECT issuer || chr(31) || doc_type || chr(31) || number AS key FROM travel_documents WHERE state = 'active'`);
    for (;;) {
      const rows = await tx.query<{ key: string }>(sql.raw(`FETCH ${Math.floor(batch)} FROM index_build`));
      for (const row of rows) index.add(row.key);
      if (rows.length < batch) break;
    }
    await tx.query(sql`CLOSE index_build`);
    return index;
  });
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
