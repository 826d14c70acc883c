import type { Database } from '../db/database.js';
import { auditAppendStatement, auditEntry, type AuditEntry, type AuditEvent, type AuditSource } from './writer.js';

/**
 * Group commit for the audit trail of acts that write nothing else (reads through `readAs`, document
 * checks that found nothing): concurrent requests' rows are queued and written together, in one
 * transaction, as soon as no group is being written (or after `maxDelayMs`) or once N rows wait;
 * each request is answered only after the transaction holding its rows committed, and an error
 * reaches every request of the group. One commit (one WAL flush) then serves many requests,
 * and no answer ever leaves before its audit row is durable (DESIGN.md §4).
 *
 * Acts that write anything besides their audit rows keep using `ctx.audit` in their own transaction.
 */

export interface GroupCommitOptions {
  /**
   * How long the first row of a group waits for others before the group is written. 0 (the
   * default): written at once when no group is being written (after the current turn of the event
   * loop, so requests arriving together share it); while one is, rows gather and go together as
   * soon as it commits. Under load groups grow by themselves; when idle no row waits.
   */
  maxDelayMs?: number;
  /** A group holding this many rows is written at once. */
  maxRows?: number;
  /** Groups written at the same time (each on its own connection and audit lane). */
  concurrency?: number;
}

interface Waiting {
  entries: AuditEntry[];
  resolve(): void;
  reject(error: unknown): void;
}

export interface GroupCommitStats {
  groups: number;
  rows: number;
  failures: number;
}

export class AuditGroupCommit {
  private queue: Waiting[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  /** The pending start of the next group, if one is scheduled. */
  private timer: { cancel(): void } | undefined;
  private closed = false;
  private readonly settled = new Set<Promise<void>>();
  readonly stats: GroupCommitStats = { groups: 0, rows: 0, failures: 0 };
  private readonly maxDelayMs: number;
  private readonly maxRows: number;
  private readonly concurrency: number;

  constructor(
    private readonly db: Database,
    options: GroupCommitOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? 0;
    this.maxRows = options.maxRows ?? 1000;
    this.concurrency = options.concurrency ?? 1;
  }

  /** Queues the rows of one act; resolves once they are committed, rejects if their group failed. */
  append(source: AuditSource, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the audit group commit is closed'));
    return new Promise<void>((resolve, reject) => {
      const entries = events.map((event) => auditEntry(source, event));
      this.queue.push({ entries, resolve, reject });
      this.queuedRows += entries.length;
      if (this.queuedRows >= this.maxRows) this.writeGroups();
      else if (this.inFlight < this.concurrency) this.timer ??= this.schedule();
      // Otherwise the group in flight writes these when it commits.
    });
  }

  /** Writes whatever is queued now and waits for every group in flight. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.queue.length > 0 || this.settled.size > 0) {
      this.writeGroups();
      await Promise.all([...this.settled]);
    }
  }

  /** Refuses new rows, then writes and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): { cancel(): void } {
    if (this.maxDelayMs > 0) {
      const timeout = setTimeout(() => this.onTimer(), this.maxDelayMs);
      return { cancel: () => clearTimeout(timeout) };
    }
    const immediate = setImmediate(() => this.onTimer());
    return { cancel: () => clearImmediate(immediate) };
  }

  private clearTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.writeGroups();
  }

  /** Starts as many groups as the queue and the concurrency allow. */
  private writeGroups(): void {
    while (this.queue.length > 0 && this.inFlight < this.concurrency) {
      this.clearTimer();
      const group: Waiting[] = [];
      let rows = 0;
      while (this.queue.length > 0 && (group.length === 0 || rows + (this.queue[0]?.entries.length ?? 0) <= this.maxRows)) {
        const next = this.queue.shift() as Waiting;
        group.push(next);
        rows += next.entries.length;
      }
      this.queuedRows -= rows;
      this.inFlight++;
      const done = this.write(group, rows).finally(() => {
        this.inFlight--;
        this.settled.delete(done);
        // Rows that queued while this group was written have waited at least that long: write them now.
        if (this.queue.length > 0) this.writeGroups();
      });
      this.settled.add(done);
    }
  }

  private async write(group: readonly Waiting[], rows: number): Promise<void> {
    try {
      // audit_append takes many rows, each with its own source, in one statement, sent with the
      // COMMIT (one round trip for the group after its BEGIN).
      const entries = group.flatMap((waiting) => waiting.entries);
      // As the owner: a group holds many members' rows, which audit_append takes from the owner only.
      await this.db.ownerTransaction((tx) => {
        tx.defer(auditAppendStatement(entries));
        return Promise.resolve();
      });
      this.stats.groups++;
      this.stats.rows += rows;
      for (const waiting of group) waiting.resolve();
    } catch (error) {
      this.stats.failures++;
      for (const waiting of group) waiting.reject(error);
    }
  }
}

const groups = new WeakMap<Database, AuditGroupCommit>();

/** The process's group commit for a database (one per database, shared by every app on it). */
export function auditGroupFor(db: Database, options?: GroupCommitOptions): AuditGroupCommit {
  let group = groups.get(db);
  if (!group) {
    group = new AuditGroupCommit(db, options);
    groups.set(db, group);
  }
  return group;
}

/** Closes the database's group commit, writing what is queued (server shutdown). */
export async function closeAuditGroup(db: Database): Promise<void> {
  const group = groups.get(db);
  if (!group) return;
  groups.delete(db);
  await group.close();
}
