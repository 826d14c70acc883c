/**
 * `npm run bench -- crash`: crash safety at scale. A real `lintas serve` takes writes of every kind at
 * once (a report import of `--report-rows` rows, a register import of `--register-rows` documents,
 * single and batch checks, approvals, bulletins told to `--subscribers` e-mail subscribers, linkage
 * leads, face templates enrolled in a gallery) and is SIGKILLed `--kills` times at seeded moments; test/support/crash.ts says what is
 * checked after each kill and restart. PGlite by default (a data folder under /tmp), a PostgreSQL
 * server with `--database-url` (a throwaway database, dropped after). See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MODULES } from '../src/modules/index.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { migrationsOf } from '../src/platform/module.js';
import { CRASH_KINDS, runCrashRounds } from '../test/support/crash.js';
import { startLocalSmtp } from '../test/support/mail.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    kills: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    'report-rows': { type: 'string', default: '100000' },
    'register-rows': { type: 'string', default: '1000000' },
    subscribers: { type: 'string', default: '20' },
    'kill-after': { type: 'string', default: '0,5000' },
    'ack-wait': { type: 'string', default: '60' },
    'import-ack-every': { type: 'string', default: '1' },
    'database-url': { type: 'string' },
  },
  strict: true,
});
const [from, to] = (values['kill-after'] ?? '0,5000').split(',').map(Number);
for (const flag of ['kills', 'seed', 'report-rows', 'register-rows', 'subscribers', 'ack-wait', 'import-ack-every'] as const) {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < (flag === 'kills' || flag === 'import-ack-every' ? 1 : 0)) {
    console.error(`--${flag} must be a whole number${flag === 'kills' || flag === 'import-ack-every' ? ' of at least 1' : ''}: ${values[flag]}`);
    process.exit(2);
  }
}
const log = (line: string): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lintas-bench-crash-'));
const base = values['database-url'];
const name = `lintas_crash_${randomBytes(4).toString('hex')}`;
const url = base ? `${base.replace(/\/[^/]*$/, '')}/${name}` : undefined;
const open = (): Promise<Database> => (url ? PostgresDatabase.open(url) : PgliteDatabase.open(dataDir));
async function admin(statement: string, connectionString = base): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const smtp = await startLocalSmtp();
try {
  if (url) await admin(`CREATE DATABASE ${name}`);
  const db = await open();
  try {
    await migrate(db, migrationsOf(MODULES));
  } finally {
    await db.close();
  }
  log(`${url ? 'PostgreSQL' : 'PGlite'}: ${values.kills} kills, seed ${values.seed}; imports of ${values['report-rows']} reports and ${values['register-rows']} documents; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  const started = Date.now();
  const tally = await runCrashRounds({
    dataDir,
    ...(url ? { databaseUrl: url } : {}),
    open,
    smtp,
    seed: Number(values.seed),
    kills: Number(values.kills),
    reportRows: Number(values['report-rows']),
    registerRows: Number(values['register-rows']),
    subscribers: Number(values.subscribers),
    killAfter: [from ?? 0, to ?? 5000],
    ackWaitSeconds: Number(values['ack-wait']),
    importAckEvery: Number(values['import-ack-every']),
    // Every import rewrites all its rows and every kill rolls a rewrite back: without a VACUUM between
    // rounds the dead row versions outgrow the live ones many times over (bench/README.md).
    ...(url
      ? {
          between: async () => {
            const began = Date.now();
            await admin('VACUUM (ANALYZE) reports, travel_documents', url);
            return `vacuum ${((Date.now() - began) / 1000).toFixed(1)} s`;
          },
        }
      : {}),
    log,
  });
  const restarts = [...tally.restartSeconds].sort((a, b) => a - b);
  const at = (q: number): string => (restarts[Math.min(restarts.length - 1, Math.floor(q * restarts.length))] ?? 0).toFixed(1);
  console.log(`\n${tally.kills} kills in ${((Date.now() - started) / 60_000).toFixed(1)} min; restart to answering: p50 ${at(0.5)} s, max ${at(1)} s; rounds killed with a kind they waited for still unacknowledged: ${tally.waitsRunOut}; acts turned away (not acknowledged): ${Object.entries(tally.turnedAway).map(([status, n]) => `${n}×${status}`).join(' ') || 'none'}`);
  console.log('kind               acknowledged  cut by a kill  of those committed');
  for (const kind of CRASH_KINDS) {
    const cut = kind === 'report-import' || kind === 'register-import' ? tally.cut[kind] : '-';
    const committed = kind === 'report-import' || kind === 'register-import' ? tally.cutCommitted[kind] : '-';
    console.log(`${kind.padEnd(18)} ${String(tally.acknowledged[kind]).padStart(12)} ${String(cut).padStart(14)} ${String(committed).padStart(19)}`);
  }
  console.log(`audit rows verified after the last kill: ${tally.auditRows}; register checks after restarts agreeing with the database: ${tally.indexChecked}; face searches after restarts agreeing with the gallery: ${tally.galleryChecked}; bulletin e-mails, each one message: ${tally.emails} (copies sent again with the same Message-ID after a kill: ${tally.emailCopies}); bulletins delivered to the webhook endpoint, each one webhook-id: ${tally.webhooks} (copies with the same webhook-id: ${tally.webhookCopies})`);
  console.log(tally.problems.length ? `PROBLEMS (${tally.problems.length}):\n${tally.problems.join('\n')}` : 'no problems');
  process.exitCode = tally.problems.length ? 1 : 0;
} finally {
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (url) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
