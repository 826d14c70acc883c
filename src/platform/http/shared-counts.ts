import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Database } from '../db/database.js';
import { sql } from '../db/sql.js';

/**
 * Counts of requests per key (a user, an address) and limit, shared by every server process on one
 * database: the request rate limits and the refusals per address hold for the whole deployment, not
 * each process. A count is taken in this process's memory at once, so no request waits for the
 * database; every `syncMs` (a second) the process adds what it counted to `rate_counts` and reads
 * back the totals of the keys it counts, its own and the others'. So a limit is passed by at most
 * what the other processes counted in the last second (for a key this process had not counted
 * before, in the second before its first sync with it).
 *
 * The windows are fixed and aligned on the clock (every process has the same ones), and a count is
 * the sliding estimate over the last window's length: the previous window's total weighted by how
 * much of it is still within the last `windowMs`, plus the current window's, as Cloudflare and nginx
 * count. A burst across a window's end is counted as one burst, not two halves.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The request counts of the rate limits and of the refusals per address, shared across processes. */
    requestCounts: SharedCounts;
  }
}

/**
 * One key's count in one window: the database's total when last read (this process's part of it
 * included), what this process counted since, and what a sync under way is adding (counted until
 * the total that holds it is read back).
 */
interface Slot {
  shared: number;
  pending: number;
  sending: number;
}

interface Entry {
  id: string;
  windowMs: number;
  /** By window end (ms since 1970): the current window and the one before it. */
  slots: Map<number, Slot>;
}

export interface Tally {
  /** The sliding count, this request's included when it was added. */
  count: number;
  /** Milliseconds until the current window ends. */
  windowLeftMs: number;
}

export interface SharedCountsOptions {
  /** Where the counts are shared; without it they are this process's alone. */
  db?: Database;
  now?: () => number;
  syncMs?: number;
}

/** Rows of windows that ended this long ago are deleted (every limit's window is shorter). */
const KEEP_MS = 10 * 60_000;
/** Keys kept in memory at most; past it, keys whose windows are over are dropped first. */
const SWEEP_AT = 10_000;

const slotCount = (slot: Slot | undefined): number => (slot ? slot.shared + slot.pending + slot.sending : 0);

export class SharedCounts {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private syncing: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(private readonly options: SharedCountsOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Counts one request of `key` under a limit of window `windowMs`, and gives the count with it. */
  add(key: string, windowMs: number): Tally {
    const now = this.now();
    const entry = this.entry(key, windowMs, now);
    const end = windowEnd(now, windowMs);
    let slot = entry.slots.get(end);
    if (!slot) entry.slots.set(end, (slot = { shared: 0, pending: 0, sending: 0 }));
    slot.pending += 1;
    return this.tally(entry, now);
  }

  /** The count of `key` now, without adding to it. */
  peek(key: string, windowMs: number): Tally {
    const now = this.now();
    const entry = this.entries.get(entryKey(key, windowMs));
    return entry ? this.tally(entry, now) : { count: 0, windowLeftMs: windowEnd(now, windowMs) - now };
  }

  /**
   * Milliseconds until `key` may make a request again under `max` (its count, with the request, no
   * more than `max`), if it makes none meanwhile; 0 when it may now.
   */
  waitMs(key: string, windowMs: number, max: number): number {
    const now = this.now();
    const entry = this.entries.get(entryKey(key, windowMs));
    if (!entry) return 0;
    const end = windowEnd(now, windowMs);
    const previous = slotCount(entry.slots.get(end - windowMs));
    const current = slotCount(entry.slots.get(end));
    const room = max - 1;
    if (estimate(previous, current, end, now, windowMs) <= room) return 0;
    // Later in this window, the previous one's weight falls: ceil(previous × left / windowMs) ≤ room − current.
    if (current <= room && previous > 0) return Math.max(1, Math.ceil(end - ((room - current) * windowMs) / previous) - now);
    // In the next window, this one's count is the previous one's.
    if (room <= 0) return end + windowMs - now;
    return Math.max(1, Math.ceil(end + windowMs - (room * windowMs) / current) - now);
  }

  /** Shares the counts every `syncMs` until `stop`; a failed sync is retried at the next (`onError` hears of it). */
  start(onError: (error: unknown) => void): void {
    if (!this.options.db || this.timer) return;
    this.timer = setInterval(() => {
      this.sync().catch(onError);
    }, this.options.syncMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.syncing?.catch(() => undefined);
  }

  /** Adds what this process counted to the shared totals and reads back the totals of every key it counts. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const db = this.options.db;
    if (!db) return;
    const now = this.now();
    const rows: { entry: Entry; end: number; slot: Slot; added: number }[] = [];
    for (const entry of this.entries.values()) {
      const end = windowEnd(now, entry.windowMs);
      for (const slotEnd of entry.slots.keys()) if (slotEnd < end - entry.windowMs) entry.slots.delete(slotEnd);
      // A key none counted in its last two windows is forgotten; one still weighing has its current window
      // read too, so what other processes count in it is seen before this one counts it again.
      if (![...entry.slots.values()].some((slot) => slotCount(slot) > 0)) {
        this.entries.delete(entry.id);
        continue;
      }
      if (!entry.slots.has(end)) entry.slots.set(end, { shared: 0, pending: 0, sending: 0 });
      for (const [slotEnd, slot] of entry.slots) rows.push({ entry, end: slotEnd, slot, added: slot.pending });
    }
    const sweep = now - this.lastSweep >= 60_000;
    if (rows.length === 0 && !sweep) return;
    // Taken out before the round trip: what is counted meanwhile is the next sync's. What is on its
    // way still counts (as `sending`) until the total that holds it is read back, or a burst during
    // the round trip would find the count fallen by what was sent.
    for (const row of rows) {
      row.slot.pending -= row.added;
      row.slot.sending += row.added;
    }
    // In one order in every process, so that two syncs lock their rows in the same order.
    rows.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : a.end - b.end));
    try {
      const totals = await db.transaction({ member: null }, async (tx) => {
        if (sweep) await tx.query(sql`DELETE FROM rate_counts WHERE window_end < ${now - KEEP_MS}`);
        if (rows.length === 0) return [];
        return tx.query<{ id: string; window_end: string; count: number }>(sql`
          WITH delta AS (
            SELECT * FROM unnest(${rows.map((row) => row.entry.id)}::text[], ${rows.map((row) => row.end)}::bigint[], ${rows.map((row) => row.added)}::int[])
              WITH ORDINALITY AS d (id, window_end, added, n)
          ), added AS (
            INSERT INTO rate_counts (id, window_end, count)
            SELECT id, window_end, added FROM delta WHERE added > 0 ORDER BY n
            ON CONFLICT (id, window_end) DO UPDATE SET count = rate_counts.count + excluded.count
            RETURNING id, window_end, count
          )
          SELECT id, window_end::text, count FROM added
          UNION ALL
          SELECT r.id, r.window_end::text, r.count FROM rate_counts r JOIN delta d USING (id, window_end) WHERE d.added = 0`);
      });
      if (sweep) this.lastSweep = now;
      const byId = new Map(rows.map((row) => [`${row.entry.id}\n${row.end}`, row]));
      for (const total of totals) {
        const row = byId.get(`${total.id}\n${Number(total.window_end)}`);
        if (row) row.slot.shared = total.count;
      }
      for (const row of rows) row.slot.sending -= row.added;
    } catch (error) {
      for (const row of rows) {
        row.slot.sending -= row.added;
        row.slot.pending += row.added;
      }
      throw error;
    }
  }

  private entry(key: string, windowMs: number, now: number): Entry {
    const id = entryKey(key, windowMs);
    let entry = this.entries.get(id);
    if (!entry) {
      if (this.entries.size >= SWEEP_AT) this.sweep(now);
      this.entries.set(id, (entry = { id, windowMs, slots: new Map() }));
    }
    return entry;
  }

  /** Drops the keys whose last two windows are over (their counts no longer weigh). */
  private sweep(now: number): void {
    for (const [id, entry] of this.entries) {
      const end = windowEnd(now, entry.windowMs);
      if (![...entry.slots.keys()].some((slotEnd) => slotEnd >= end - entry.windowMs)) this.entries.delete(id);
    }
  }

  private tally(entry: Entry, now: number): Tally {
    const end = windowEnd(now, entry.windowMs);
    const count = estimate(slotCount(entry.slots.get(end - entry.windowMs)), slotCount(entry.slots.get(end)), end, now, entry.windowMs);
    return { count, windowLeftMs: end - now };
  }
}

/** The end of the fixed window of `windowMs` that holds `now`. */
const windowEnd = (now: number, windowMs: number): number => (Math.floor(now / windowMs) + 1) * windowMs;

/** The sliding count: the previous window's total, weighted by the part of it still within the last `windowMs`, and the current window's. */
const estimate = (previous: number, current: number, end: number, now: number, windowMs: number): number =>
  Math.ceil((previous * (end - now)) / windowMs) + current;

/** A key and its limit's window as the database keeps them: hashed, so no address or user id is stored. */
const entryKey = (key: string, windowMs: number): string => createHash('sha256').update(`${windowMs}\n${key}`).digest('base64url').slice(0, 32);

/**
 * A store for @fastify/rate-limit that counts in `counts`: the plugin's global limit and each route's
 * own (`config.rateLimit`, a store of its own made by `child`) hold across processes. `ttl` is when the
 * key may be heard again once past its limit (the plugin's `Retry-After`), else when its window ends.
 */
export function rateLimitStore(counts: SharedCounts): FastifyRateLimitStoreCtor {
  class Store implements FastifyRateLimitStore {
    private readonly prefix: string;

    /** The plugin makes the first with its options; `child` makes a route's with the route's prefix. */
    constructor(prefix?: unknown) {
      this.prefix = typeof prefix === 'string' ? prefix : 'rate\n';
    }

    // The plugin passes the window and the limit too (its typings leave them out).
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow?: number, max?: number): void {
      if (timeWindow === undefined || max === undefined) {
        callback(new Error('the rate limit store was called without a window and a limit'));
        return;
      }
      const name = this.prefix + key;
      const tally = counts.add(name, timeWindow);
      callback(null, { current: tally.count, ttl: tally.count > max ? counts.waitMs(name, timeWindow, max) : tally.windowLeftMs });
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): Store {
      // The plugin passes the route's merged limits, with the route as `routeInfo`.
      const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
      return new Store(`${this.prefix}${method} ${route?.url ?? ''}\n`);
    }
  }
  return Store;
}
