import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/writer.js';
import type { SharedCounts } from './shared-counts.js';

/**
 * Floods of refused requests: an address that keeps sending unknown credentials is stopped before
 * authentication (`AddressLimiter`), and its refusals go on the audit trail counted, not one row each
 * (`RefusalLedger`), so a flood cannot fill the trail, whose rows are never deleted.
 */

/**
 * A refusal as the audit trail records it: of credentials, of a CSRF token, of an address past its
 * limit; of an action the actor's roles do not grant (403 from `authorize`); of a request its schema
 * rejects (400); of a path or method no route serves (404). A 404 for a record that is missing or not
 * visible is not one: it must leave the same trace either way, so it leaves none here. An upload the
 * virus scanner found a signature in (`upload.malware`) is recorded each time, with the signature.
 */
export type RefusalAction = 'auth.token-refused' | 'auth.csrf-refused' | 'auth.throttled' | 'access.role-refused' | 'request.invalid' | 'route.unknown' | 'upload.malware';

/** One refused request: what was refused, from which address, and (when known) whose session or token. */
export interface Refusal {
  action: RefusalAction;
  address: string;
  userId?: string | undefined;
  member?: string | undefined;
  requestId: string;
  method: string;
  path: string;
}

interface Window {
  first: Refusal;
  endsAt: number;
  /** Refusals after the first one, not yet on the record. */
  count: number;
  lastAt: number;
  paths: Set<string>;
  timer: ReturnType<typeof setTimeout>;
}

/** The distinct "METHOD /path" a count row names, at most. */
const MAX_PATHS = 10;

export interface RefusalLedgerOptions {
  /** How long a source's refusals are gathered into one count. */
  windowMs: number;
  now?: () => number;
  /** Called when a count could not be written (it cannot fail a request that was answered already). */
  onError?: (error: unknown, entry: AuditEntry) => void;
}

/**
 * Refusals from one source (address, reason and session user) in a window go on the audit trail as
 * two rows at most: the first at once, before its answer, as every refusal did before; the ones after
 * it as one row with their `count` when the window closes (at its end, at the next refusal from the
 * source after it, or when the app closes). A flood of any size adds a bounded number of rows, and
 * the counts of a source's rows add up to its refusals. Counts not yet written are lost if the process
 * dies, at most one window's.
 */
export class RefusalLedger {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(
    private readonly write: (entry: AuditEntry) => Promise<void>,
    private readonly options: RefusalLedgerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Records a refusal; resolves once it is on the record or counted (a failing first row rejects). */
  async record(refusal: Refusal): Promise<void> {
    const key = [refusal.action, refusal.address, refusal.userId ?? ''].join('\n');
    const now = this.now();
    const open = this.windows.get(key);
    if (open && now < open.endsAt) {
      open.count += 1;
      open.lastAt = now;
      if (open.paths.size < MAX_PATHS) open.paths.add(`${refusal.method} ${refusal.path}`);
      return;
    }
    // The expired window is taken out before anything is awaited, so that a refusal arriving meanwhile joins the new one.
    const expired = open ? this.detach(key, open) : undefined;
    const window: Window = {
      first: refusal,
      endsAt: now + this.options.windowMs,
      count: 0,
      lastAt: now,
      paths: new Set(),
      timer: setTimeout(() => void this.writeCount(this.detach(key, window)), this.options.windowMs),
    };
    window.timer.unref();
    this.windows.set(key, window);
    await this.writeCount(expired);
    try {
      await this.write(entryOf(refusal, { method: refusal.method, path: refusal.path }));
    } catch (error) {
      // Not on the record: the next refusal from the source starts again with a row of its own.
      await this.writeCount(this.detach(key, window));
      throw error;
    }
  }

  /** Records a refusal on a row of its own, never counted into a window: one whose details matter each time (the signature in an upload). */
  async recordEach(refusal: Refusal, details: Record<string, unknown>): Promise<void> {
    await this.write(entryOf(refusal, { method: refusal.method, path: refusal.path, ...details }));
  }

  /** Writes every count not yet written (the app does at close). */
  async flush(): Promise<void> {
    const counts = [...this.windows].map(([key, window]) => this.detach(key, window));
    await Promise.all(counts.map((entry) => this.writeCount(entry)));
  }

  /** Sources with a window open. */
  get openWindows(): number {
    return this.windows.size;
  }

  /** Closes a window: the row of its count, if it counted any refusal and is still the source's window. */
  private detach(key: string, window: Window): AuditEntry | undefined {
    clearTimeout(window.timer);
    if (this.windows.get(key) !== window) return undefined;
    this.windows.delete(key);
    if (window.count === 0) return undefined;
    return entryOf(window.first, {
      count: window.count,
      after: window.first.requestId,
      until: new Date(window.lastAt).toISOString(),
      paths: [...window.paths],
    });
  }

  private async writeCount(entry: AuditEntry | undefined): Promise<void> {
    if (!entry) return;
    try {
      await this.write(entry);
    } catch (error) {
      this.options.onError?.(error, entry);
    }
  }
}

/** The refusal of a request as the ledger takes it: its address, id, method and path, and its actor when known. */
export function refusalOf(request: FastifyRequest, action: RefusalAction, who: { userId?: string | undefined; member?: string | undefined } = {}): Refusal {
  return { action, ...who, address: request.ip, requestId: request.id, method: request.method, path: request.url.split('?')[0] ?? '' };
}

/**
 * Records a refusal found after authentication (403, 400, 404, a file with malware), naming the actor
 * if there is one; with `details`, on a row of its own. A failure to write it is logged: the request's
 * answer is its refusal, not a 500.
 */
export async function recordRefusal(request: FastifyRequest, action: RefusalAction, details?: Record<string, unknown>): Promise<void> {
  if (!request.url.startsWith('/api/') || !request.server.hasDecorator('refusalLedger')) return;
  const actor = request.actor;
  try {
    const refusal = refusalOf(request, action, actor ? { userId: actor.userId, member: actor.member } : {});
    await (details ? request.server.refusalLedger.recordEach(refusal, details) : request.server.refusalLedger.record(refusal));
  } catch (error) {
    request.log.error({ err: error, action }, 'a refusal could not be audited');
  }
}

function entryOf(refusal: Refusal, details: Record<string, unknown>): AuditEntry {
  return {
    userId: refusal.userId,
    member: refusal.member,
    // A count row stands for many requests; `details.after` names the request of the first row.
    requestId: 'count' in details ? undefined : refusal.requestId,
    address: refusal.address,
    action: refusal.action,
    details,
  };
}

/**
 * Counts each address's refused authentications over a sliding window, across every process
 * (`SharedCounts`); an address that reached `max` is refused before authentication until its count
 * falls below it (`max` 0: never).
 */
export class AddressLimiter {
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly counts: SharedCounts,
  ) {}

  /** Whole seconds until the address may be heard again, or undefined when it may be now. */
  retryAfter(address: string): number | undefined {
    if (this.max === 0) return undefined;
    const wait = this.counts.waitMs(keyOf(address), this.windowMs, this.max);
    return wait === 0 ? undefined : Math.max(1, Math.ceil(wait / 1000));
  }

  /** Counts one refused authentication of the address. */
  refused(address: string): void {
    if (this.max !== 0) this.counts.add(keyOf(address), this.windowMs);
  }
}

const keyOf = (address: string): string => `refusals\n${address}`;
