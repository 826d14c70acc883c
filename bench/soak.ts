/**
 * `npm run bench -- soak`: the real server under mixed traffic for `--minutes` (10; 60 for the full
 * run) at a fixed offered rate of half its saturation, then overload at twice it, then the soak's rate
 * again. See bench/README.md ("Load that holds").
 *
 * 1. The server (bench/soak-server.ts: `startServer` with the demo data, every module's background
 *    work) on PGlite, or on the PostgreSQL server of `--database-url` (a scratch database); with
 *    `--serving-login`, serving requests through a login that is a member of lintas_app only
 *    (DATABASE_APP_URL), made for the run and dropped after.
 * 2. The bare route's ceiling (`/healthz`, closed loop) and each route's saturation alone (closed loop,
 *    `--connections`): library pages, report writes, the reports' analysis, document checks, linkage
 *    writes, bulletin pages.
 * 3. Each route's soak rate: `--load` (0.5) x its saturation / the number of routes, so the mix, all
 *    routes at once, is half of what the server can do. The bare route alone at each of those rates.
 * 4. The soak: every route at its rate at once, open loop (bench/rate.ts: latency from each request's
 *    intended send time, so time spent waiting behind a slow answer counts), the server's memory,
 *    HTTP connections, database queue and (PostgreSQL) connections sampled every `--sample-seconds`.
 *    Every answer must be 2xx.
 * 5. Overload: every route at `--overload` (2) / `--load` times its soak rate for `--overload-seconds`;
 *    503s with Retry-After counted, `/healthz` probed every 100 ms on a connection of its own.
 * 6. Recovery: the soak's rates again for `--recovery-seconds`; the seconds until the p99 of each second
 *    stays within twice the soak's p99 (or 10 ms of it).
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { inputOf } from './linkage-data.js';
import { cpuBusy } from './load.js';
import { Client, offer, percentile, saturate, SampleLog, type Sample, type Target } from './rate.js';
import { servingLogin } from './serving-role.js';
import type { SoakFigures, SoakReady, SoakSpec } from './soak-server.js';

const SERVER = fileURLToPath(new URL('./soak-server.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
/** A database of this run's own: a second soak on the same server must not drop the first's. */
const SCRATCH = `lintas_bench_soak_${process.pid}`;
const SERVING_LOGIN = `lintas_bench_soak_login_${process.pid}`;

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    minutes: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
    load: { type: 'string', default: '0.5' },
    overload: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
    'max-sockets': { type: 'string', default: '256' },
    'probe-seconds': { type: 'string', default: '6' },
    'bare-seconds': { type: 'string', default: '5' },
    'overload-seconds': { type: 'string', default: '60' },
    'recovery-seconds': { type: 'string', default: '60' },
    'sample-seconds': { type: 'string', default: '5' },
    'shed-queue': { type: 'string' },
    'shed-event-loop-ms': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'serving-login': { type: 'boolean', default: false },
  },
  strict: true,
});
const num = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number, got "${String(values[name])}"`);
  return value;
};
const flags = {
  minutes: num('minutes'),
  load: num('load'),
  overload: num('overload'),
  connections: num('connections'),
  maxSockets: num('max-sockets'),
  probeSeconds: num('probe-seconds'),
  bareSeconds: num('bare-seconds'),
  overloadSeconds: num('overload-seconds'),
  recoverySeconds: num('recovery-seconds'),
  sampleSeconds: num('sample-seconds'),
};
const log = (line: string): void => console.log(line);
const ms = (value: number): string => (Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : value.toFixed(0)) : '–');

// The database: PGlite in a folder of its own, or a scratch database on the server.
const serverUrl = values['database-url']?.replace(/\/+$/, '');
const kind = serverUrl ? 'postgres' : 'pglite';
let scratchUrl: string | undefined;
let servingUrl: string | undefined;
let admin: pg.Client | undefined;
if (serverUrl) {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${SCRATCH}`);
  url.pathname = `/${SCRATCH}`;
  scratchUrl = url.toString();
  if (values['serving-login']) {
    servingUrl = await servingLogin(admin, url.toString(), SERVING_LOGIN);
  }
  // A server without autovacuum never analyses the tables the soak grows, nor vacuums what it
  // updates: its plans and scans are not what a production server's would be.
  const autovacuum = (await admin.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum;
  if (autovacuum !== 'on') log(`WARNING: autovacuum is ${autovacuum ?? 'unknown'} on this server (PostgreSQL's default is on): the grown tables are never analysed or vacuumed during the soak`);
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lintas-bench-soak-'));
const env: Record<string, string> = {
  ...(values['shed-queue'] ? { LINTAS_SHED_QUEUE: values['shed-queue'] } : {}),
  ...(values['shed-event-loop-ms'] ? { LINTAS_SHED_EVENT_LOOP_MS: values['shed-event-loop-ms'] } : {}),
  ...(servingUrl ? { DATABASE_APP_URL: servingUrl } : {}),
};
if (values['serving-login'] && !servingUrl) throw new Error('--serving-login is for a PostgreSQL server: give --database-url too');
const spec: SoakSpec = { dataDir, env, ...(scratchUrl ? { databaseUrl: scratchUrl } : {}) };
const startedAt = Date.now();
const child = fork(SERVER, [], { env: { ...process.env, BENCH_SOAK: JSON.stringify(spec), NODE_ENV: 'production' }, execArgv: ['--import', 'tsx', ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`, '--cpu-prof-interval=1000'] : [])] });
const ready = await new Promise<SoakReady>((resolve, reject) => {
  child.once('message', (message) => resolve(message as SoakReady));
  child.once('exit', (code) => reject(new Error(`the server exited (${code ?? 'signal'}) before it was ready`)));
});
const base = new URL(`http://127.0.0.1:${ready.port}`);
log(`soak on ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}${servingUrl ? ' (requests on the serving login)' : ''}: server up with the demo data after ${((Date.now() - startedAt) / 1000).toFixed(0)} s; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

/** The server's figures, asked over IPC. */
function figures(): Promise<SoakFigures> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      const answer = message as { kind?: string; figures?: SoakFigures };
      if (answer.kind === 'figures' && answer.figures) {
        child.off('message', listener);
        resolve(answer.figures);
      }
    };
    child.on('message', listener);
    child.send({ kind: 'figures' });
  });
}
let probeDb: pg.Client | undefined;
if (scratchUrl) {
  probeDb = new pg.Client({ connectionString: scratchUrl });
  await probeDb.connect();
}
/** The app's connections to the scratch database (PostgreSQL), by state, and the longest-running statement at that moment and what it waits on. */
interface DatabaseSample {
  total: number;
  active: number;
  /** Connections waiting on a lock. */
  lockWaits: number;
  longestMs: number;
  longestWait: string | null;
  longestQuery: string | null;
}
async function databaseConnections(): Promise<DatabaseSample | undefined> {
  if (!probeDb) return undefined;
  const { rows } = await probeDb.query<DatabaseSample>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active,
            count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS "lockWaits",
            coalesce(round(max(extract(epoch FROM now() - query_start) * 1000) FILTER (WHERE state = 'active')), 0)::int AS "longestMs",
            (array_agg(wait_event_type || ':' || wait_event ORDER BY query_start) FILTER (WHERE state = 'active'))[1] AS "longestWait",
            (array_agg(left(regexp_replace(query, '\\s+', ' ', 'g'), 100) ORDER BY query_start) FILTER (WHERE state = 'active'))[1] AS "longestQuery"
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [SCRATCH],
  );
  return rows[0];
}

// The bench's own event loop: a stall here sends requests late and in a burst, which is the bench's doing, not the server's.
const benchLoop = monitorEventLoopDelay({ resolution: 10 });
benchLoop.enable();
/** The bench's longest event-loop stall since the last call, in milliseconds. */
function takeBenchStall(): number {
  const stall = benchLoop.count > 0 ? Math.round(benchLoop.max / 1e6 - 10) : 0;
  benchLoop.reset();
  return stall;
}

// The routes of the mix.
const read = { cookie: ready.cookie };
const write = { cookie: ready.cookie, 'x-csrf-token': ready.csrf };
const run = Date.now().toString(36);
/** The reports module's valid report (records.test.ts) as the user's member writes it; a narrative names no one, so it names no number either. */
const reportBody = (): string =>
  JSON.stringify({
    agency: 'Indonesian Coast Guard (Bakamla)',
    when: { from: '2024-03-02', to: '2024-03-03' },
    where: { country: 'IDN', place: 'Off Rote Island', latitude: -10.7, longitude: 123.1, kind: 'at-sea' },
    incidentType: 'smuggling-sea',
    origin: 'AFG',
    destination: 'AUS',
    route: [
      { from: 'AFG', to: 'MYS', mode: 'air', conveyance: 'commercial-flight' },
      { from: 'MYS', to: 'IDN', transit: ['Johor'], mode: 'boat', conveyance: 'speedboat' },
    ],
    people: [
      { citizenship: 'AFG', adultMen: 20, adultWomen: 4, boys: 3, girls: 2, unaccompaniedChildren: 2 },
      { citizenship: 'XXX', unknownSexOrAge: 1 },
    ],
    vulnerabilities: ['unaccompanied-children'],
    outcomes: { intercepted: 30 },
    fee: { amount: 4500.5, currency: 'USD', basis: 'per-person', paymentMethods: ['hawala'] },
    smugglers: { count: 2, citizenships: ['IDN'], roles: ['transporter'] },
    documents: { kinds: ['fraudulent'], issuingCountries: ['PAK'] },
    lawEnforcement: { arrests: 2, charges: 2 },
    source: 'Coast guard patrol',
    narrative: 'Soak bench report: a wooden boat carrying thirty people was intercepted south of Rote.',
    sharing: { audience: { kind: 'all' }, tlp: 'AMBER', evaluation: { source: 'B', information: '2' } },
  });
const leadBody = (i: number): string =>
  JSON.stringify({
    title: `Soak bench lead ${run}-${i}`,
    subject: 'network',
    country: 'IDN',
    // Three values nobody holds, one of a pool of 500 shared by the run's leads (a match now and then).
    entities: [inputOf('phone', 700_000_000 + i), inputOf('email', 700_000_000 + i), inputOf('handle', 700_000_000 + i), inputOf('phone', 800_000_000 + (i % 500))],
    sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' },
  });
const checkBody = (i: number): string => JSON.stringify({ purpose: 'border control (soak bench)', document: { issuer: 'MYS', type: 'passport', number: `S${String(i % 10_000_000).padStart(8, '0')}` } });
const ROUTES: Target[] = [
  { name: 'library page (50)', method: 'GET', path: '/api/v1/library/documents?limit=50', headers: read },
  { name: 'report write', method: 'POST', path: '/api/v1/reports', headers: write, body: reportBody },
  { name: 'reports analysis', method: 'GET', path: '/api/v1/reports/analysis', headers: read },
  { name: 'document check', method: 'POST', path: '/api/v1/documents/checks', headers: write, body: checkBody },
  { name: 'linkage lead write', method: 'POST', path: '/api/v1/linkage/leads', headers: write, body: leadBody },
  { name: 'bulletin page (20)', method: 'GET', path: '/api/v1/bulletins?limit=20', headers: read },
];
const BARE: Target = { name: 'bare route /healthz', method: 'GET', path: '/healthz', headers: {} };

const ok = (status: number): boolean => status >= 200 && status < 300;
interface Latencies {
  requests: number;
  ok: number;
  shed: number;
  shedWithoutRetryAfter: number;
  other: number;
  /** The answers neither 2xx nor 503, by status (0: no answer, a broken connection or the client's 30-second timeout). */
  otherStatuses: Record<string, number>;
  /** The answers not 2xx (503 or other), by minute of the run from the samples' origin. */
  errorsByMinute: Record<string, number>;
  /** The same by second, to set beside the server's samples of those moments. */
  errorsBySecond: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}
/** The largest value (a loop: a soak's samples are too many to spread into Math.max's arguments). */
function maxOf(values: readonly number[]): number {
  let most = Number.NaN;
  for (const value of values) if (!(value <= most)) most = value;
  return most;
}

function count(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** One pass over the samples (an hour's are millions: no filtered copies of them). */
function summarise(samples: Iterable<Sample>): Latencies {
  const good: number[] = [];
  const summary: Latencies = { requests: 0, ok: 0, shed: 0, shedWithoutRetryAfter: 0, other: 0, otherStatuses: {}, errorsByMinute: {}, errorsBySecond: {}, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  for (const sample of samples) {
    summary.requests++;
    if (ok(sample.status)) {
      good.push(sample.latency);
      continue;
    }
    if (sample.status === 503) {
      summary.shed++;
      if (!sample.retryAfter) summary.shedWithoutRetryAfter++;
    } else {
      summary.other++;
      count(summary.otherStatuses, String(sample.status));
    }
    count(summary.errorsByMinute, String(Math.floor(sample.at / 60_000)));
    count(summary.errorsBySecond, String(Math.floor(sample.at / 1000)));
  }
  summary.ok = good.length;
  summary.p50 = percentile(good, 0.5);
  summary.p99 = percentile(good, 0.99);
  summary.max = maxOf(good);
  return summary;
}

// Every route answers before anything is measured.
for (const target of ROUTES) {
  const body = target.body?.(1_000_000_000);
  const answer = await fetch(new URL(target.path, base), { method: target.method, headers: { ...target.headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) });
  if (!ok(answer.status)) throw new Error(`${target.name}: ${answer.status} on the first request: ${await answer.text()}`);
}

// Ceiling and saturation, closed loop.
const saturation: Record<string, { rate: number; p50: number; p99: number; failed: number; busyBefore: number }> = {};
for (const target of [BARE, ...ROUTES]) {
  const busyBefore = await cpuBusy(1000);
  const client = new Client(base, flags.connections);
  await saturate(client, target, flags.connections, Math.min(2, flags.probeSeconds));
  const measured = await saturate(client, target, flags.connections, flags.probeSeconds);
  client.close();
  saturation[target.name] = { rate: measured.rate, p50: measured.p50, p99: measured.p99, failed: measured.failed, busyBefore };
  log(`saturation  ${target.name.padEnd(22)} ${measured.rate.toFixed(0).padStart(6)} req/s  p50 ${ms(measured.p50)} ms  p99 ${ms(measured.p99)} ms  (${measured.failed} failed; machine ${(busyBefore * 100).toFixed(0)}% busy before)`);
}
const soakRate = (target: Target): number => Math.max(1, (flags.load * (saturation[target.name]?.rate ?? 1)) / ROUTES.length);

// The bare route alone at each route's soak rate: the floor of latency at that rate on this machine.
const bare: Record<string, Latencies> = {};
for (const target of ROUTES) {
  const client = new Client(base, flags.maxSockets);
  bare[target.name] = summarise(await offer(client, BARE, soakRate(target), flags.bareSeconds));
  client.close();
}

/** Every route at its rate times `factor`, at once, for `seconds`; samples per route, their times from `origin`. */
async function mix(factor: number, seconds: number, origin: number): Promise<Map<string, SampleLog>> {
  const clients = ROUTES.map(() => new Client(base, flags.maxSockets));
  const results = await Promise.all(ROUTES.map((target, i) => offer(clients[i] as Client, target, soakRate(target) * factor, seconds, origin)));
  for (const client of clients) client.close();
  return new Map(ROUTES.map((target, i) => [target.name, results[i] ?? new SampleLog()]));
}

interface Sampled { second: number; figures: SoakFigures; database?: DatabaseSample | undefined; loadAverage: number; benchStallMs: number }
/** Samples the server every `--sample-seconds` until `stop` is called. */
function sampler(origin: number): { stop(): Promise<Sampled[]> } {
  const taken: Sampled[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      taken.push({ second: Math.round((performance.now() - origin) / 1000), figures: await figures(), database: await databaseConnections(), loadAverage: os.loadavg()[0] ?? 0, benchStallMs: takeBenchStall() });
      const until = performance.now() + flags.sampleSeconds * 1000;
      while (running && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return taken;
    },
  };
}

// The soak.
log(`\nsoak: ${flags.minutes} min, every route at once at ${flags.load} x its saturation / ${ROUTES.length} (${ROUTES.map((target) => `${target.name} ${soakRate(target).toFixed(1)}/s`).join(', ')})`);
await figures(); // the peaks so far are the saturation runs': the soak's samples start from none
takeBenchStall();
const soakOrigin = performance.now();
const soakSampler = sampler(soakOrigin);
const soakSamples = await mix(1, flags.minutes * 60, soakOrigin);
const soakSampled = await soakSampler.stop();
const soak = new Map([...soakSamples].map(([name, samples]) => [name, summarise(samples)]));
const allSoak = summarise(SampleLog.concat(soakSamples.values()));
const shedBefore = (await figures()).shedding.shed;

// Overload, with /healthz probed throughout on a connection of its own.
const factor = flags.overload / flags.load;
log(`overload: ${flags.overloadSeconds} s at ${flags.overload} x saturation (${factor} x the soak's rates), /healthz probed every 100 ms`);
const overloadOrigin = performance.now();
const overloadSampler = sampler(overloadOrigin);
const health: Sample[] = [];
let probing = true;
const healthClient = new Client(base, 1);
const prober = (async () => {
  while (probing) {
    const sent = performance.now();
    const answer = await healthClient.send(BARE);
    health.push({ at: sent - overloadOrigin, latency: performance.now() - sent, status: answer.status, retryAfter: answer.retryAfter });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
const overloadSamples = await mix(factor, flags.overloadSeconds, overloadOrigin);
const overloadSampled = await overloadSampler.stop();

// Recovery: the soak's rates again, straight after.
const recoveryOrigin = performance.now();
const recoverySamples = await mix(1, flags.recoverySeconds, recoveryOrigin);
probing = false;
await prober;
healthClient.close();
const overload = new Map([...overloadSamples].map(([name, samples]) => [name, summarise(samples)]));
const recovery = new Map([...recoverySamples].map(([name, samples]) => [name, summarise(samples)]));
const shedAfter = (await figures()).shedding;

/** Seconds into the recovery after which every second's p99 (all routes) stays within the soak's bound. */
const bound = Math.max(2 * allSoak.p99, allSoak.p99 + 10);
const perSecond: { second: number; p99: number; requests: number; failed: number }[] = [];
const recoveryBySecond = Array.from({ length: flags.recoverySeconds }, () => ({ good: [] as number[], requests: 0 }));
for (const samples of recoverySamples.values()) {
  for (const sample of samples) {
    const bucket = recoveryBySecond[Math.floor(sample.at / 1000)];
    if (!bucket) continue;
    bucket.requests++;
    if (ok(sample.status)) bucket.good.push(sample.latency);
  }
}
for (const [second, { good, requests }] of recoveryBySecond.entries()) perSecond.push({ second, p99: percentile(good, 0.99), requests, failed: requests - good.length });
let recoveredAfter: number | undefined;
for (let second = perSecond.length - 1; second >= 0; second--) {
  const window = perSecond[second];
  if (!window || !(window.p99 <= bound) || window.failed > 0) break;
  recoveredAfter = second;
}

// Report.
log(`\n| route | saturation req/s | soak rate req/s | soak p50 / p99 / max ms | bare route at that rate p50 / p99 ms | soak errors | overload: 2xx / 503 / other | overload 2xx p50 / p99 ms | recovery p50 / p99 ms |`);
log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const target of ROUTES) {
  const s = soak.get(target.name);
  const b = bare[target.name];
  const o = overload.get(target.name);
  const r = recovery.get(target.name);
  if (!s || !b || !o || !r) continue;
  log(
    `| ${target.name} | ${saturation[target.name]?.rate.toFixed(0)} | ${soakRate(target).toFixed(1)} | ${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} | ${ms(b.p50)} / ${ms(b.p99)} | ${s.requests - s.ok} of ${s.requests} | ${o.ok} / ${o.shed} / ${o.other} | ${ms(o.p50)} / ${ms(o.p99)} | ${ms(r.p50)} / ${ms(r.p99)} |`,
  );
}
const memory = soakSampled.map((one) => one.figures);
const first = memory[0];
const last = memory[memory.length - 1];
log(`\nbare route ceiling ${saturation[BARE.name]?.rate.toFixed(0)} req/s. Soak, all routes: ${allSoak.requests} requests, ${allSoak.requests - allSoak.ok} errors, p50 ${ms(allSoak.p50)} ms, p99 ${ms(allSoak.p99)} ms`);
if (allSoak.requests > allSoak.ok) {
  log(`soak errors: ${allSoak.shed} shed (503), others by status ${JSON.stringify(allSoak.otherStatuses)}; by minute of the soak ${JSON.stringify(allSoak.errorsByMinute)}`);
  // What the samples around each second with errors saw: the server's and the bench's longest stalls, the queue, the database.
  for (const [second, count] of Object.entries(allSoak.errorsBySecond)) {
    const at = Number(second);
    const around = soakSampled.filter((one) => one.second >= at - flags.sampleSeconds && one.second <= at + 2 * flags.sampleSeconds);
    log(
      `  second ${at}: ${count} errors; samples ${around
        .map((one) => `[s${one.second} queue ${one.figures.peaks.waiting}, server stall ${one.figures.peaks.eventLoopStallMs} ms (collections ${one.figures.longCollections.map((gc) => `${gc.kind} ${gc.ms}`).join(', ') || 'none'}), bench stall ${one.benchStallMs} ms, heap ${one.figures.heapUsedMb} MB, load ${one.loadAverage.toFixed(1)}${one.database ? `, db active ${one.database.active} lock waits ${one.database.lockWaits} longest ${one.database.longestMs} ms ${one.database.longestWait ?? ''} ${one.database.longestQuery ?? ''}` : ''}]`)
        .join(' ')}`,
    );
  }
}
if (first && last) {
  log(`memory over the soak: RSS ${first.rssMb} -> ${last.rssMb} MB (max ${maxOf(memory.map((m) => m.rssMb))}), heap ${first.heapUsedMb} -> ${last.heapUsedMb} MB (max ${maxOf(memory.map((m) => m.heapUsedMb))}); HTTP connections max ${maxOf(memory.map((m) => m.httpConnections))}; database queue max ${maxOf(memory.map((m) => m.peaks.waiting))} (as requests arrived), event-loop delay max ${maxOf(memory.map((m) => m.peaks.eventLoopDelayMs))} ms (mean over a second), longest stall ${maxOf(memory.map((m) => m.peaks.eventLoopStallMs))} ms, longest collection ${((longest) => (Number.isNaN(longest) ? 'none of 50 ms or more' : `${longest} ms`))(maxOf(memory.flatMap((m) => m.longCollections.map((gc) => gc.ms))))}; the bench's own longest stall ${maxOf(soakSampled.map((one) => one.benchStallMs))} ms`);
}
const dbConnections = soakSampled.map((one) => one.database).filter((one) => one !== undefined);
if (dbConnections.length > 0) log(`database connections over the soak: max ${maxOf(dbConnections.map((c) => c.total))} (active max ${maxOf(dbConnections.map((c) => c.active))})`);
const overloadFigures = overloadSampled.map((one) => one.figures);
const healthOk = health.filter((one) => ok(one.status)).map((one) => one.latency);
log(
  `overload: ${shedAfter.shed - shedBefore} requests shed by the server (${shedAfter.byQueue} for the queue, ${shedAfter.byEventLoop} for the event loop in all), ` +
    `database queue max ${maxOf(overloadFigures.map((m) => m.peaks.waiting))}, HTTP connections max ${maxOf(overloadFigures.map((m) => m.httpConnections))}, RSS max ${maxOf(overloadFigures.map((m) => m.rssMb))} MB, event-loop delay max ${maxOf(overloadFigures.map((m) => m.peaks.eventLoopDelayMs))} ms`,
);
const shedNoRetry = [...overload.values()].reduce((sum, one) => sum + one.shedWithoutRetryAfter, 0);
log(`503s without Retry-After: ${shedNoRetry}`);
log(`/healthz during overload and recovery: ${health.length} probes, ${health.length - healthOk.length} failed, p50 ${ms(percentile(healthOk, 0.5))} ms, p99 ${ms(percentile(healthOk, 0.99))} ms, max ${ms(maxOf(healthOk))} ms`);
log(`recovery: p99 of each second within ${ms(bound)} ms (twice the soak's p99, or 10 ms over it) and no errors from second ${recoveredAfter ?? 'never'} of ${flags.recoverySeconds}; per second: ${perSecond.map((one) => ms(one.p99)).join(' ')}`);
log(`took ${((Date.now() - startedAt) / 60_000).toFixed(1)} min; load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);

mkdirSync(RESULTS, { recursive: true });
writeFileSync(
  `${RESULTS}soak-${kind}.json`,
  JSON.stringify(
    {
      startedAt: new Date(startedAt).toISOString(),
      kind,
      flags,
      saturation,
      rates: Object.fromEntries(ROUTES.map((target) => [target.name, soakRate(target)])),
      bare,
      soak: Object.fromEntries(soak),
      overload: Object.fromEntries(overload),
      recovery: Object.fromEntries(recovery),
      perSecond,
      recoveredAfter,
      health: { probes: health.length, failed: health.length - healthOk.length, p50: percentile(healthOk, 0.5), p99: percentile(healthOk, 0.99), max: maxOf(healthOk) },
      shedding: shedAfter,
      sampled: { soak: soakSampled, overload: overloadSampled },
    },
    null,
    2,
  ),
);

child.disconnect();
await new Promise((resolve) => child.once('exit', resolve));
await probeDb?.end();
if (admin) {
  await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH} WITH (FORCE)`);
  if (servingUrl) await admin.query(`DROP ROLE IF EXISTS ${SERVING_LOGIN}`);
  await admin.end();
}
rmSync(dataDir, { recursive: true, force: true });
