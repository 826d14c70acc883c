import { listen, type Listener } from './listen.js';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { BaseTx, contextStatement, type Database, type DatabaseOptions, type Tx, type TxContext } from './database.js';
import { parsers } from './types.js';
import { literalOf, preparedRun } from './prepared.js';
import type { Sql } from './sql.js';

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
  constructor(
    private readonly client: pg.PoolClient,
    private readonly begin: string,
  ) {
    super(true);
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    this.live();
    const run = statement.genericPlan ? preparedRun(this.client, statement) : undefined;
    if (run) {
      const results = await sendMany(this.client, `${this.begin};\n${run.text};\nCOMMIT`);
      run.ran();
      return results[results.length - 2]!.rows as Row[];
    }
    const text = inlineStatement(statement);
    if (text === undefined) {
      // Queued together, so nothing the caller queues meanwhile comes between them.
      const { text: withParameters, values } = statement.compile();
      const [, result] = await Promise.all([send(this.client, this.begin), send(this.client, withParameters, values), send(this.client, 'COMMIT')]);
      return result.rows as Row[];
    }
    const results = await sendMany(this.client, `${this.begin};\n${text};\nCOMMIT`);
    return results[2]!.rows as Row[];
  }

  execScript(): Promise<void> {
    return Promise.reject(new Error('a read-only transaction runs no scripts'));
  }
}

/** A PostgreSQL server (15 or newer) through a connection pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly rowLevelSecurity: boolean,
    private readonly connectionString: string,
  ) {}

  listen(channel: string, onPayload: (payload: string) => void, onLost?: (reason: unknown) => void): Promise<Listener> {
    return listen(this.connectionString, channel, onPayload, onLost);
  }

  static async open(connectionString: string, options: DatabaseOptions & { poolSize?: number } = {}): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString, types, max: options.poolSize ?? 10 });
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
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresDatabase(pool, options.rowLevelSecurity ?? true, connectionString);
  }

  /** Runs `use` on a pooled connection; if it fails, rolls back what it left open (a broken connection is dropped). */
  private async withClient<T>(use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await use(client);
    } catch (error) {
      try {
        await send(client, 'ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private run<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const tx = new PgTx(client, begin);
      try {
        const result = await work(tx);
        await tx.commit();
        return result;
      } finally {
        tx.end();
      }
    });
  }

  async transaction<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(`BEGIN; ${contextStatement(context, this.rowLevelSecurity)}`, work);
  }

  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run('BEGIN', work);
  }

  async read<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    const begin = `BEGIN READ ONLY; ${contextStatement(context, this.rowLevelSecurity)}`;
    return this.withClient(async (client) => {
      const tx = new PgReadTx(client, begin);
      try {
        return await work(tx);
      } finally {
        tx.end();
      }
    });
  }

  waiting(): number {
    return this.pool.waitingCount;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
