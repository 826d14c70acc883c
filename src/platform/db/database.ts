import type { Sql } from './sql.js';

/** What a query returns, the same on PGlite and on a PostgreSQL server. */
export interface Queryable {
  query<Row = Record<string, unknown>>(statement: Sql): Promise<Row[]>;
}

/** A transaction: every statement of one act runs in one of these. */
export interface Tx extends Queryable {
  /** True in a `Database.read` transaction: it writes nothing and sees committed rows only. */
  readonly readOnly: boolean;
  one<Row = Record<string, unknown>>(statement: Sql): Promise<Row>;
  maybeOne<Row = Record<string, unknown>>(statement: Sql): Promise<Row | undefined>;
  /** Runs several statements given as trusted text (migrations). */
  execScript(text: string): Promise<void>;
  /**
   * Queues trusted statement text to run at the very end of the transaction, in the same round
   * trip as its COMMIT (the audit rows of an act: they commit or roll back with it, and cost no
   * round trip of their own). A failing statement rolls the whole transaction back.
   */
  defer(text: string): void;
  /**
   * PostgreSQL servers only: streams rows into `COPY … FROM STDIN` (text format: tab-separated,
   * `\N` for NULL, one line a row). Absent on PGlite, where callers insert in batches instead.
   */
  copyFrom?(statement: string, lines: AsyncIterable<string>): Promise<void>;
}

/**
 * Who a transaction runs for. `member` is set as `lintas.member`, which row-level security reads;
 * null means no member (sign-in, sessions, directory reads). `user` is set as `lintas.user`: the
 * audit trail takes rows only for these two, and the definer functions of sign-in act for this
 * user. Both are sealed when the transaction begins (migration 0043): changing either later makes
 * every policy and those functions refuse.
 */
export interface TxContext {
  member: string | null;
  user?: string | null;
  /** Tests and benchmarks only: keep the owner's role, so row-level security does not apply. */
  unsafeWithoutRowLevelSecurity?: boolean;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction under the application role (row-level security applies). */
  transaction<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` for the member with reads only: every statement is its own read-only transaction
   * under the application role, which under READ COMMITTED sees what a statement of one longer
   * transaction would (each statement takes its own snapshot either way). On a server a statement
   * goes with its BEGIN, context and COMMIT in one round trip. Writes fail; `defer` throws. For
   * reads whose audit rows go through the group commit (`readAs`), never for acts that write.
   */
  read<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `work` as the schema owner: migrations, seeding and audit verification only. */
  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Hears a channel's notifications (`pg_notify` in a transaction: sent when it commits). On a
   * server, over a connection of its own, from every process; on PGlite, from this one. (Absent
   * in test doubles.) `onLost` is told when that connection drops and again when it listens again
   * (`Reconnected`, db/listen.ts): what was sent in between was not heard.
   */
  listen?(channel: string, onPayload: (payload: string) => void, onLost?: (reason: unknown) => void): Promise<{ close(): Promise<void> }>;
  /**
   * Transactions and reads asked for that wait for a connection (a server's pool is all in use, or
   * PGlite's one connection is): the queue requests stand in when the database is the bottleneck.
   * The HTTP layer sheds load on it (http/shedding.ts).
   */
  waiting(): number;
  /**
   * Once the schema is migrated: makes ready and checks the serving login, when requests' transactions
   * run on one of their own (a server with DATABASE_APP_URL): it must be a member of the application
   * role and nothing more (not the owner, not a superuser, no BYPASSRLS), or the start stops here.
   * Nothing to do otherwise.
   */
  checkLogins(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * Off only in tests and benchmarks that prove or measure the query layer alone:
   * transactions then keep the owner's role, which bypasses row-level security.
   */
  rowLevelSecurity?: boolean;
}

export const APP_ROLE = 'lintas_app';

const MEMBER_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Proves a transaction's member and user to `lintas_begin_proven` (migration 0062), on a connection
 * that logs in as the serving login rather than the owner: the connection's counter (an oid) and
 * its next count, and the proof for this member and user on this backend, counter and count.
 */
export type ContextProof = (member: string, user: string) => { counter: number; count: bigint; proof: string };

/**
 * The first statement of every application transaction: seal the member and user, then switch to
 * the application role, with the temporary schema searched last (a temporary table left on a pooled
 * connection shadows none of the platform's). On a connection that logs in as the owner the seal is
 * lintas_begin, which the application role may not call (it runs while the statement is still the
 * owner's); on the serving login's (`prove` given) it is lintas_begin_proven with the process's
 * proof. One simple-protocol statement, so it costs one round trip; the values are checked first.
 */
export function contextStatement(context: TxContext, rowLevelSecurity: boolean, prove?: ContextProof): string {
  const member = context.member ?? '';
  if (member !== '' && !MEMBER_CODE.test(member)) throw new Error(`invalid member code in context: ${member}`);
  const user = context.user?.toLowerCase() ?? '';
  if (user !== '' && !USER_ID.test(user)) throw new Error(`invalid user id in context: ${user}`);
  const role = rowLevelSecurity && !context.unsafeWithoutRowLevelSecurity ? `, set_config('search_path', 'public, pg_temp', true), set_config('role', '${APP_ROLE}', true)` : '';
  const proven = prove?.(member, user);
  const begin = proven ? `lintas_begin_proven('${member}', '${user}', ${proven.counter}, ${proven.count}, '${proven.proof}')` : `lintas_begin('${member}', '${user}')`;
  return `SELECT ${begin}${role}`;
}

export class NotFoundRow extends Error {
  constructor() {
    super('expected one row, found none');
  }
}

/** What both drivers' transactions share: `one` and `maybeOne` in terms of `query`. */
export abstract class BaseTx implements Tx {
  private readonly deferred: string[] = [];
  private over = false;

  /** `readOnly`: a `Database.read` transaction, which has no end to defer statements to. */
  constructor(readonly readOnly = false) {}

  abstract query<Row = Record<string, unknown>>(statement: Sql): Promise<Row[]>;
  abstract execScript(text: string): Promise<void>;

  defer(text: string): void {
    if (this.readOnly) throw new Error('a read-only transaction defers nothing: its audit rows go through the group commit');
    this.deferred.push(text);
  }

  /** Marks the transaction finished (committed, rolled back or, for a read, its work done); statements sent after this are refused. */
  end(): void {
    this.over = true;
  }

  /**
   * Refuses a statement sent once the transaction is over: work that went on after it failed (a
   * promise left running) must not run a statement outside its transaction, on a connection that
   * has gone back to the pool without its member and role.
   */
  protected live(): void {
    if (this.over) throw new Error('a statement was sent after its transaction was over');
  }

  /** The deferred statements followed by `end` (COMMIT), as one simple-protocol text; clears the queue. */
  takeDeferred(end = ''): string {
    const text = [...this.deferred.splice(0), ...(end ? [end] : [])].join(';\n');
    return text;
  }

  async one<Row = Record<string, unknown>>(statement: Sql): Promise<Row> {
    const row = await this.maybeOne<Row>(statement);
    if (row === undefined) throw new NotFoundRow();
    return row;
  }

  async maybeOne<Row = Record<string, unknown>>(statement: Sql): Promise<Row | undefined> {
    return (await this.query<Row>(statement))[0];
  }
}
