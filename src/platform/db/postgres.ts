import { createHash } from 'node:crypto';
import { listen, type Listener } from './listen.js';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { APP_ROLE, BaseTx, contextStatement, type ContextProof, type Database, type DatabaseOptions, type Tx, type TxContext } from './database.js';
import { parsers } from './types.js';
import { literalOf, preparedRun } from './prepared.js';
import { sql, type Sql } from './sql.js';

const builtIn = pg.types.getTypeParser as (oid: number) => (value: string) => unknown;
const types = {
  getTypeParser: ((oid: number) => parsers[oid] ?? builtIn(oid)) as typeof pg.types.getTypeParser,
};

/**
 * The statements of one connection, each sent when the one before it has returned, whatever its
 * outcome, in the order they were asked for. node-postgres did this itself for a query sent while
 * another ran, but that queue is deprecated (pg 8 warns, pg 9 removes it), so the order is kept
 * here. Transactions rely on it: they queue a statement without awaiting the one before (a write's
 * BEGIN and first statement; a read's BEGIN, statement and COMMIT; the pool's `SET jit` before the
 * first use), and nothing queued later can come between them.
 */
class Lane {
  private tail: Promise<unknown> | undefined;

  run<T>(start: () => Promise<T>): Promise<T> {
    const result = this.tail === undefined ? start() : this.tail.then(start, start);
    const tail: Promise<unknown> = result.then(
      () => undefined,
      () => undefined,
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = undefined;
    });
    return result;
  }
}

const lanes = new WeakMap<pg.ClientBase, Lane>();

function laneOf(client: pg.ClientBase): Lane {
  let lane = lanes.get(client);
  if (!lane) lanes.set(client, (lane = new Lane()));
  return lane;
}

/** Sends a statement on the connection's lane. */
function send(client: pg.ClientBase, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  return laneOf(client).run(() => client.query(text, values));
}

/** Sends a statement holding several, on the connection's lane: the results of each, in order. */
async function sendMany(client: pg.ClientBase, text: string): Promise<pg.QueryResult[]> {
  return (await send(client, text)) as unknown as pg.QueryResult[];
}

/**
 * A transaction on a server connection. Its BEGIN (with the member context) is not sent alone: it
 * goes with the first statement, as one simple-protocol text `BEGIN; <context>; <statement>` when
 * the statement's values are small enough to write in (as `Database.read` does), and with the
 * deferred statements and COMMIT when nothing was sent before them (the audit group commit:
 * `BEGIN; <context>; <deferred>; COMMIT`). A write saves one round trip of its three or more.
 */
class PgTx extends BaseTx {
  constructor(
    private readonly client: pg.PoolClient,
    private begin: string | undefined,
  ) {
    super();
  }

  /**
   * The BEGIN, if it is still to be sent: sent now, not awaited before the statement that needs it
   * is queued behind it. Were the statement queued only once the BEGIN returned, work that failed
   * meanwhile would queue its ROLLBACK first, and the statement would run after it, outside any
   * transaction (an import failing while its first batch was starting kept that batch).
   */
  private sendBegin(): Promise<unknown> | undefined {
    this.live();
    if (this.begin === undefined) return undefined;
    const begin = this.begin;
    this.begin = undefined;
    return send(this.client, begin);
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    this.live();
    const run = statement.genericPlan ? preparedRun(this.client, statement) : undefined;
    if (run) {
      const begin = this.begin;
      this.begin = undefined;
      const results = await sendMany(this.client, begin === undefined ? run.text : `${begin};\n${run.text}`);
      run.ran();
      return results[results.length - 1]!.rows as Row[];
    }
    if (this.begin !== undefined) {
      const text = inlineStatement(statement, INLINE_BUDGET);
      if (text !== undefined) {
        const begin = this.begin;
        this.begin = undefined;
        const results = await sendMany(this.client, `${begin};\n${text}`);
        return results[results.length - 1]!.rows as Row[];
      }
    }
    const begun = this.sendBegin();
    const { text, values } = statement.compile();
    const [, result] = await Promise.all([begun, send(this.client, text, values)]);
    return result.rows as Row[];
  }

  async execScript(text: string): Promise<void> {
    await Promise.all([this.sendBegin(), send(this.client, text)]);
  }

  async copyFrom(statement: string, lines: AsyncIterable<string>): Promise<void> {
    const client = this.client;
    await Promise.all([this.sendBegin(), laneOf(client).run(() => pipeline(Readable.from(lines), client.query(copyFromStdin(statement))))]);
  }

  /** Sends the deferred statements and COMMIT, preceded by the BEGIN if nothing was sent yet. */
  async commit(): Promise<void> {
    this.live();
    const end = this.takeDeferred('COMMIT');
    const begin = this.begin;
    this.begin = undefined;
    await send(this.client, begin === undefined ? end : `${begin};\n${end}`);
  }
}

/**
 * The statement as simple-protocol text with its values written in, or undefined when one cannot be
 * or when its values would take more than `budget` characters (a bulk statement's arrays, which are
 * cheaper sent as parameters).
 */
function inlineStatement(statement: Sql, budget = Infinity): string | undefined {
  let ok = true;
  let size = 0;
  const text = statement.write((value) => {
    if (!ok) return 'NULL';
    const written = literalOf(value);
    size += written?.length ?? 0;
    if (written === undefined || size > budget) ok = false;
    return written ?? 'NULL';
  });
  return ok ? text : undefined;
}

/** How much of a write's first statement's values may be written into its text to go with the BEGIN. */
const INLINE_BUDGET = 8_192;

/**
 * The transaction of Database.read on a server: each statement goes as one simple-protocol text,
 * `BEGIN READ ONLY; <context>; <statement>; COMMIT`, one round trip instead of four. A statement
 * marked `withGenericPlan` goes as `EXECUTE` of a statement prepared on the connection the first
 * time (`preparedRun`).
 */
class PgReadTx extends BaseTx {
  /** `begin`: each statement's BEGIN and context (a new one each time: a serving login's proof is for one transaction). */
  constructor(
    private readonly client: pg.PoolClient,
    private readonly begin: () => string,
  ) {
    super(true);
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    this.live();
    const run = statement.genericPlan ? preparedRun(this.client, statement) : undefined;
    if (run) {
      const results = await sendMany(this.client, `${this.begin()};\n${run.text};\nCOMMIT`);
      run.ran();
      return results[results.length - 2]!.rows as Row[];
    }
    const text = inlineStatement(statement);
    if (text === undefined) {
      // Queued together, so nothing the caller queues meanwhile comes between them.
      const { text: withParameters, values } = statement.compile();
      const [, result] = await Promise.all([send(this.client, this.begin()), send(this.client, withParameters, values), send(this.client, 'COMMIT')]);
      return result.rows as Row[];
    }
    const results = await sendMany(this.client, `${this.begin()};\n${text};\nCOMMIT`);
    return results[2]!.rows as Row[];
  }

  execScript(): Promise<void> {
    return Promise.reject(new Error('a read-only transaction runs no scripts'));
  }
}

/** Runs `use` on a connection of `pool` outside any transaction, through the connection's lane. */
async function once<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await use(client);
  } finally {
    client.release();
  }
}

/** A key of the process's, in the two parts of the nested SHA-256 migration 0062 checks. */
interface ProcessKey {
  inner: Buffer;
  outer: Buffer;
}

/** What the serving login's connection knows of its session: its backend and the count its next proof is for. */
interface Session {
  pid: number;
  counter: number;
  next: bigint;
}

/** The refusal of lintas_begin_proven (SQLSTATE 28000): the connection's count is no longer the process's. */
const UNPROVEN = '28000';

/**
 * The serving login (DATABASE_APP_URL): a pool of connections that log in as a role that is only a
 * member of the application role, so a statement on them cannot `RESET ROLE` to the owner. Each
 * connection opens a session once (`lintas_session_open`, migration 0062: a counter the database
 * keeps, started at a random value), and every transaction on it proves its member and user with
 * the process's key, read once through the owner's pool, over the backend and the counter's next
 * value, which the connection never repeats.
 */
class ServingLogin {
  private prepared: Promise<ProcessKey> | undefined;
  private readonly opening = new WeakMap<pg.ClientBase, Promise<Session>>();
  /** Each connection's session once opened, read synchronously after a failure. */
  private readonly opened = new WeakMap<pg.ClientBase, Session>();

  constructor(
    readonly pool: pg.Pool,
    private readonly owner: pg.Pool,
  ) {}

  /** The process's key, once the login is checked; memoised (a failure is tried again next time). */
  ready(): Promise<ProcessKey> {
    this.prepared ??= this.prepare().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async prepare(): Promise<ProcessKey> {
    let login: { login: string; superuser: boolean; bypass: boolean; createrole: boolean; app: boolean; others: string[] } | undefined;
    try {
      const checked = await once(this.pool, (client) => send(client,
        `SELECT r.rolname AS login, r.rolsuper AS superuser, r.rolbypassrls AS bypass, r.rolcreaterole AS createrole,
                pg_has_role(session_user, '${APP_ROLE}', 'MEMBER') AS app,
                ARRAY(SELECT o.rolname::text FROM pg_roles o WHERE o.rolname NOT IN (session_user, '${APP_ROLE}') AND pg_has_role(session_user, o.oid, 'MEMBER') ORDER BY 1) AS others
         FROM pg_roles r WHERE r.rolname = session_user`,
      ));
      login = checked.rows[0] as typeof login;
    } catch (error) {
      throw new Error(`DATABASE_APP_URL: the serving login could not be checked: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!login) throw new Error('DATABASE_APP_URL: the serving login was not found among the roles');
    const wrong = [
      ...(login.superuser ? ['is a superuser'] : []),
      ...(login.bypass ? ['has BYPASSRLS'] : []),
      ...(login.createrole ? ['has CREATEROLE'] : []),
      ...(!login.app ? [`is not a member of ${APP_ROLE} (GRANT ${APP_ROLE} TO ${login.login})`] : []),
      ...(login.others.length > 0 ? [`is a member of ${login.others.join(', ')} as well`] : []),
    ];
    if (wrong.length > 0) {
      throw new Error(
        `DATABASE_APP_URL: the serving login ${login.login} ${wrong.join(', ')}; it must be a member of ${APP_ROLE} and nothing more ` +
          `(not the owner of the schema or of the database), so that a statement on its connections cannot act as the owner`,
      );
    }
    const key = await once(this.owner, (client) => send(client, 'SELECT process_inner_key, process_outer_key FROM lintas_secrets.context_key'));
    const row = key.rows[0] as { process_inner_key: Buffer; process_outer_key: Buffer } | undefined;
    if (!row) throw new Error("the database has no key for the serving process's proofs (lintas_secrets.context_key)");
    return { inner: row.process_inner_key, outer: row.process_outer_key };
  }

  /** The connection's session, opened on its first transaction. */
  private session(client: pg.PoolClient): Promise<Session> {
    let session = this.opening.get(client);
    if (!session) {
      session = send(client, 'SELECT counter::int8 AS counter, last::text AS last, pg_backend_pid() AS pid FROM lintas_session_open()').then((result) => {
        const row = result.rows[0] as { counter: string | number; last: string; pid: number };
        const opened = { pid: row.pid, counter: Number(row.counter), next: BigInt(row.last) + 1n };
        this.opened.set(client, opened);
        return opened;
      });
      this.opening.set(client, session);
    }
    return session;
  }

  /**
   * What to send after a failed transaction on `client` besides its ROLLBACK: spend the last count
   * issued, as the begin holding it may never have run (a text refused whole) and its proof must not
   * be left for a statement to use. Nothing for a connection whose session is not open.
   */
  afterFailure(client: pg.ClientBase): string {
    const session = this.opened.get(client);
    return session ? `; SELECT lintas_session_spend(${session.next - 1n})` : '';
  }

  /**
   * The proofs of this connection's transactions' contexts (each counts one). `key`: from `ready()`,
   * awaited before the connection is taken (its check takes one of the pool's connections itself).
   */
  async prover(client: pg.PoolClient, key: ProcessKey): Promise<ContextProof> {
    const session = await this.session(client);
    return (member, user) => {
      const count = session.next;
      session.next += 1n;
      const inner = createHash('sha256').update(key.inner).update(`${member}|${user}|${session.pid}|${session.counter}|${count}`, 'utf8').digest();
      return { counter: session.counter, count, proof: createHash('sha256').update(key.outer).update(inner).digest('hex') };
    };
  }
}

/**
 * A PostgreSQL server (15 or newer) through a connection pool; with `appUrl` (DATABASE_APP_URL), two:
 * the application's transactions and reads on the serving login's, the owner's transactions (jobs
 * across members, the audit group commit, migrations) on the owner's.
 */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly rowLevelSecurity: boolean,
    private readonly connectionString: string,
    private readonly serving: ServingLogin | undefined,
  ) {}

  listen(channel: string, onPayload: (payload: string) => void, onLost?: (reason: unknown) => void): Promise<Listener> {
    return listen(this.connectionString, channel, onPayload, onLost);
  }

  static async open(connectionString: string, options: DatabaseOptions & { poolSize?: number; appUrl?: string } = {}): Promise<PostgresDatabase> {
    const pool = PostgresDatabase.pool(connectionString, options.poolSize);
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    // The serving login's connections open when first used: before migrations its functions may not exist yet.
    const serving = options.appUrl ? new ServingLogin(PostgresDatabase.pool(options.appUrl, options.poolSize), pool) : undefined;
    return new PostgresDatabase(pool, options.rowLevelSecurity ?? true, connectionString, serving);
  }

  private static pool(connectionString: string, size = 10): pg.Pool {
    const pool = new pg.Pool({ connectionString, types, max: size });
    pool.on('error', () => undefined); // an idle client's error surfaces on its next use
    // No JIT compilation in the app's sessions. PostgreSQL compiles a statement whose estimated
    // cost passes jit_above_cost, and the app's large statements are batches run once each (an
    // import's batches of reports), so the compiled code is never reused and compiling costs more
    // than it saves; the analysis functions had already turned it off (migration 0006).
    // And the server checks every 5 s that the process is still there while a statement runs: after
    // a crash (kill -9, a lost host) a long statement of the dead process (an import's UPDATE of a
    // million rows) is cancelled within seconds, its transaction rolled back and its locks freed,
    // instead of running for minutes and making the restarted server's writes wait behind it.
    // Queued before anything the pool's user sends on the connection.
    pool.on('connect', (connection) => {
      sendMany(connection, "SET jit = off; SET client_connection_check_interval = '5s'").catch(() => undefined);
    });
    return pool;
  }

  async checkLogins(): Promise<void> {
    if (!this.serving) return;
    await this.serving.ready();
    // One transaction through it end to end: a login to another database (whose key differs) is refused here.
    try {
      await this.read({ member: null }, (tx) => tx.query(sql`SELECT 1`));
    } catch (error) {
      throw new Error(`DATABASE_APP_URL: a transaction on the serving login failed (is it the database of DATABASE_URL?): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Runs `use` on a connection of `pool`; if it fails, rolls back what it left open (a broken
   * connection is dropped, and so is one whose proof was refused: its count is no longer the process's).
   */
  private async withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      return await use(client);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNPROVEN) broken = true;
      try {
        await send(client, `ROLLBACK${broken ? '' : (this.serving?.afterFailure(client) ?? '')}`);
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Where a transaction for `context` runs and how it begins (`begin()`, a new text at each call):
   * on the serving login's connection with its proof, when there is one and the transaction is the
   * application role's; else on the owner's.
   */
  private async open<T>(context: TxContext | undefined, begin: string, use: (client: pg.PoolClient, begin: () => string) => Promise<T>): Promise<T> {
    if (context === undefined) return this.withClient(this.pool, (client) => use(client, () => begin));
    const serving = this.serving;
    if (serving && this.rowLevelSecurity && !context.unsafeWithoutRowLevelSecurity) {
      contextStatement(context, true); // a bad member or user is refused now, even by a read that sends nothing
      const key = await serving.ready();
      return this.withClient(serving.pool, async (client) => {
        const prove = await serving.prover(client, key);
        return use(client, () => `${begin}; ${contextStatement(context, true, prove)}`);
      });
    }
    const text = `${begin}; ${contextStatement(context, this.rowLevelSecurity)}`;
    return this.withClient(this.pool, (client) => use(client, () => text));
  }

  private run<T>(context: TxContext | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.open(context, 'BEGIN', async (client, begin) => {
      const tx = new PgTx(client, begin());
      try {
        const result = await work(tx);
        await tx.commit();
        return result;
      } finally {
        tx.end();
      }
    });
  }

  transaction<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(context, work);
  }

  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(undefined, work);
  }

  read<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.open(context, 'BEGIN READ ONLY', async (client, begin) => {
      const tx = new PgReadTx(client, begin);
      try {
        return await work(tx);
      } finally {
        tx.end();
      }
    });
  }

  waiting(): number {
    return this.pool.waitingCount + (this.serving?.pool.waitingCount ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.serving?.pool.end()]);
  }
}
