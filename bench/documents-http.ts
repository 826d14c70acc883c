/**
 * `npx tsx bench/documents-http.ts`: the travel-document check end to end over HTTP, on a PostgreSQL
 * server holding --size documents (10,000,000 by default, loaded with COPY), every check audited.
 *
 * - single checks (POST /api/v1/documents/checks) with --connections keep-alive connections, p50/p99;
 * - batch checks of --batch documents (POST /api/v1/documents/checks/batch), documents per second;
 * - both answered from the in-memory index and, side by side in the same run, by the same API with
 *   the index off (LINTAS_DOCUMENT_INDEX=off: a plain indexed PostgreSQL lookup per document), as a ratio;
 * - the machine's ceiling: a bare route on the same app and load generator;
 * - with --floors, what a check costs before it checks anything: a bare POST of its body, the same
 *   authenticated, and authenticated with its audit row written through the group commit; for
 *   batches, the bare POST and the authenticated, audited one;
 * - the ceiling, single and batch checks alternate in --rounds rounds (3) on one server, each reported
 *   as its median round (--skip-plain leaves out the server without the index);
 * - the time to build the index from the database at start;
 * - the import rate of a --import-rows CSV through the register's import (staging table, COPY); --holders
 *   gives every row its holder's five fields (sealed at rest since migration 0047).
 * - with --serving-login NAME, the server serves requests through that login (DATABASE_APP_URL), a
 *   member of lintas_app only, made for the run if the server lacks it.
 *
 * The server runs in a child process (this file, forked), so the load generator and the server do not
 * share an event loop. Checks are 1% hits on documents shared with the checking member and 99% numbers
 * that are not registered, like a border's traffic. See bench/README.md for the style.
 */
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { servingLogin } from './serving-role.js';
import { from as copyFrom } from 'pg-copy-streams';
import { build } from '../src/app.js';
import { preparePlatform } from '../src/server.js';
import { seedDemo } from '../src/demo/seed.js';
import { digest, newSecret } from '../src/platform/auth/secrets.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { openDataKeys } from '../src/platform/crypto/envelope.js';
import { MODULES } from '../src/modules/index.js';
import { migrationsOf } from '../src/platform/module.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { asMember } from '../src/modules/documents/cli.js';
import { importDocuments } from '../src/modules/documents/import.js';
import { IndexChanges, registerOf } from '../src/modules/documents/register.js';
import { auditGroupFor } from '../src/platform/audit/group-commit.js';
import { actorOf } from '../src/platform/http/authenticate.js';
import { BatchCheckBody, BatchCheckResponse, CheckBody, CheckResponse } from '../src/modules/documents/schemas.js';
import { withHugePages } from './huge-pages.js';
import { cpuBusy, waitForQuiet } from './load.js';

const SELF = fileURLToPath(import.meta.url);
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const CEILING = '/bench/constant';
/** --floors: a bare POST of the check's body (parsed and validated against its schema, a constant answer). */
const BARE_POST = '/bench/post';
/** --floors: the same POST authenticated with the token (a constant answer in the check's response schema). */
const AUTHENTICATED_POST = '/api/v1/bench/authenticated';
/** --floors: the same POST authenticated and audited through the group commit, as a check is, without the check. */
const AUDITED_POST = '/api/v1/bench/audited';
/** --floors: the same two for a batch's body (its audit row names every document of the batch, as a batch check's does). */
const BARE_BATCH = '/bench/post-batch';
const AUDITED_BATCH = '/api/v1/bench/audited-batch';
const CHECKER = 'officer@mys.demo';
const CHECKER_MEMBER = 'MYS';
/** Issuers of the generated register: demo members that are states (ICAO codes), the checker's own left out. */
const ISSUERS = ['AUS', 'IDN', 'THA', 'NZL', 'PHL', 'VNM', 'LKA', 'FJI', 'JPN', 'KHM', 'LAO', 'MMR', 'BGD', 'IND', 'PAK', 'AFG', 'IRN', 'IRQ', 'CHN', 'SGP'];
/** The issuer whose file the import measurement loads (not among the above). */
const IMPORT_ISSUER = 'KOR';
const TYPES = ['passport', 'passport', 'passport', 'identity-card', 'visa', 'refugee-travel-document', 'seafarer-book', 'other'];
const STATUSES = ['lost', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit', 'forged'];

interface Flags {
  size: number;
  importRows: number;
  duration: number;
  warmup: number;
  connections: number;
  batch: number;
  batchConnections: number;
  pool: number;
  databaseUrl: string;
  /** --serving-login NAME: the server serves through this login (DATABASE_APP_URL), made for the run if missing. */
  servingLogin: string | undefined;
  reuse: boolean;
  keep: boolean;
  skipImport: boolean;
  holders: boolean;
  skipChecks: boolean;
  skipPlain: boolean;
  floors: boolean;
  rounds: number;
}

function parseFlags(): Flags {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '10000000' },
      'import-rows': { type: 'string' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      batch: { type: 'string', default: '1000' },
      'batch-connections': { type: 'string', default: '8' },
      pool: { type: 'string', default: '10' },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432' },
      reuse: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'skip-import': { type: 'boolean', default: false },
      holders: { type: 'boolean', default: false },
      'skip-checks': { type: 'boolean', default: false },
      'skip-plain': { type: 'boolean', default: false },
      floors: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
      'serving-login': { type: 'string' },
    },
    strict: true,
  });
  const number = (text: string, name: string, min = 1): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} takes a number of at least ${min}, got "${text}"`);
    return value;
  };
  const size = number(values.size, 'size');
  return {
    size,
    importRows: number(values['import-rows'] ?? String(size), 'import-rows'),
    duration: number(values.duration, 'duration'),
    warmup: number(values.warmup, 'warmup', 0),
    connections: number(values.connections, 'connections'),
    batch: number(values.batch, 'batch'),
    batchConnections: number(values['batch-connections'], 'batch-connections'),
    pool: number(values.pool, 'pool'),
    databaseUrl: values['database-url'].replace(/\/+$/, ''),
    servingLogin: values['serving-login'],
    reuse: values.reuse,
    keep: values.keep,
    skipImport: values['skip-import'],
    holders: values.holders,
    skipChecks: values['skip-checks'],
    skipPlain: values['skip-plain'],
    floors: values.floors,
    rounds: number(values.rounds, 'rounds'),
  };
}

const log = (line: string): void => console.log(line);
/** The document number of row i of issuer j: unique per issuer, 9 characters. */
const numberOf = (issuer: number, i: number): string => `${String.fromCharCode(65 + issuer)}${String((i * 7_919 + issuer * 104_729) % 100_000_000).padStart(8, '0')}`;

// The generated register -------------------------------------------------------------------------------------

/** Row i of the register: issuer, type, number, status, audience (80% all, 10% named members, 10% owner only). */
function documentRow(i: number): { issuer: string; type: string; number: string; status: string; audience: 'all' | 'members' | 'owner' } {
  const issuer = i % ISSUERS.length;
  const index = Math.floor(i / ISSUERS.length);
  const audience = i % 10 === 3 ? 'members' : i % 10 === 7 ? 'owner' : 'all';
  return { issuer: ISSUERS[issuer]!, type: TYPES[i % TYPES.length]!, number: numberOf(issuer, index), status: STATUSES[i % STATUSES.length]!, audience };
}

async function* registerLines(size: number): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 0; i < size; i++) {
    const doc = documentRow(i);
    // Named members: the checker is among them for half of such documents.
    const members = doc.audience === 'members' ? (i % 20 === 3 ? `{${CHECKER_MEMBER},NZL}` : '{NZL,AUS}') : '{}';
    const owner = doc.issuer;
    chunk += `${doc.issuer}\t${doc.type}\t${doc.number}\t${doc.status}\t${owner}\t${doc.audience}\t${members}\t${doc.audience === 'all' ? 'GREEN' : 'AMBER'}\n`;
    if (i % 5000 === 4999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function prepare(flags: Flags): Promise<{ url: string; loadSeconds: number | null }> {
  const admin = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres` });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'lintas_bench_documents'`)).rowCount === 1;
  if (exists && !flags.reuse) await admin.query('DROP DATABASE lintas_bench_documents WITH (FORCE)');
  if (!exists || !flags.reuse) await admin.query('CREATE DATABASE lintas_bench_documents');
  await admin.end();
  const url = `${flags.databaseUrl}/lintas_bench_documents`;
  const db = await PostgresDatabase.open(url, { poolSize: 2 });
  try {
    await migrate(db, migrationsOf(MODULES));
    const { n } = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::bigint AS n FROM travel_documents WHERE owner <> ${IMPORT_ISSUER}`));
    if (n === 0) await seedDemo(db, loadConfig({}));
    await db.ownerTransaction((tx) => tx.query(sql`DELETE FROM document_hit_checks`).then(() => tx.query(sql`DELETE FROM document_hits`)));
    await db.ownerTransaction((tx) => tx.query(sql`UPDATE travel_documents SET state = 'cancelled' WHERE owner = ${IMPORT_ISSUER} AND state = 'active'`));
    if (n >= flags.size) return { url, loadSeconds: null };
    // The demo's own documents are left out of the count that matters: start from the generated register only.
    await db.ownerTransaction((tx) => tx.query(sql`DELETE FROM document_hit_checks`).then(() => tx.query(sql`DELETE FROM document_hits`)));
    log(`  loading ${flags.size.toLocaleString('en')} documents with COPY (secondary indexes dropped and rebuilt)…`);
    const started = performance.now();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const indexes = await client.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'travel_documents' AND indexname <> 'travel_documents_pkey'`,
      );
      await client.query('TRUNCATE document_hit_checks, document_hits, lintas_secrets.documents_holder_pending, travel_documents');
      for (const index of indexes.rows) await client.query(`DROP INDEX ${index.indexname}`);
      await pipeline(
        Readable.from(registerLines(flags.size)),
        client.query(copyFrom('COPY travel_documents (issuer, doc_type, number, status, owner, audience_kind, audience_members, tlp) FROM STDIN')),
      );
      for (const index of indexes.rows) await client.query(index.indexdef);
      await client.query('VACUUM (ANALYZE) travel_documents');
      await client.query('CHECKPOINT');
    } finally {
      await client.end();
    }
    return { url, loadSeconds: (performance.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}

async function tokenFor(url: string): Promise<string> {
  const db = await PostgresDatabase.open(url, { poolSize: 1 });
  try {
    const secret = newSecret();
    await db.ownerTransaction(async (tx) => {
      const user = await tx.one<{ id: string; roles: string[] }>(sql`SELECT id, roles FROM users WHERE email = ${CHECKER}`);
      await tx.query(sql`INSERT INTO lintas_secrets.api_tokens (user_id, name, token_hash, roles, expires_at)
        VALUES (${user.id}, 'documents bench', ${digest(secret)}, ${user.roles}, now() + interval '1 day')`);
    });
    return secret;
  } finally {
    await db.close();
  }
}

// The server child --------------------------------------------------------------------------------------------

interface ServerSpec {
  url: string;
  /** The serving login's URL (DATABASE_APP_URL), when the run asks for one. */
  appUrl?: string;
  index: boolean;
  pool: number;
}

/** `url` through the serving login `name` (a member of lintas_app only), made on the server if it has none. */
async function servingLoginUrl(url: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await servingLogin(admin, url, name);
  } finally {
    await admin.end();
  }
}
interface ServerReady {
  port: number;
  buildMs: number;
  indexSize: number;
  indexBytes: number;
}

async function serve(spec: ServerSpec): Promise<void> {
  const db = await PostgresDatabase.open(spec.url, { poolSize: spec.pool, ...(spec.appUrl ? { appUrl: spec.appUrl } : {}) });
  await db.checkLogins();
  const config = { ...loadConfig({}), rateLimitPerMinute: 1_000_000_000, logLevel: 'silent', databaseUrl: spec.url, databaseAppUrl: spec.appUrl, env: { LINTAS_DOCUMENT_INDEX: spec.index ? 'on' : 'off' } };
  // As a server starts: the data keys (a hit's record is sealed with one), then each module's
  // preparation (linkage's sources, without which a hit's entity rows are refused).
  const platform = await preparePlatform(db, config, { mailer: { configured: false, send: () => Promise.reject(new Error('no mail in the benchmark')) } });
  const app = await build({ platform, logger: false, webRoot: '/nonexistent' });
  app.get(CEILING, { schema: { hide: true } }, () => ({ ok: true }));
  // The floors (--floors): what a check costs before it checks anything. The bare POST parses and
  // validates the check's body; the authenticated one also finds the token's actor and answers in the
  // check's response schema; the audited one also writes the check's audit row (a miss's) through the
  // group commit.
  const floorAnswer = (body: CheckBody) => ({ data: { result: 'no-hit' as const, document: body.document ?? { issuer: 'MYS', type: 'passport' as const, number: '0' } }, checkedAt: new Date().toISOString() });
  app.post(BARE_POST, { schema: { hide: true, body: CheckBody } }, () => ({ ok: true }));
  app.post(AUTHENTICATED_POST, { schema: { hide: true, body: CheckBody, response: { 200: CheckResponse } }, config: { action: 'documents.check' } }, (request) => {
    actorOf(request);
    return floorAnswer(request.body);
  });
  app.post(AUDITED_POST, { schema: { hide: true, body: CheckBody, response: { 200: CheckResponse } }, config: { action: 'documents.check' } }, async (request) => {
    const body = request.body;
    const actor = actorOf(request);
    const checked = body.document ? [`${body.document.issuer}/${body.document.type}/${body.document.number}`] : [];
    await auditGroupFor(db).append({ userId: actor.userId, member: actor.member, requestId: request.id, address: request.ip }, [
      { action: 'documents.check', objectType: 'travel-document', purpose: body.purpose, details: { via: 'number', count: 1, checked, hits: 0 } },
    ]);
    return floorAnswer(body);
  });
  app.post(BARE_BATCH, { schema: { hide: true, body: BatchCheckBody } }, () => ({ ok: true }));
  app.post(AUDITED_BATCH, { bodyLimit: 4 * 1024 * 1024, schema: { hide: true, body: BatchCheckBody, response: { 200: BatchCheckResponse } }, config: { action: 'documents.check' } }, async (request) => {
    const actor = actorOf(request);
    const documents = request.body.documents.flatMap((item) => ('mrz' in item ? [] : [item]));
    await auditGroupFor(db).append({ userId: actor.userId, member: actor.member, requestId: request.id, address: request.ip }, [
      {
        action: 'documents.check',
        objectType: 'travel-document',
        purpose: request.body.purpose,
        details: { via: 'batch', count: request.body.documents.length, checked: documents.map((doc) => `${doc.issuer}/${doc.type}/${doc.number}`), hits: 0 },
      },
    ]);
    return { data: documents.map((document) => ({ result: 'no-hit' as const, document })), checked: documents.length, hits: 0, checkedAt: new Date().toISOString() };
  });
  const register = registerOf(platform);
  await register.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.on('message', (message) => {
    if ((message as { kind?: string }).kind !== 'stop') return;
    const stats = auditGroupFor(db).stats;
    console.log(`    audit group commit: ${stats.groups.toLocaleString('en')} groups, ${stats.rows.toLocaleString('en')} rows (${(stats.rows / Math.max(1, stats.groups)).toFixed(1)} a group), ${stats.failures} failed`);
    void app.close().then(() => db.close()).then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  const ready: ServerReady = { port: address.port, buildMs: register.buildMs, indexSize: register.index.size, indexBytes: register.index.bytes };
  process.send?.(ready);
}

interface Server {
  base: string;
  pid: number | undefined;
  ready: ServerReady;
  stop(): Promise<void>;
}

async function startServer(spec: ServerSpec): Promise<Server> {
  const child = fork(SELF, [], {
    // BENCH_PROFILE_DIR: a V8 CPU profile of each server process, written there when it stops.
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192', ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [])],
    env: withHugePages({ ...process.env, BENCH_DOCUMENTS_SERVER: JSON.stringify(spec), NODE_ENV: 'production' }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [ready] = (await Promise.race([once(child, 'message'), exited.then(() => Promise.reject(new Error('the bench server exited')))])) as [ServerReady];
  return {
    base: `http://127.0.0.1:${ready.port}`,
    pid: child.pid,
    ready,
    async stop() {
      child.send({ kind: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Load ---------------------------------------------------------------------------------------------------------

interface Measured {
  name: string;
  requestsPerSecond: number;
  documentsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  machineBusyBefore: number;
}

type CannonOptions = autocannon.Options & {
  requests?: { method: 'POST' | 'GET'; path: string; headers?: Record<string, string>; setupRequest?: (request: { body?: string }) => { body?: string } }[];
};

async function drive(name: string, base: string, path: string, options: { seconds: number; warmup: number; connections: number; headers: Record<string, string>; bodies?: string[]; perRequest?: number }): Promise<Measured> {
  const bodies = options.bodies;
  let next = 0;
  const make = (duration: number): CannonOptions => ({
    url: base + path,
    connections: options.connections,
    duration,
    timeout: 30,
    headers: { ...options.headers, ...(bodies ? { 'content-type': 'application/json' } : {}) },
    ...(bodies
      ? {
          requests: [{
            method: 'POST',
            path,
            setupRequest: (request: { body?: string }) => {
              request.body = bodies[next++ % bodies.length];
              return request;
            },
          }],
        }
      : {}),
  });
  if (options.warmup > 0) await autocannon(make(options.warmup));
  const machineBusyBefore = await waitForQuiet(20);
  const result = await autocannon(make(options.seconds));
  const requestsPerSecond = Math.round(result['2xx'] / result.duration);
  return {
    name,
    requestsPerSecond,
    documentsPerSecond: requestsPerSecond * (options.perRequest ?? 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    machineBusyBefore: Number(machineBusyBefore.toFixed(2)),
  };
}

/** Check bodies: 1% documents the checker may see (hits), 99% numbers not registered. */
function singleBodies(size: number, count = 20_000): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const document = checkDocument(size, i);
    bodies.push(JSON.stringify({ purpose: 'border control (benchmark)', document }));
  }
  return bodies;
}

function checkDocument(size: number, i: number): { issuer: string; type: string; number: string } {
  if (i % 100 === 0) {
    // A registered document shared with every full member: row indexes with audience "all".
    let row = (i * 7_777) % size;
    while (row % 10 === 3 || row % 10 === 7) row = (row + 1) % size;
    const doc = documentRow(row);
    return { issuer: doc.issuer, type: doc.type, number: doc.number };
  }
  return { issuer: ISSUERS[i % ISSUERS.length]!, type: 'passport', number: `Z${String(i).padStart(8, '0')}` };
}

function batchBodies(size: number, batch: number, count = 40): string[] {
  return Array.from({ length: count }, (_, b) =>
    JSON.stringify({ purpose: 'flight manifest (benchmark)', documents: Array.from({ length: batch }, (_, i) => checkDocument(size, b * batch + i + 1)) }),
  );
}

// Import -------------------------------------------------------------------------------------------------------

const SURNAMES = ['SANTOSO', 'NGUYEN', 'RAHMAN', 'SILVA', 'TAN', 'KHAN', 'WIJAYA', 'PEREZ'];
const GIVEN = ['SITI AMINAH', 'BUDI', 'ARJUN', 'MARIA LUISA', 'WEI', 'FATIMA', 'JOHN PAUL'];
const NATIONALITIES = ['IDN', 'VNM', 'BGD', 'PHL', 'MYS', 'PAK', 'AFG'];

/** The holder's five cells of row i (--holders): every row names its holder, the import's worst case for sealing. */
function holderCells(i: number): string {
  return `,${SURNAMES[i % SURNAMES.length]},${GIVEN[i % GIVEN.length]},${NATIONALITIES[i % NATIONALITIES.length]},19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10},${'FMX'[i % 3]}`;
}

async function measureImport(url: string, rows: number, holders: boolean): Promise<{ rows: number; seconds: number; rowsPerSecond: number; bytes: number }> {
  const folder = mkdtempFolder();
  const file = `${folder}/register.csv`;
  const out = createWriteStream(file);
  out.write(`type,number,status,reported_on,place${holders ? ',holder_surname,holder_given_names,holder_nationality,holder_birth_date,holder_sex' : ''}\n`);
  for (let i = 0; i < rows; i++) {
    const line = `${TYPES[i % TYPES.length]},K${String(i).padStart(9, '0')},${STATUSES[i % STATUSES.length]},2024-0${1 + (i % 9)}-1${i % 10},${i % 3 === 0 ? '"Airport, hall 2"' : ''}${holders ? holderCells(i) : ''}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const bytes = statSync(file).size;
  const db = await PostgresDatabase.open(url, { poolSize: 2 });
  try {
    const started = performance.now();
    const config = loadConfig({});
    // The data keys, as a server opens them at start: the import seals every row's holder with one.
    await openDataKeys(db, config);
    const result = await asMember(db, config, IMPORT_ISSUER, (ctx) => importDocuments(ctx, { name: file, stream: createReadStream(file) }, {}, new IndexChanges()));
    const seconds = (performance.now() - started) / 1000;
    if (result.added + result.changed + result.unchanged !== rows) throw new Error(`the import counted ${JSON.stringify(result)}`);
    return { rows, seconds: Number(seconds.toFixed(1)), rowsPerSecond: Math.round(rows / seconds), bytes };
  } finally {
    await db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

function mkdtempFolder(): string {
  const folder = `/tmp/lintas-bench-documents-${process.pid}`;
  mkdirSync(folder, { recursive: true });
  return folder;
}

// Main ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const flags = parseFlags();
  const loadavg = (): string => readFileLoadavg();
  log(`documents bench: ${flags.size.toLocaleString('en')} documents, ${flags.connections} connections, batches of ${flags.batch}; load average ${loadavg()}`);
  const { url, loadSeconds } = await prepare(flags);
  if (loadSeconds !== null) log(`  loaded in ${loadSeconds.toFixed(0)} s (${Math.round(flags.size / loadSeconds).toLocaleString('en')} rows/s)`);
  const rows: Measured[] = [];
  const starts: Record<string, ServerReady> = {};
  if (!flags.skipChecks) await measureChecks(flags, url, rows, starts);
  let importResult: Awaited<ReturnType<typeof measureImport>> | null = null;
  if (!flags.skipImport) {
    log(`\n  importing a ${flags.importRows.toLocaleString('en')}-row CSV as ${IMPORT_ISSUER} (one transaction, staging table, COPY)…`);
    importResult = await measureImport(url, flags.importRows, flags.holders);
    log(`  import: ${importResult.rows.toLocaleString('en')} rows (${(importResult.bytes / 2 ** 20).toFixed(0)} MiB) in ${importResult.seconds} s = ${importResult.rowsPerSecond.toLocaleString('en')} rows/s`);
  }
  log(`load average at the end: ${loadavg()}; CPU busy now ${(await cpuBusy()).toFixed(2)}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}/documents-latest.json`, JSON.stringify({ flags, loadSeconds, starts, rows, import: importResult, at: new Date().toISOString() }, null, 2));
  if (!flags.keep) {
    const admin = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres` });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS lintas_bench_documents WITH (FORCE)');
    await admin.end();
  }
}

/** The median of each field over rounds of one measurement (the round with the median rate gives the latencies). */
function medianOf(rounds: readonly Measured[]): Measured {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...middle, non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0), errors: rounds.reduce((sum, r) => sum + r.errors, 0) };
}

/**
 * The check measurements: the ceiling, single and batch checks with the index and without. The
 * ceiling, the single checks and the batches run in --rounds alternating rounds on the same server and
 * each is reported as its median round, so the VM's drift (which moves a lone measurement by a third
 * within minutes) weighs on both sides of a ratio alike.
 */
async function measureChecks(flags: Flags, url: string, rows: Measured[], starts: Record<string, ServerReady>): Promise<void> {
  const token = await tokenFor(url);
  const headers = { authorization: `Bearer ${token}` };
  const single = singleBodies(flags.size);
  const batches = batchBodies(flags.size, flags.batch);
  for (const index of flags.skipPlain ? [true] : [true, false]) {
    const tag = index ? 'index' : 'plain PostgreSQL';
    const server = await startServer({ url, index, pool: flags.pool, ...(flags.servingLogin ? { appUrl: await servingLoginUrl(url, flags.servingLogin) } : {}) });
    starts[tag] = server.ready;
    if (index) log(`  index built at start in ${(server.ready.buildMs / 1000).toFixed(1)} s: ${server.ready.indexSize.toLocaleString('en')} keys, ${(server.ready.indexBytes / 2 ** 20).toFixed(0)} MiB`);
    try {
      const base = { seconds: flags.duration, headers };
      // A hit and a miss answer as they should before anything is timed.
      const probe = await fetch(`${server.base}/api/v1/documents/checks`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: single[0] });
      const answer = (await probe.json()) as { data?: { result: string } };
      if (answer.data?.result !== 'hit') throw new Error(`the probe check did not hit: ${JSON.stringify(answer).slice(0, 300)}`);
      const measured: Record<'ceiling' | 'bare' | 'authenticated' | 'audited' | 'bareBatch' | 'auditedBatch' | 'single' | 'batch', Measured[]> = {
        ceiling: [],
        bare: [],
        authenticated: [],
        audited: [],
        bareBatch: [],
        auditedBatch: [],
        single: [],
        batch: [],
      };
      const floors = index && flags.floors;
      for (let round = 0; round < flags.rounds; round++) {
        const warmup = round === 0 ? flags.warmup : 1;
        if (index) measured.ceiling.push(await drive('ceiling (bare route)', server.base, CEILING, { ...base, warmup, connections: flags.connections }));
        if (floors) {
          measured.bare.push(await drive('floor: bare POST of a check body', server.base, BARE_POST, { ...base, warmup, connections: flags.connections, bodies: single }));
          measured.authenticated.push(await drive('floor: authenticated POST', server.base, AUTHENTICATED_POST, { ...base, warmup, connections: flags.connections, bodies: single }));
          measured.audited.push(await drive('floor: authenticated, audited POST', server.base, AUDITED_POST, { ...base, warmup, connections: flags.connections, bodies: single }));
          const batchLoad = { ...base, warmup, connections: flags.batchConnections, bodies: batches, perRequest: flags.batch };
          measured.bareBatch.push(await drive(`floor: bare POST of a batch of ${flags.batch}`, server.base, BARE_BATCH, batchLoad));
          measured.auditedBatch.push(await drive(`floor: authenticated, audited POST of a batch of ${flags.batch}`, server.base, AUDITED_BATCH, batchLoad));
        }
        measured.single.push(await drive(`single check, ${tag}`, server.base, '/api/v1/documents/checks', { ...base, warmup, connections: flags.connections, bodies: single }));
        measured.batch.push(await drive(`batch of ${flags.batch}, ${tag}`, server.base, '/api/v1/documents/checks/batch', { ...base, warmup, connections: flags.batchConnections, bodies: batches, perRequest: flags.batch }));
        const last = (list: Measured[]): string => (list.length > round ? list[round]!.requestsPerSecond.toLocaleString('en') : '-');
        const floorsSeen = floors
          ? `, bare POST ${last(measured.bare)}, authenticated ${last(measured.authenticated)}, audited POST ${last(measured.audited)} req/s, batch floors ${last(measured.bareBatch)} and ${last(measured.auditedBatch)} req/s`
          : '';
        log(`    round ${round + 1} (${tag}): ceiling ${last(measured.ceiling)} req/s${floorsSeen}, single ${last(measured.single)} req/s, batch ${last(measured.batch)} req/s`);
      }
      if (index) rows.push(medianOf(measured.ceiling));
      if (floors) rows.push(medianOf(measured.bare), medianOf(measured.authenticated), medianOf(measured.audited), medianOf(measured.bareBatch), medianOf(measured.auditedBatch));
      rows.push(medianOf(measured.single), medianOf(measured.batch));
    } finally {
      await server.stop();
    }
  }
  const ceiling = rows[0]!.requestsPerSecond;
  const find = (name: string): Measured => rows.find((row) => row.name === name)!;
  const singleIndex = find('single check, index');
  const none: Measured = { name: '', requestsPerSecond: 0, documentsPerSecond: 0, p50: 0, p99: 0, non2xx: 0, errors: 0, machineBusyBefore: 0 };
  const singlePlain = rows.find((row) => row.name === 'single check, plain PostgreSQL') ?? none;
  const batchIndex = find(`batch of ${flags.batch}, index`);
  const batchPlain = rows.find((row) => row.name === `batch of ${flags.batch}, plain PostgreSQL`) ?? none;
  log('\n| measurement | requests/s | documents/s | p50 ms | p99 ms | non-2xx | errors | machine busy before |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    log(`| ${row.name} | ${row.requestsPerSecond.toLocaleString('en')} | ${row.documentsPerSecond.toLocaleString('en')} | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} | ${row.machineBusyBefore} |`);
  }
  // Without the plain server (--skip-plain) there is no ratio to print.
  const ratio = (index: number, plain: number): string => (plain > 0 ? `${(index / plain).toFixed(2)}×` : 'not measured (--skip-plain)');
  log(`\nsingle checks: ${(singleIndex.requestsPerSecond / ceiling * 100).toFixed(0)}% of the ceiling; index / plain PostgreSQL = ${ratio(singleIndex.requestsPerSecond, singlePlain.requestsPerSecond)}`);
  if (flags.floors) {
    const share = (name: string): string => `${(find(name).requestsPerSecond / ceiling * 100).toFixed(0)}%`;
    log(`floors: a bare POST of a check's body ${share('floor: bare POST of a check body')} of the ceiling, authenticated ${share('floor: authenticated POST')}, authenticated and audited ${share('floor: authenticated, audited POST')}`);
    const documents = (name: string): string => find(name).documentsPerSecond.toLocaleString('en');
    log(`batch floors: a bare POST ${documents(`floor: bare POST of a batch of ${flags.batch}`)} documents/s, authenticated and audited ${documents(`floor: authenticated, audited POST of a batch of ${flags.batch}`)} documents/s`);
  }
  log(`batch checks: index / plain PostgreSQL = ${ratio(batchIndex.documentsPerSecond, batchPlain.documentsPerSecond)}`);
  const goals = [
    `single checks ≥ 20,000/s with p99 < 5 ms, or ≥ 70% of the ceiling: ${(singleIndex.requestsPerSecond >= 20_000 && singleIndex.p99 < 5) || singleIndex.requestsPerSecond >= 0.7 * ceiling ? 'met' : 'NOT met'}`,
    `batch checks ≥ 500,000 documents/s: ${batchIndex.documentsPerSecond >= 500_000 ? 'met' : 'NOT met'}`,
  ];
  log(goals.join('\n'));
}

function readFileLoadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}


const serverSpec = process.env.BENCH_DOCUMENTS_SERVER;
if (serverSpec) {
  serve(JSON.parse(serverSpec) as ServerSpec).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
