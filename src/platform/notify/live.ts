import type { Database, Tx } from '../db/database.js';
import { sql } from '../db/sql.js';

/**
 * Live inbox changes: a transaction that adds or marks notifications announces the users concerned
 * (`pg_notify`, sent when it commits); each server process hears them (on PostgreSQL from every
 * process, through LISTEN) and tells its open streams (`GET /inbox/stream`), which count again.
 * When the listening connection drops, every open stream counts again once it listens again.
 */
export const INBOX_CHANNEL = 'lintas_inbox';
/** Ids per notification: a NOTIFY payload holds under 8,000 bytes. */
const IDS_PER_NOTIFY = 150;

/** Announces, in the caller's transaction, that these users' inboxes changed (heard once it commits). */
export async function inboxChanged(tx: Tx, userIds: readonly string[]): Promise<void> {
  const ids = [...new Set(userIds)];
  for (let at = 0; at < ids.length; at += IDS_PER_NOTIFY) {
    await tx.query(sql`SELECT pg_notify(${INBOX_CHANNEL}, ${ids.slice(at, at + IDS_PER_NOTIFY).join(',')})`);
  }
}

type Wake = () => void;

/** One per database in a process: the streams open per user, and the one listener they share. */
export class InboxHub {
  private readonly streams = new Map<string, Set<Wake>>();
  private listening: Promise<{ close(): Promise<void> } | undefined> | undefined;

  constructor(private readonly db: Database) {}

  /** Calls `wake` after every committed change to the user's inbox, until the returned function is called. */
  async subscribe(userId: string, wake: Wake): Promise<() => void> {
    // Changes made while the listening connection was down were not heard: every stream counts again.
    this.listening ??= this.db.listen?.(INBOX_CHANNEL, (payload) => this.heard(payload), () => this.wakeAll()) ?? Promise.resolve(undefined);
    await this.listening;
    let set = this.streams.get(userId);
    if (!set) this.streams.set(userId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.streams.delete(userId);
    };
  }

  private heard(payload: string): void {
    for (const userId of payload.split(',')) for (const wake of this.streams.get(userId) ?? []) wake();
  }

  private wakeAll(): void {
    for (const wakes of this.streams.values()) for (const wake of wakes) wake();
  }

  /** Stops listening and forgets every stream (the app is closing). */
  async close(): Promise<void> {
    const listener = await this.listening;
    this.listening = undefined;
    this.streams.clear();
    await listener?.close();
  }
}

const hubs = new WeakMap<Database, InboxHub>();

export function inboxHubOf(db: Database): InboxHub {
  let hub = hubs.get(db);
  if (!hub) hubs.set(db, (hub = new InboxHub(db)));
  return hub;
}

/** Closes the database's hub, if it has one (before the database closes). */
export async function closeInboxHub(db: Database): Promise<void> {
  const hub = hubs.get(db);
  hubs.delete(db);
  await hub?.close();
}
