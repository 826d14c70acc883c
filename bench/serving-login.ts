/**
 * `npm run bench -- serving-login`: what the serving login (DATABASE_APP_URL) costs a transaction on
 * a PostgreSQL server. The same database is opened twice, once logging in as the owner (each
 * transaction begins with lintas_begin) and once with requests' transactions on a login that is a
 * member of lintas_app only (each begins with lintas_begin_proven and the process's proof); both run
 * the same small statement for a member, as a read (`Database.read`) and as a write transaction,
 * `--concurrency` at a time, in alternating rounds. Medians of the rounds, with the ratio.
 *
 *   --database-url URL   the server (default postgres://postgres@127.0.0.1:5432)
 *   --transactions N     per round and kind (default 20000)
 *   --concurrency N      transactions at once, and each pool's size (default 10)
 *   --rounds N           rounds, alternating the two logins (default 3)
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MODULES } from '../src/modules/index.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { migrationsOf } from '../src/platform/module.js';
import { percentile } from './rate.js';
import { servingLogin } from './serving-role.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432' },
    transactions: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
  strict: true,
});
const count = (name: 'transactions' | 'concurrency' | 'rounds'): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number of at least 1, got "${values[name]}"`);
  return value;
};
const server = values['database-url'].replace(/\/+$/, '');
const transactions = count('transactions');
const concurrency = count('concurrency');
const rounds = count('rounds');
const name = `lintas_bench_serving_${process.pid}`;
const login = `lintas_bench_login_${process.pid}`;

interface Round {
  rate: number;
  p50: number;
  p99: number;
}

/** `transactions` of one kind, `concurrency` at once: the rate and each one's time. */
async function round(db: Database, write: boolean): Promise<Round> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < transactions) {
      const t0 = performance.now();
      const statement = sql`SELECT count(*) FROM members WHERE code = ${'AAA'}`;
      if (write) await db.transaction({ member: 'AAA' }, (tx) => tx.query(statement));
      else await db.read({ member: 'AAA' }, (tx) => tx.query(statement));
      times.push(performance.now() - t0);
    }
  }));
  return { rate: transactions / ((performance.now() - started) / 1000), p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

const admin = new pg.Client({ connectionString: `${server}/postgres` });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const setup = await PostgresDatabase.open(`${server}/${name}`, { poolSize: 2 });
let owner: PostgresDatabase | undefined;
let serving: PostgresDatabase | undefined;
try {
  await migrate(setup, migrationsOf(MODULES));
  await setup.ownerTransaction((tx) => tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('AAA', 'Member AAA', 'state', 'member')`));
  const servingUrl = await servingLogin(admin, `${server}/${name}`, login);
  owner = await PostgresDatabase.open(`${server}/${name}`, { poolSize: concurrency });
  serving = await PostgresDatabase.open(`${server}/${name}`, { poolSize: concurrency, appUrl: servingUrl });
  await serving.checkLogins();
  const results: Record<string, Round[]> = {};
  for (const write of [false, true]) {
    // A warm-up of each, then the rounds, the logins alternated.
    await round(owner, write);
    await round(serving, write);
    for (let i = 0; i < rounds; i++) {
      for (const [label, db] of [['owner', owner], ['serving', serving]] as const) {
        (results[`${write ? 'write' : 'read'} ${label}`] ??= []).push(await round(db, write));
      }
    }
  }
  console.log(`${transactions} transactions a round, ${concurrency} at once, medians of ${rounds} rounds`);
  console.log('| kind | owner login tx/s (p50 / p99 ms) | serving login tx/s (p50 / p99 ms) | serving ÷ owner |');
  console.log('|---|---:|---:|---:|');
  for (const kind of ['read', 'write']) {
    const of = (label: string) => {
      const list = results[`${kind} ${label}`]!;
      return { rate: median(list.map((r) => r.rate)), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)) };
    };
    const [a, b] = [of('owner'), of('serving')];
    console.log(`| ${kind} | ${a.rate.toFixed(0)} (${a.p50.toFixed(2)} / ${a.p99.toFixed(2)}) | ${b.rate.toFixed(0)} (${b.p50.toFixed(2)} / ${b.p99.toFixed(2)}) | ${(b.rate / a.rate).toFixed(2)} |`);
  }
} finally {
  await Promise.all([owner?.close(), serving?.close(), setup.close()]);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`DROP ROLE IF EXISTS ${login}`);
  await admin.end();
}
