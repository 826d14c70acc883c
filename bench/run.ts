/**
 * `npm run bench`: an authenticated GET of a library page (50 items) with the sharing rule, on
 * PostgreSQL and on PGlite, at each size asked for, with row-level security on and off, beside
 * the machine's ceiling (a bare route on the same app, same load generator). See bench/README.md.
 */
import { fork } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Actor } from '../src/platform/auth/actor.js';
import { createSession, loadUserActor } from '../src/platform/auth/sessions.js';
import type { Database } from '../src/platform/db/database.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { breakdown, explainRequest, type Breakdown } from './breakdown.js';
import { LoadBudgetExceeded, loadLibrary, TooManyDocuments, type LoadReport } from './data.js';
import { measure, waitForQuiet, type LoadOptions, type Measurement } from './load.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import { checkGoals, goalsText, relate, table, type DatabaseKind, type Row } from './report.js';
import { AUDITED_PAGE_ROUTE, CONSTANT_ROUTE, type ServerAnswer, type ServerCommand, type ServerReady, type ServerSpec } from './server-spec.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
/** A full member in four of the five sharing groups: its pages mix its own, group, named and `all` records. */
const BENCH_USER = 'officer@mys.demo';
const LIST_PATH = '/api/v1/library/documents?limit=50';
const SEARCH_PATH = '/api/v1/library/documents?limit=50&q=smuggling';

interface Flags {
  only: DatabaseKind[];
  sizes: number[];
  duration: number;
  connections: number;
  warmup: number;
  pools: number[];
  keep: boolean;
  reuse: boolean;
  search: boolean;
  floors: boolean;
  profile: boolean;
  breakdownIterations: number;
  /** Minutes the whole run may take; a PGlite load projected to overrun what is left is skipped. */
  budgetMinutes: number;
  databaseUrl: string;
  pgliteDir: string;
}

function parseFlags(): Flags {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      sizes: { type: 'string', default: '10000,1000000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      pools: { type: 'string', default: '10,20' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      'skip-search': { type: 'boolean', default: false },
      floors: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      breakdown: { type: 'string', default: '200' },
      budget: { type: 'string', default: '25' },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432' },
      'pglite-dir': { type: 'string', default: '/tmp/lintas-bench-pglite' },
    },
    strict: true,
  });
  const numbers = (text: string, name: string): number[] => {
    const list = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
    if (list.some((value) => !Number.isFinite(value) || value <= 0)) throw new Error(`--${name} takes positive numbers, got "${text}"`);
    return list;
  };
  const warmup = Number(values.warmup);
  if (!(warmup >= 0)) throw new Error(`--warmup takes seconds (0 or more), got "${values.warmup}"`);
  const only = values.only;
  if (only !== undefined && only !== 'pglite' && only !== 'postgres') throw new Error('--only takes pglite or postgres');
  return {
    only: only ? [only] : ['postgres', 'pglite'],
    sizes: numbers(values.sizes, 'sizes').sort((a, b) => a - b),
    duration: numbers(values.duration, 'duration')[0] ?? 10,
    connections: numbers(values.connections, 'connections')[0] ?? 20,
    warmup,
    pools: numbers(values.pools, 'pools'),
    keep: values.keep,
    reuse: values.reuse,
    search: !values['skip-search'],
    floors: values.floors,
    profile: values.profile,
    breakdownIterations: numbers(values.breakdown, 'breakdown')[0] ?? 200,
    budgetMinutes: numbers(values.budget, 'budget')[0] ?? 25,
    databaseUrl: values['database-url'].replace(/\/+$/, ''),
    pgliteDir: values['pglite-dir'],
  };
}

const log = (line: string): void => console.log(line);

/** Where a leg keeps its database, and how to open, settle and remove it. */
interface Store {
  kind: DatabaseKind;
  location: string;
  configs: { pool: number | null; rowLevelSecurity: boolean }[];
  open(rowLevelSecurity: boolean): Promise<Database>;
  settle(): Promise<void>;
  remove(): Promise<void>;
}

async function postgresStore(flags: Flags): Promise<Store | string> {
  const admin = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `no PostgreSQL server answers at ${flags.databaseUrl} (${(error as Error).message}); skipping the PostgreSQL leg`;
  }
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['lintas_bench'])).rowCount === 1;
  if (exists && !flags.reuse) await admin.query('DROP DATABASE lintas_bench WITH (FORCE)');
  if (!exists || !flags.reuse) await admin.query('CREATE DATABASE lintas_bench');
  await admin.end();
  const location = `${flags.databaseUrl}/lintas_bench`;
  const run = async (statements: string[]): Promise<void> => {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    location,
    configs: flags.pools.flatMap((pool) => [{ pool, rowLevelSecurity: true }, { pool, rowLevelSecurity: false }]),
    open: (rowLevelSecurity) => PostgresDatabase.open(location, { rowLevelSecurity, poolSize: 2 }),
    // So neither autovacuum nor a checkpoint after the load lands in the middle of a measurement.
    settle: () => run(['VACUUM (ANALYZE)', 'CHECKPOINT']),
    async remove() {
      if (flags.keep) return log(`  kept the database ${location}`);
      const client = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres` });
      await client.connect();
      await client.query('DROP DATABASE IF EXISTS lintas_bench WITH (FORCE)');
      await client.end();
    },
  };
}

function pgliteStore(flags: Flags): Store {
  const location = flags.pgliteDir;
  if (!flags.reuse) rmSync(location, { recursive: true, force: true });
  mkdirSync(location, { recursive: true });
  return {
    kind: 'pglite',
    location,
    configs: [{ pool: null, rowLevelSecurity: true }, { pool: null, rowLevelSecurity: false }],
    open: (rowLevelSecurity) => PgliteDatabase.open(location, { rowLevelSecurity }),
    async settle() {
      const db = await PgliteDatabase.open(location);
      try {
        await db.ownerTransaction((tx) => tx.execScript('CHECKPOINT'));
      } finally {
        await db.close();
      }
    },
    async remove() {
      if (flags.keep) return log(`  kept the data folder ${location}`);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

/** A signed-in session for the bench user, as a browser holds it. */
async function signIn(db: Database): Promise<{ cookie: string; secret: string; actor: Actor }> {
  const user = await db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM users WHERE email = ${BENCH_USER}`));
  const secret = await db.ownerTransaction((tx) => createSession(tx, user.id, 'full', '127.0.0.1', 24));
  const actor = await db.ownerTransaction((tx) => loadUserActor(tx, sql`u.id = ${user.id}`));
  if (!actor) throw new Error(`no actor for ${BENCH_USER}`);
  return { cookie: `lintas_session=${secret}`, secret, actor };
}

interface Server {
  base: string;
  pid: number | undefined;
  /** Sends a command and waits for the answer of that kind. */
  ask(command: ServerCommand, answer: ServerAnswer['kind']): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(spec: ServerSpec): Promise<Server> {
  const child = fork(SERVER, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_SERVER: JSON.stringify(spec), NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start within 180 s')), 180_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as ServerReady);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited with code ${code}`));
    });
  });
  return {
    base: `http://127.0.0.1:${ready.port}`,
    pid: child.pid,
    ask: (command, answer) =>
      new Promise<void>((resolve) => {
        const listen = (message: unknown): void => {
          if ((message as ServerAnswer).kind !== answer) return;
          child.off('message', listen);
          resolve();
        };
        child.on('message', listen);
        child.send(command);
      }),
    async stop() {
      const command: ServerCommand = { kind: 'stop' };
      child.send(command);
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One request: its status, the ids on the page and how long it took. */
async function page(base: string, path: string, cookie: string): Promise<{ ids: string[]; ms: number }> {
  const started = performance.now();
  const response = await fetch(base + path, { headers: { cookie } });
  const body = (await response.json()) as { data?: { id: string }[] };
  const ms = performance.now() - started;
  if (response.status !== 200 || !body.data) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { ids: body.data.map((item) => item.id), ms: Number(ms.toFixed(1)) };
}

interface LegResult {
  database: DatabaseKind;
  documents: number;
  load: LoadReport | { skipped: string; stopsLeg: boolean };
  breakdown: Breakdown[];
  explain: Record<string, string>;
  firstPages: Record<string, { ids: string[]; ms: number }>;
  idsMatch: Record<string, boolean>;
  profile?: ProfileSummary;
}

/** The plans of the list and the search request's statements, named like "list request: list query, RLS on". */
async function explainAll(db: Database, actor: Actor, tag: string, into: Record<string, string>): Promise<void> {
  for (const [statement, plan] of Object.entries(await explainRequest(db, actor, {}, true))) into[`list request: ${statement}, ${tag}`] = plan;
  for (const [statement, plan] of Object.entries(await explainRequest(db, actor, { q: 'smuggling' }, false))) into[`search request: ${statement}, ${tag}`] = plan;
}

const executionTime = (plan: string): string => /Execution Time: ([\d.]+ ms)/.exec(plan)?.[1] ?? '?';

/** Seconds the measurements of one size take after its load, roughly: servers, warm-ups, runs, breakdowns. */
function measuringSeconds(store: Store, flags: Flags): number {
  const runs = store.configs.length * (flags.search ? 2 : 1) + 1 + (flags.profile ? 2 : 0);
  return runs * (flags.duration + flags.warmup + 8) + store.configs.length * 10 + 60;
}

/** A search slower than this for one request is reported, not load-tested: a load of them would run for minutes. */
const SLOW_SEARCH_MS = 5000;

type Session = Awaited<ReturnType<typeof signIn>>;

/**
 * Loads the size, signs in, and measures one request's parts and plans in process, with RLS on
 * and then off. Undefined session when the load was skipped for time.
 */
async function prepareSize(store: Store, size: number, flags: Flags, result: LegResult, deadline: number): Promise<Session | undefined> {
  let db = await store.open(true);
  let session: Session;
  try {
    try {
      // The goals are stated for PostgreSQL, so its loads always run; PGlite's give way to the budget.
      const budget = store.kind === 'postgres' ? Number.POSITIVE_INFINITY : (deadline - Date.now()) / 1000 - measuringSeconds(store, flags);
      result.load = await loadLibrary(db, size, log, budget);
    } catch (error) {
      if (!(error instanceof LoadBudgetExceeded || error instanceof TooManyDocuments)) throw error;
      const why = error instanceof LoadBudgetExceeded ? ` (what is left of --budget ${flags.budgetMinutes} min)` : '';
      log(`  ${error.message}${why}; skipping ${size.toLocaleString('en-US')} documents on ${store.kind}`);
      // A size too long to load stops the leg (larger ones would take longer still); one already passed does not.
      result.load = { skipped: error.message, stopsLeg: error instanceof LoadBudgetExceeded };
      return undefined;
    }
    log(`  loaded in ${result.load.seconds} s; audience mix ${JSON.stringify(result.load.audienceMix)}; search vectors differing from the trigger's: ${result.load.searchMismatches}`);
    session = await signIn(db);
    log('  timing the parts of one request (in process, RLS on)…');
    result.breakdown.push(await breakdown(db, session.actor, session.secret, flags.breakdownIterations, true));
    await explainAll(db, session.actor, 'RLS on', result.explain);
  } finally {
    await db.close();
  }
  await store.settle();
  db = await store.open(false);
  try {
    log('  timing the parts of one request (in process, RLS off)…');
    result.breakdown.push(await breakdown(db, session.actor, session.secret, flags.breakdownIterations, false));
    await explainAll(db, session.actor, 'RLS off', result.explain);
  } finally {
    await db.close();
  }
  for (const [name, plan] of Object.entries(result.explain)) log(`  EXPLAIN ANALYZE ${name}: ${executionTime(plan)}`);
  return session;
}

function describe(measurement: Measurement): string {
  return `${measurement.requestsPerSecond} req/s, p50 ${measurement.p50} ms, p99 ${measurement.p99} ms` +
    `${measurement.non2xx + measurement.errors > 0 ? `, ${measurement.non2xx} non-2xx, ${measurement.errors} errors` : ''}; server process ${measurement.serverCores} cores ` +
    `(${measurement.serverCpuMsPerRequest} ms CPU a request), machine ${Math.round(measurement.machineBusy * 100)}% busy; before: ${Math.round(measurement.backgroundCpu * 100)}%`;
}

/** Starts a server per configuration and drives it: the ceiling (first server only), the list, the search. */
async function loadTest(store: Store, size: number, flags: Flags, session: Session, result: LegResult, rows: Row[], notes: string[]): Promise<void> {
  const baseOptions: LoadOptions = { seconds: flags.duration, connections: flags.connections, warmupSeconds: flags.warmup, headers: { cookie: session.cookie } };
  const add = (config: { pool: number | null; rowLevelSecurity: boolean | null }, route: Row['route'], measurement: Measurement): void => {
    rows.push({ database: store.kind, documents: size, ...config, route, measurement, ofCeiling: Number.NaN, rlsCost: null, rlsLatencyCost: null });
    const label = `${config.pool === null ? '' : `pool ${config.pool}, `}${config.rowLevelSecurity === null ? '' : `RLS ${config.rowLevelSecurity ? 'on' : 'off'}, `}${route}`;
    log(`  ${label}: ${describe(measurement)}`);
  };
  for (const [index, config] of store.configs.entries()) {
    const server = await startServer({ kind: store.kind, location: store.location, rowLevelSecurity: config.rowLevelSecurity, poolSize: config.pool ?? 1 });
    const options = { ...baseOptions, serverPid: server.pid };
    const tag = `${config.pool === null ? '' : `pool ${config.pool}, `}RLS ${config.rowLevelSecurity ? 'on' : 'off'}`;
    try {
      result.firstPages[`list, ${tag}`] = await page(server.base, LIST_PATH, session.cookie);
      if (index === 0) add({ pool: null, rowLevelSecurity: null }, 'ceiling', await measure(server.base, CONSTANT_ROUTE, options));
      // --floors: what a page costs before it reads anything (signed in, its audit row written).
      if (index === 0 && flags.floors) add({ pool: config.pool, rowLevelSecurity: null }, 'floor', await measure(server.base, AUDITED_PAGE_ROUTE, options));
      add(config, 'list', await measure(server.base, LIST_PATH, options));
      if (!flags.search) continue;
      const first = await page(server.base, SEARCH_PATH, session.cookie);
      result.firstPages[`search, ${tag}`] = first;
      if (first.ms > SLOW_SEARCH_MS) {
        const note = `${store.kind}, ${size.toLocaleString('en-US')} documents, ${tag}: one search request took ${(first.ms / 1000).toFixed(1)} s; not load-tested`;
        log(`  ${note}`);
        notes.push(note);
        continue;
      }
      // A search taking seconds would pile up abandoned queries at 20 connections; drive it with one connection per core.
      const slow = first.ms > 1000;
      add(config, 'search', await measure(server.base, SEARCH_PATH, slow ? { ...options, connections: Math.min(options.connections, os.cpus().length), warmupSeconds: 0 } : options));
    } finally {
      await server.stop();
    }
  }
  for (const route of flags.search ? ['list', 'search'] : ['list']) {
    const pages = Object.entries(result.firstPages).filter(([name]) => name.startsWith(route)).map(([, value]) => value.ids.join(','));
    result.idsMatch[route] = pages.length > 1 && pages.every((ids) => ids === pages[0]);
    log(`  first ${route} page, RLS on and off: ${result.idsMatch[route] ? 'the same ids' : 'DIFFERENT ids'} (${pages[0]?.split(',').length ?? 0} items, ${pages.length} servers)`);
  }
}

async function measureSize(store: Store, size: number, flags: Flags, rows: Row[], notes: string[], deadline: number): Promise<LegResult> {
  log(`\n== ${store.kind}, ${size.toLocaleString('en-US')} documents`);
  const result: LegResult = { database: store.kind, documents: size, load: { skipped: '', stopsLeg: false }, breakdown: [], explain: {}, firstPages: {}, idsMatch: {} };
  const session = await prepareSize(store, size, flags, result, deadline);
  if (!session) return result;
  await loadTest(store, size, flags, session, result, rows, notes);
  if (flags.profile) result.profile = await profileList(store, session.cookie, { seconds: flags.duration, connections: flags.connections, warmupSeconds: flags.warmup, headers: {} }, size);
  return result;
}

/** A CPU profile of the server's main thread over one list run (RLS on, first pool size); not counted in the table. */
async function profileList(store: Store, cookie: string, options: LoadOptions, size: number): Promise<ProfileSummary> {
  const path = `${RESULTS}profiles/${store.kind}-${size}-list.cpuprofile`;
  const config = store.configs[0] ?? { pool: 10, rowLevelSecurity: true };
  const server = await startServer({ kind: store.kind, location: store.location, rowLevelSecurity: true, poolSize: config.pool ?? 1 });
  try {
    await measure(server.base, LIST_PATH, { ...options, seconds: options.warmupSeconds || 1, warmupSeconds: 0, headers: { cookie } });
    await waitForQuiet();
    await server.ask({ kind: 'profile-start' }, 'profile-started');
    const measurement = await measure(server.base, LIST_PATH, { ...options, warmupSeconds: 0, headers: { cookie }, serverPid: server.pid, quietPatienceSeconds: 0 });
    await server.ask({ kind: 'profile-stop', path }, 'profile-written');
    log(`  profiled run: ${measurement.requestsPerSecond} req/s, server ${measurement.serverCores} cores, ${measurement.serverCpuMsPerRequest} ms CPU a request`);
  } finally {
    await server.stop();
  }
  const summary = summariseProfile(path);
  log(`  CPU profile of the server's main thread during the run (${summary.seconds} s, ${Math.round(summary.busy * 100)}% busy); share of its busy time by origin:`);
  for (const [origin, share] of summary.byOrigin) log(`    ${(share * 100).toFixed(1).padStart(5)}%  ${origin}`);
  log('  functions with most self time:');
  for (const [name, share] of summary.topFunctions.slice(0, 15)) log(`    ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
  return summary;
}

function breakdownText(legs: LegResult[]): string {
  const lines: string[] = [];
  for (const leg of legs) {
    for (const part of leg.breakdown) {
      lines.push(`${leg.database}, ${leg.documents.toLocaleString('en-US')} documents, RLS ${part.rowLevelSecurity ? 'on' : 'off'} (median / p90 ms over ${part.iterations} requests):`);
      for (const [step, times] of Object.entries(part.steps)) lines.push(`  ${step.padEnd(55)} ${times.median.toFixed(3).padStart(8)} ${times.p90.toFixed(3).padStart(8)}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const started = Date.now();
  mkdirSync(`${RESULTS}profiles`, { recursive: true });
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, load: os.loadavg() };
  log(`Lintas library bench: ${flags.sizes.join(', ')} documents; ${flags.duration} s per measurement, ${flags.connections} connections (autocannon), ${machine.cpus} cores`);
  const rows: Row[] = [];
  const legs: LegResult[] = [];
  const notes: string[] = [];
  for (const kind of flags.only) {
    const store = kind === 'postgres' ? await postgresStore(flags) : pgliteStore(flags);
    if (typeof store === 'string') {
      log(`\n${store}`);
      notes.push(store);
      continue;
    }
    try {
      for (const size of flags.sizes) {
        const leg = await measureSize(store, size, flags, rows, notes, started + flags.budgetMinutes * 60_000);
        legs.push(leg);
        if ('skipped' in leg.load) {
          notes.push(`${kind} ${size}: ${leg.load.skipped}`);
          if (leg.load.stopsLeg) break;
        }
      }
    } finally {
      await store.remove();
    }
  }
  relate(rows);
  const goals = checkGoals(rows);
  log(`\n${table(rows)}`);
  log(`\nGoals (RLS on, list page):\n${goalsText(goals)}`);
  log(`\nWhere one request's time goes, in process without HTTP:\n${breakdownText(legs)}`);
  for (const note of notes) log(`\nNote: ${note}`);
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  log(`\nTook ${minutes} min. Results: bench/results/latest.json; query plans: bench/results/explain-*.txt`);
  for (const leg of legs) {
    const text = Object.entries(leg.explain).map(([name, plan]) => `-- ${name}\n${plan}\n`).join('\n');
    if (text) writeFileSync(`${RESULTS}explain-${leg.database}-${leg.documents}.txt`, text);
  }
  writeFileSync(`${RESULTS}latest.json`, JSON.stringify({ startedAt: new Date(started).toISOString(), minutes: Number(minutes), machine, flags, rows, goals, legs, notes }, null, 2));
}

// `npm run bench -- linkage …` runs the linkage bench instead (bench/linkage.ts, its own flags).
if (process.argv[2] === 'linkage') {
  await import('./linkage.js');
} else if (process.argv[2] === 'faces') {
  // `npm run bench -- faces`: face images to templates (bench/biometrics-faces.ts).
  await import('./biometrics-faces.js');
} else if (process.argv[2] === 'fanout') {
  // `npm run bench -- fanout`: one bulletin to 5,000 subscribers and every member's webhook (bench/fanout.ts).
  await import('./fanout.js');
} else if (process.argv[2] === 'crash') {
  // `npm run bench -- crash`: SIGKILLs under writes of every kind, 50 by default (bench/crash.ts).
  await import('./crash.js');
} else if (process.argv[2] === 'soak') {
  // `npm run bench -- soak`: mixed traffic at half saturation, then overload and recovery (bench/soak.ts).
  await import('./soak.js');
} else if (process.argv[2] === 'serving-login') {
  // `npm run bench -- serving-login`: a transaction on the serving login against one on the owner's (bench/serving-login.ts).
  await import('./serving-login.js');
} else if (process.argv[2] === 'retention') {
  // `npm run bench -- retention`: the retention jobs over a backlog, beside one bare statement (bench/retention.ts).
  await import('./retention.js');
} else if (process.argv[2] === 'vectors') {
  // `npm run bench -- vectors …`: one-to-many vector search (bench/biometrics-search.ts, its own flags).
  await import('./biometrics-search.js');
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
