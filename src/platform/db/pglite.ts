import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { BaseTx, contextStatement, type Database, type DatabaseOptions, type Tx, type TxContext } from './database.js';
import { acquireFolderLock, type FolderLock } from './folder-lock.js';
import { preparedRun } from './prepared.js';
import { parsers } from './types.js';
import type { Sql } from './sql.js';

class PgliteTx extends BaseTx {
  constructor(
    private readonly session: PGlite,
    private readonly tx: Transaction,
    readOnly = false,
  ) {
    super(readOnly);
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    // PGlite plans every statement it is sent; one marked `withGenericPlan` runs from a statement
    // prepared once on PGlite's session, as on a server connection (the sharing policy's lookups
    // cost more to plan each time than to run).
    this.live();
    const run = statement.genericPlan ? preparedRun(this.session, statement) : undefined;
    if (run) {
      const results = await this.tx.exec(run.text);
      run.ran();
      return results[results.length - 1]!.rows as Row[];
    }
    const { text, values } = statement.compile();
    const result = await this.tx.query<Row>(text, values);
    return result.rows;
  }

  async execScript(text: string): Promise<void> {
    this.live();
    await this.tx.exec(text);
  }
}

/** Runs `work`, then its deferred statements; PGlite's transaction() sends the COMMIT after. */
async function runWithDeferred<T>(session: PGlite, transaction: Transaction, work: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = new PgliteTx(session, transaction);
  try {
    const result = await work(tx);
    const deferred = tx.takeDeferred();
    if (deferred) await transaction.exec(deferred);
    return result;
  } finally {
    tx.end();
  }
}

export interface PgliteOptions extends DatabaseOptions {
  /**
   * PostgreSQL's `shared_buffers` (its default, 128MB, when not given). PGlite sets the whole of it up
   * at every start, about a third of a second of CPU at the default: the tests' small databases, opened
   * anew for every file, take a smaller one.
   */
  sharedBuffers?: string;
}

/** PostgreSQL in-process (WebAssembly). One connection: transactions queue on PGlite's own mutex. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    private readonly lock: FolderLock | undefined,
    private readonly rowLevelSecurity: boolean,
  ) {}

  /** Opens the folder (or memory when dataDir is undefined), holding a lock so no second process opens it. */
  static async open(dataDir: string | undefined, options: PgliteOptions = {}, loadDataDir?: Blob): Promise<PgliteDatabase> {
    let lock: FolderLock | undefined;
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      lock = acquireFolderLock(dataDir);
    }
    try {
      const startParams = options.sharedBuffers ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${options.sharedBuffers}`] : undefined;
      const db = await PGlite.create({ dataDir, parsers, extensions: { pg_trgm }, ...(loadDataDir ? { loadDataDir } : {}), ...(startParams ? { startParams } : {}) });
      return new PgliteDatabase(db, lock, options.rowLevelSecurity ?? true);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** Transactions asked for whose turn has not come. */
  private queued = 0;
  /** Settles when the transaction asked for last is over: each waits for the one before it. */
  private last: Promise<unknown> = Promise.resolve();

  /**
   * PGlite's transaction, in turn, one turn of the event loop after the one before it ended. PGlite
   * runs statements on this thread, and a transaction that waits only for the one before it would
   * start in the same run of promise callbacks: a backlog of transactions would be worked through
   * without the event loop reading a socket, so nothing else would be answered (`/healthz`) or even
   * read until it was gone, and no request would ever see it waiting. The turn lets the server read
   * what has come in meanwhile (and shed it, http/shedding.ts, when the queue is long).
   */
  private queue<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.turn(() => this.db.transaction(work));
  }

  /** `work` on PGlite's session in its turn (see `queue`), nothing else running meanwhile. */
  private turn<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    const turn = this.last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    const result = turn.then(() => {
      this.queued--;
      return work();
    });
    this.last = result.catch(() => undefined);
    return result;
  }

  /**
   * A statement that cannot run inside a transaction (VACUUM), as the owner, in its turn like a
   * transaction: db/maintenance.ts's job.
   */
  async runAlone(text: string): Promise<void> {
    await this.turn(() => this.db.exec(text));
  }

  waiting(): number {
    return this.queued;
  }

  /** One process, one connection, one role: there is no serving login to check. */
  checkLogins(): Promise<void> {
    return Promise.resolve();
  }

  transaction<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue(async (tx) => {
      await tx.exec(contextStatement(context, this.rowLevelSecurity));
      return runWithDeferred(this.db, tx, work);
    });
  }

  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue((tx) => runWithDeferred(this.db, tx, work));
  }

  /** One read-only transaction for the whole of `work`: in process, statements cost no round trips. */
  read<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.queue(async (tx) => {
      await tx.exec(`SET TRANSACTION READ ONLY; ${contextStatement(context, this.rowLevelSecurity)}`);
      const readTx = new PgliteTx(this.db, tx, true);
      try {
        return await work(readTx);
      } finally {
        readTx.end();
      }
    });
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<{ close(): Promise<void> }> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
    const stop = await this.db.listen(channel, onPayload);
    return { close: () => stop() };
  }

  /**
   * A consistent copy of the whole database while it is in use (the backup): `read` runs, then the
   * data folder is checkpointed and dumped (gzipped tar), all inside one transaction. PGlite runs one
   * transaction at a time, so no write is half done in the copy and `read` sees exactly what it holds.
   */
  snapshot<T>(read: (tx: Tx) => Promise<T>): Promise<{ facts: T; dump: Blob }> {
    return this.db.transaction(async (transaction) => {
      const tx = new PgliteTx(this.db, transaction, true);
      try {
        const facts = await read(tx);
        await transaction.exec('CHECKPOINT');
        return { facts, dump: await this.db.dumpDataDir('gzip') };
      } finally {
        tx.end();
      }
    });
  }

  /**
   * What `COPY … TO '/dev/blob'` writes (PGlite's stand-in for a file), in a transaction of its own:
   * a table's rows in COPY's text format, to load into a server (a restore across kinds).
   */
  copyOut(statement: string): Promise<Blob> {
    return this.queue(async (transaction) => {
      const result = await transaction.query(statement);
      // An empty table's COPY writes no blob at all.
      return result.blob ?? new Blob([]);
    });
  }

  /** An owner transaction whose `copyIn` runs `COPY … FROM '/dev/blob'` on the data given (a restore across kinds). */
  ownerLoad<T>(work: (tx: Tx, copyIn: (statement: string, data: Blob) => Promise<void>) => Promise<T>): Promise<T> {
    return this.queue((transaction) =>
      runWithDeferred(this.db, transaction, (tx) =>
        work(tx, async (statement, data) => {
          await transaction.query(statement, [], { blob: data });
        }),
      ),
    );
  }

  /** A copy of the whole database, used by tests to start each file from a migrated template. */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
