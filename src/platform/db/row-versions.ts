import type { Database } from './database.js';

/**
 * What a process keeps of rows it has read, each under the version of the row it was made from,
 * so a list can ask the database only which rows it may show (under both walls of the sharing
 * rule, every time) and not again for rows it has already read and presented.
 *
 * A row's version is its `xmin` as text: every insert and update writes a new row version with
 * the writing transaction's id, so a version names one content for good. Only rows read in a
 * `Database.read` transaction may be kept: it sees committed rows only, whereas a transaction that
 * changed a row twice would read two contents under one `xmin`. Entries are dropped after
 * `maxAgeMs`, long before transaction ids could wrap around, and the oldest first past `capacity`.
 */
export class RowVersions<Value> {
  private readonly entries = new Map<string, { version: string; value: Value; at: number }>();

  constructor(
    private readonly capacity = 20_000,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The value kept for `key` if it was made from this version of the row and is not too old. */
  get(key: string, version: string, now = Date.now()): Value | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.version !== version || now - entry.at > this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, version: string, value: Value, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { version, value, at: now });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const byDatabase = new WeakMap<Database, Map<string, RowVersions<unknown>>>();

/** The named cache of one database (a process may open several: tests, the bench). */
export function rowVersionsOf<Value>(db: Database, name: string): RowVersions<Value> {
  let caches = byDatabase.get(db);
  if (!caches) byDatabase.set(db, (caches = new Map<string, RowVersions<unknown>>()));
  let cache = caches.get(name);
  if (!cache) caches.set(name, (cache = new RowVersions<unknown>()));
  return cache as RowVersions<Value>;
}
