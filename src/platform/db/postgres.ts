import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { BaseTx, contextStatement, type Database, type DatabaseOptions, type Tx, type TxContext } from './database.js';
import { parsers } from './types.js';
import type { Sql } from './sql.js';

const builtIn = pg.types.getTypeParser as (oid: number) => (value: string) => unknown;
const types = {
  getTypeParser: ((oid: number) => parsers[oid] ?? builtIn(oid)) as typeof pg.types.getTypeParser,
};

class PgTx extends BaseTx {
  constructor(private readonly client: pg.PoolClient) {
    super();
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    const { text, values } = statement.compile();
    const result = await this.client.query(text, values);
    return result.rows as Row[];
  }

  async execScript(text: string): Promise<void> {
    await this.client.query(text);
  }

  async copyFrom(statement: string, lines: AsyncIterable<string>): Promise<void> {
    await pipeline(Readable.from(lines), this.client.query(copyFromStdin(statement)));
  }
}

/** A PostgreSQL server (15 or newer) through a connection pool. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly rowLevelSecurity: boolean,
  ) {}

  static async open(connectionString: string, options: DatabaseOptions & { poolSize?: number } = {}): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString, types, max: options.poolSize ?? 10 });
    pool.on('error', () => undefined); // an idle client's error surfaces on its next use
    const client = await pool.connect();
    client.release();
    return new PostgresDatabase(pool, options.rowLevelSecurity ?? true);
  }

  private async run<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const tx = new PgTx(client);
      const result = await work(tx);
      await client.query(tx.takeDeferred('COMMIT'));
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async transaction<T>(context: TxContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run(`BEGIN; ${contextStatement(context, this.rowLevelSecurity)}`, work);
  }

  ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run('BEGIN', work);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
