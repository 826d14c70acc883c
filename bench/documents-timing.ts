/**
 * `npx tsx bench/documents-timing.ts`: what a member outside a document's audience can learn from
 * the time a check takes. One member (AUS) registers --documents passports shared with itself alone;
 * another member's officer (MYS, through an API token) checks them, interleaved at random with as
 * many numbers nobody registered, --probes times each, in one process (app.inject), so both kinds
 * share the same noise. A leak shows as a gap between the two latency distributions: the index must
 * answer both without the database, so their medians should differ by no more than the noise does
 * (the same comparison between two sets of unregistered numbers is printed beside it as that noise).
 *
 * On the embedded database by default; on a PostgreSQL server with --database-url (a database
 * lintas_bench_timing is created there, and dropped first if it exists).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { build } from '../src/app.js';
import { preparePlatform } from '../src/server.js';
import { seedDemo } from '../src/demo/seed.js';
import { MODULES } from '../src/modules/index.js';
import { digest, newSecret } from '../src/platform/auth/secrets.js';
import { loadConfig } from '../src/platform/config.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDatabase } from '../src/platform/db/open.js';
import { sql } from '../src/platform/db/sql.js';
import { migrationsOf } from '../src/platform/module.js';

const { values: flags } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    documents: { type: 'string', default: '50' },
    probes: { type: 'string', default: '400' },
    index: { type: 'string', default: 'on' },
  },
});
const DOCUMENTS = Number(flags.documents);
const PROBES = Number(flags.probes);

async function open(): Promise<{ db: Database; databaseUrl: string | undefined; cleanup: () => void }> {
  const base = flags['database-url'];
  if (!base) {
    const dataDir = mkdtempSync(join(tmpdir(), 'lintas-bench-timing-'));
    return { db: await openDatabase({ databaseUrl: undefined, dataDir }), databaseUrl: undefined, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS lintas_bench_timing WITH (FORCE)');
  await admin.query('CREATE DATABASE lintas_bench_timing');
  await admin.end();
  const databaseUrl = `${base}/lintas_bench_timing`;
  return { db: await openDatabase({ databaseUrl, dataDir: '' }), databaseUrl, cleanup: () => undefined };
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (value: number): string => `${value.toFixed(3)} ms`;

async function main(): Promise<void> {
  const { db, databaseUrl, cleanup } = await open();
  try {
    await migrate(db, migrationsOf(MODULES));
    await seedDemo(db, loadConfig({}));
    const secret = newSecret();
    await db.ownerTransaction(async (tx) => {
      const user = await tx.one<{ id: string; roles: string[] }>(sql`SELECT id, roles FROM users WHERE email = 'officer@mys.demo'`);
      await tx.query(sql`INSERT INTO lintas_secrets.api_tokens (user_id, name, token_hash, roles, expires_at) VALUES (${user.id}, 'timing bench', ${digest(secret)}, ${user.roles}, now() + interval '1 day')`);
      await tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner, audience_kind, tlp)
        SELECT 'AUS', 'passport', 'HID' || g, 'stolen', 'AUS', 'owner', 'AMBER' FROM generate_series(1, ${DOCUMENTS}) g`);
    });
    const config = { ...loadConfig({}), rateLimitPerMinute: 1_000_000_000, logLevel: 'silent' as const, databaseUrl, env: { LINTAS_DOCUMENT_INDEX: flags.index ?? 'on' } };
    const platform = await preparePlatform(db, config, { mailer: { configured: false, send: () => Promise.reject(new Error('no mail in the benchmark')) } });
    const app = await build({ platform, logger: false, webRoot: '/nonexistent' });
    await app.ready();
    const check = async (number: string): Promise<number> => {
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/documents/checks',
        headers: { authorization: `Bearer ${secret}` },
        payload: { purpose: 'timing bench', document: { issuer: 'AUS', type: 'passport', number } },
      });
      const took = performance.now() - started;
      if (response.statusCode !== 200 || response.json<{ data: { result: string } }>().data.result !== 'no-hit') throw new Error(`unexpected answer: ${response.body}`);
      return took;
    };
    // Warm up every path, then the probes in a random order.
    for (let i = 1; i <= 50; i++) {
      await check(`HID${(i % DOCUMENTS) + 1}`);
      await check(`NONE${i}`);
    }
    const kinds = ['hidden', 'absent', 'absent again'] as const;
    const order = kinds.flatMap((kind) => Array.from({ length: PROBES }, (_, i) => ({ kind, i })));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const times: Record<(typeof kinds)[number], number[]> = { hidden: [], absent: [], 'absent again': [] };
    for (const { kind, i } of order) {
      const number = kind === 'hidden' ? `HID${(i % DOCUMENTS) + 1}` : kind === 'absent' ? `NONE${i}` : `ZERO${i}`;
      times[kind].push(await check(number));
    }
    console.log(`database: ${databaseUrl ? 'PostgreSQL' : 'PGlite'}; index ${flags.index}; ${DOCUMENTS} hidden documents; ${PROBES} probes of each kind, interleaved at random`);
    const p50: Record<string, number> = {};
    for (const kind of kinds) {
      const sorted = [...times[kind]].sort((a, b) => a - b);
      p50[kind] = quantile(sorted, 0.5);
      console.log(`  ${kind.padEnd(13)} p50 ${ms(quantile(sorted, 0.5))}  p90 ${ms(quantile(sorted, 0.9))}  p99 ${ms(quantile(sorted, 0.99))}`);
    }
    console.log(`  hidden / absent (p50): ${(p50.hidden! / p50.absent!).toFixed(3)}; absent again / absent (the noise): ${(p50['absent again']! / p50.absent!).toFixed(3)}`);
    await app.close();
  } finally {
    await db.close();
    cleanup();
  }
}

await main();
