/**
 * `npm run bench -- linkage` (or `npx tsx bench/linkage.ts`): cross-member linkage on PostgreSQL at
 * --records records (1,000,000 by default; the issue asks 10,000,000) holding five entity values each
 * on average, loaded with COPY into the real linkage tables of a scratch database. It measures:
 *
 * - writing one new record of 20 entities: setRecordEntities in the record's transaction, then the
 *   matcher's work for its 20 rows (matchQueued), p50/p95/p99 over --samples records;
 * - re-linking everything from scratch: building the indexes the matcher and the links read, and the
 *   set of exact values held by more than one member (who is to be told), with the matcher's own rate
 *   over a sample of queued rows, extrapolated to every row;
 * - the obvious pairwise self-join on the same rows, materialised, in the same run, as a ratio;
 * - the size of the link structures against the size of the data;
 * - an own record's links read with 0 and --hidden records of other members holding its values that
 *   the reader may not see (their cost should not depend on them: a timing leak otherwise);
 * - over HTTP (bench/linkage-http.ts), POST /linkage/leads with 20 entities beside the ceiling and floor.
 *
 * See bench/README.md for flags and figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedDemo } from '../src/demo/seed.js';
import type { Actor } from '../src/platform/auth/actor.js';
import { loadConfig } from '../src/platform/config.js';
import { runAs, type Platform } from '../src/platform/context.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql, type Sql } from '../src/platform/db/sql.js';
import { MODULES } from '../src/modules/index.js';
import { migrationsOf } from '../src/platform/module.js';
import { viewersOf } from '../src/platform/sharing/viewers.js';
import type { EntityKey } from '../src/modules/linkage/entities/index.js';
import { matchAll, matchQueued } from '../src/modules/linkage/matcher.js';
import { linksOf, setRecordEntities } from '../src/modules/linkage/store.js';
import { checkKeys, commonValue, FRESH_BASE, keyOf, loadEntities, pools, random, sharedValue, type Directory, type Kind } from './linkage-data.js';
import { measureHttp } from './linkage-http.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const DATABASE = 'lintas_bench_linkage';

const PARTS = ['relink', 'self-join', 'matcher', 'writes', 'hidden', 'http'] as const;

function parseFlags() {
  const args = process.argv.slice(2).filter((arg) => arg !== 'linkage');
  const { values } = parseArgs({
    args,
    options: {
      records: { type: 'string', default: '1000000' },
      samples: { type: 'string', default: '200' },
      hidden: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432' },
      reuse: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'matcher-rows': { type: 'string', default: '2000' },
      parts: { type: 'string', default: PARTS.join(',') },
    },
    strict: true,
  });
  const number = (text: string, name: string): number => {
    const value = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number of at least 1, got "${text}"`);
    return value;
  };
  return {
    records: number(values.records, 'records'),
    samples: number(values.samples, 'samples'),
    hidden: number(values.hidden, 'hidden'),
    duration: number(values.duration, 'duration'),
    connections: number(values.connections, 'connections'),
    databaseUrl: values['database-url'].replace(/\/+$/, ''),
    reuse: values.reuse,
    keep: values.keep,
    matcherRows: number(values['matcher-rows'], 'matcher-rows'),
    parts: new Set(values.parts.split(',').map((part) => {
      if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--parts takes some of ${PARTS.join(',')}, got "${part}"`);
      return part;
    })),
  };
}
type Flags = ReturnType<typeof parseFlags>;

const log = (line: string): void => console.log(line);
const seconds = (since: number): number => Number(((performance.now() - since) / 1000).toFixed(1));
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MiB`;
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** p50, p95, p99 and max of a list of milliseconds. */
export function percentiles(ms: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}
const show = (p: ReturnType<typeof percentiles>): string => `p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms, max ${p.max} ms`;

async function prepare(flags: Flags, client: pg.Client, db: PostgresDatabase): Promise<{ directory: Directory; loadSeconds: number | null; indexes: string[] }> {
  await migrate(db, migrationsOf(MODULES));
  const users = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM users`));
  if (users.n === 0) await seedDemo(db, loadConfig({}));
  const members = (await client.query<{ code: string }>(`SELECT code FROM members WHERE status = 'member' ORDER BY code`)).rows.map((row) => row.code);
  const groups = (await client.query<{ code: string }>('SELECT code FROM sharing_groups ORDER BY code')).rows.map((row) => row.code);
  const directory = { members, groups };
  const indexes = (await client.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'linkage_entities'
    AND indexname NOT IN ('linkage_entities_pkey', 'linkage_entities_record_id_kind_key_key')`)).rows.map((row) => row.indexdef);
  const have = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM linkage_entities')).rows[0]!.n);
  if (flags.reuse && have > 0) return { directory, loadSeconds: null, indexes };
  log(`  loading ${flags.records.toLocaleString('en')} records with COPY (${members.length} owners, ${groups.length} groups; the matcher's indexes dropped)…`);
  const started = performance.now();
  const loaded = await loadEntities(client, flags.records, directory);
  const loadSeconds = seconds(started);
  log(`  loaded ${loaded.rows.toLocaleString('en')} entity rows in ${loadSeconds} s (${Math.round(loaded.rows / loadSeconds).toLocaleString('en')} rows/s)`);
  return { directory, loadSeconds, indexes: loaded.indexes };
}

/** Re-linking from scratch: every index the matcher and the links read, built again, then who is to be told. */
async function relink(client: pg.Client, indexes: readonly string[]): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  await client.query(`SET maintenance_work_mem = '1GB'`);
  for (const definition of indexes) {
    const name = /INDEX (\S+) ON/.exec(definition)?.[1] ?? definition;
    await client.query(`DROP INDEX IF EXISTS ${name}`);
    const started = performance.now();
    await client.query(definition);
    timings[`index ${name}`] = seconds(started);
    log(`    ${name}: ${timings[`index ${name}`]} s`);
  }
  let started = performance.now();
  await client.query('VACUUM (ANALYZE) linkage_entities');
  timings.vacuumAnalyse = seconds(started);
  // Every pair of similar names, both ways, with the other row's access fields (migration 0033):
  // what reads of name links probe instead of the trigram indexes. The pairs' indexes are built after.
  const pairIndexes = (await client.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes
    WHERE tablename = 'linkage_name_pairs' AND indexname <> 'linkage_name_pairs_pkey'`)).rows;
  for (const index of pairIndexes) await client.query(`DROP INDEX ${index.indexname}`);
  started = performance.now();
  const stored = await client.query<{ n: string }>(`SELECT linkage_rebuild_name_pairs(0.6) AS n`);
  timings.namePairs = seconds(started);
  timings.namePairRows = Number(stored.rows[0]!.n);
  started = performance.now();
  for (const index of pairIndexes) await client.query(index.indexdef);
  await client.query('ANALYZE linkage_name_pairs');
  timings.namePairIndexes = seconds(started);
  log(`    name pairs: ${timings.namePairRows.toLocaleString('en')} in ${timings.namePairs} s, their indexes ${timings.namePairIndexes} s`);
  started = performance.now();
  const groups = await client.query<{ values: string; holders: string }>(`SELECT count(*) AS values, sum(holders) AS holders FROM (
      SELECT kind, key, count(*) AS holders FROM linkage_entities WHERE kind <> 'person' GROUP BY kind, key HAVING count(DISTINCT owner) > 1) g`);
  timings.exactGroups = seconds(started);
  log(`    exact values held by more than one member: ${Number(groups.rows[0]!.values).toLocaleString('en')} (${Number(groups.rows[0]!.holders).toLocaleString('en')} rows) in ${timings.exactGroups} s`);
  return timings;
}

/** The baseline: every pair of records sharing a key, materialised. */
async function selfJoin(client: pg.Client): Promise<{ seconds: number; pairs: number; bytes: number }> {
  await client.query('DROP TABLE IF EXISTS bench_linkage_pairs');
  const started = performance.now();
  await client.query(`CREATE TABLE bench_linkage_pairs AS SELECT a.record_id AS a, b.record_id AS b
    FROM linkage_entities a JOIN linkage_entities b USING (kind, key) WHERE a.record_id <> b.record_id`);
  const took = seconds(started);
  const { rows } = await client.query<{ pairs: string; bytes: string }>(`SELECT (SELECT count(*) FROM bench_linkage_pairs) AS pairs, pg_total_relation_size('bench_linkage_pairs') AS bytes`);
  await client.query('DROP TABLE bench_linkage_pairs');
  return { seconds: took, pairs: Number(rows[0]!.pairs), bytes: Number(rows[0]!.bytes) };
}

async function sizes(client: pg.Client): Promise<{ name: string; bytes: number }[]> {
  const { rows } = await client.query<{ name: string; bytes: string }>(`
    SELECT 'raw values (kind, key, record id)' AS name, sum(octet_length(kind) + octet_length(key) + 16) AS bytes FROM linkage_entities
    UNION ALL SELECT 'linkage_entities (table)', pg_relation_size('linkage_entities')
    UNION ALL SELECT 'linkage_notices (all)', pg_total_relation_size('linkage_notices')
    UNION ALL SELECT 'linkage_name_pairs (table)', pg_relation_size('linkage_name_pairs')
    UNION ALL SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) FROM pg_index i
      WHERE i.indrelid IN ('linkage_entities'::regclass, 'linkage_name_pairs'::regclass)`);
  return rows.map((row) => ({ name: row.name, bytes: Number(row.bytes) }));
}

async function actorFor(platform: Platform, member: string): Promise<Actor> {
  const viewer = (await platform.db.ownerTransaction((tx) => viewersOf(tx, [member]))).get(member);
  if (!viewer) throw new Error(`no member ${member}`);
  return { userId: '', name: 'linkage bench', email: '', roles: ['officer'], via: 'token', ...viewer };
}
const request = { requestId: 'linkage-bench', address: '127.0.0.1' };
const KINDS: Kind[] = ['phone', 'email', 'handle', 'vehicle', 'iban', 'mmsi', 'person'];

/** Sample i's 20 keys: 14 values nobody holds, 4 from the shared pool, 1 common value, and a name. */
export function sampleKeys(i: number, records: number, next: () => number): EntityKey[] {
  const { shared, common } = pools(records);
  const keys: EntityKey[] = [];
  for (let j = 0; j < 14; j++) keys.push(keyOf(KINDS[j % 6]!, FRESH_BASE + i * 20 + j));
  for (let j = 0; j < 4; j++) keys.push(sharedValue(KINDS[j]!, Math.floor(next() * shared)));
  keys.push(commonValue('phone', Math.floor(next() * common)));
  keys.push(keyOf('person', FRESH_BASE + i * 20 + 19));
  return keys;
}

/** Writes --samples records of 20 entities one at a time, each matched before the next. */
async function writes(flags: Flags, platform: Platform, directory: Directory) {
  await platform.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM linkage_queue`));
  const next = random(7);
  const write: number[] = [];
  const match: number[] = [];
  const total: number[] = [];
  const actors = await Promise.all(directory.members.slice(0, 10).map((member) => actorFor(platform, member)));
  let notices = 0;
  for (let i = -10; i < flags.samples; i++) {
    const actor = actors[(i + 10) % actors.length]!;
    const keys = sampleKeys(i + 10 + flags.samples * 3, flags.records, next);
    const access = { owner: actor.member, audience_kind: 'owner' as const, audience_members: [], audience_groups: [], tlp: 'AMBER' as const, handling: [] };
    const started = performance.now();
    await runAs(platform, actor, request, (ctx) => setRecordEntities(ctx.tx, [{ record: { module: 'linkage', recordType: 'lead', id: randomUUID() }, access, namedInHits: true, keys }]));
    const written = performance.now();
    const result = await matchQueued(platform, 20);
    const matched = performance.now();
    if (result.entities !== keys.length) throw new Error(`the matcher took ${result.entities} rows, not ${keys.length}`);
    if (i < 0) continue; // warm-up
    notices += result.notices;
    write.push(written - started);
    match.push(matched - written);
    total.push(matched - started);
  }
  return { write: percentiles(write), match: percentiles(match), total: percentiles(total), notices };
}

/** The matcher's rate over rows already stored: --samples × 20 random rows queued and matched. */
async function matcherRate(flags: Flags, platform: Platform, rows: number): Promise<{ rows: number; seconds: number; perSecond: number; extrapolatedHours: number }> {
  const n = Math.min(rows, flags.matcherRows);
  await platform.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO linkage_queue (entity_id)
    SELECT id FROM linkage_entities TABLESAMPLE SYSTEM (${Math.min(100, (n * 300) / rows)}) LIMIT ${n} ON CONFLICT DO NOTHING`));
  const started = performance.now();
  const result = await matchAll(platform);
  const took = (performance.now() - started) / 1000;
  return { rows: result.entities, seconds: Number(took.toFixed(1)), perSecond: Math.round(result.entities / took), extrapolatedHours: Number((rows / (result.entities / took) / 3600).toFixed(2)) };
}

/** An own record's links read with `hidden` records of other members (owner only) holding each of its values. */
async function hiddenLeak(flags: Flags, platform: Platform, directory: Directory, person: boolean) {
  const reader = directory.members[0]!;
  const others = directory.members.filter((member) => member !== reader);
  const actor = await actorFor(platform, reader);
  const id = randomUUID();
  const base = FRESH_BASE + 40_000_000 + (person ? 1_000 : 0);
  const keys: EntityKey[] = person ? [keyOf('person', base)] : Array.from({ length: 20 }, (_, j) => keyOf(KINDS[j % 6]!, base + j));
  const access = { owner: reader, audience_kind: 'owner' as const, audience_members: [], audience_groups: [], tlp: 'AMBER' as const, handling: [] };
  await runAs(platform, actor, request, (ctx) => setRecordEntities(ctx.tx, [{ record: { module: 'linkage', recordType: 'lead', id }, access, namedInHits: true, keys }]));
  const threshold = 0.6;
  // The matcher's step for names (its notices are not what is measured here): the pairs of the
  // given rows with every similar name, stored both ways.
  const storePairs = (where: Sql) => platform.db.ownerTransaction((tx) => tx.query(sql`
    SELECT linkage_store_name_pairs(ARRAY(SELECT e.id FROM linkage_entities e WHERE e.kind = 'person' AND ${where}), ${threshold}::real)`));
  await storePairs(sql`e.record_id = ${id}`);
  const time = async (): Promise<{ p: ReturnType<typeof percentiles>; links: number }> => {
    const ms: number[] = [];
    let links = 0;
    for (let i = -20; i < flags.samples; i++) {
      const started = performance.now();
      const found = await runAs(platform, actor, request, (ctx) => linksOf(ctx, { module: 'linkage', recordType: 'lead', id }, threshold));
      if (i >= 0) ms.push(performance.now() - started);
      links = found.length;
    }
    return { p: percentiles(ms), links };
  };
  const before = await time();
  // Hidden holders: other members' records holding the same values (a name written the same way),
  // a third their owner's alone, a third shared by name with another member, a third with a group
  // the reader is not in.
  const outside = await platform.db.ownerTransaction((tx) => tx.maybeOne<{ code: string }>(sql`SELECT g.code FROM sharing_groups g
    WHERE NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_code = g.code AND gm.member_code = ${reader}) ORDER BY g.code LIMIT 1`));
  await platform.db.ownerTransaction((tx) => tx.query(sql`
    INSERT INTO linkage_entities (module, record_type, record_id, kind, key, skeleton, birth_year, owner, audience_kind, audience_members, audience_groups)
    SELECT 'linkage', 'lead', ('b0000000-0000-7000-8000-' || lpad(to_hex(h), 12, '0'))::uuid, k.kind, k.key, k.skeleton, k.birth_year, (${others}::text[])[1 + h % ${others.length}],
      CASE WHEN h % 3 = 1 THEN 'members' WHEN h % 3 = 2 AND ${outside?.code ?? null}::text IS NOT NULL THEN 'groups' ELSE 'owner' END,
      CASE WHEN h % 3 = 1 THEN ARRAY[(${others}::text[])[1 + (h + 1) % ${others.length}]] ELSE '{}' END,
      CASE WHEN h % 3 = 2 AND ${outside?.code ?? null}::text IS NOT NULL THEN ARRAY[${outside?.code ?? null}::text] ELSE '{}' END
    FROM generate_series(1, ${flags.hidden}) h,
      unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.key)}::text[], ${keys.map((k) => (k.kind === 'person' ? k.person.skeleton : null))}::text[],
        ${keys.map((k) => (k.kind === 'person' ? k.person.birthYear : null))}::int[]) AS k (kind, key, skeleton, birth_year)`));
  await platform.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM linkage_queue`));
  const pairsStarted = performance.now();
  if (person) await storePairs(sql`e.record_id::text LIKE 'b0000000-%'`);
  const pairSeconds = seconds(pairsStarted);
  await platform.db.ownerTransaction((tx) => tx.query(sql`ANALYZE linkage_entities`));
  await platform.db.ownerTransaction((tx) => tx.query(sql`ANALYZE linkage_name_pairs`));
  const pairs = await platform.db.ownerTransaction((tx) => tx.one<{ mine: number; all: number }>(sql`
    SELECT (SELECT count(*)::int FROM linkage_name_pairs p JOIN linkage_entities e ON e.id = p.entity_id WHERE e.record_id = ${id}) AS mine,
      (SELECT count(*)::int FROM linkage_name_pairs) AS all`));
  const after = await time();
  await platform.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM linkage_entities WHERE record_id = ${id} OR record_id::text LIKE 'b0000000-%'`));
  return { values: keys.length, hidden: flags.hidden, before: before.p, after: after.p, linksBefore: before.links, linksAfter: after.links, pairs, pairSeconds };
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const runStarted = performance.now();
  log(`linkage bench: ${flags.records.toLocaleString('en')} records, load average ${loadavg()}`);
  checkKeys();
  const admin = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres` });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1;
  if (exists && !flags.reuse) await admin.query(`DROP DATABASE ${DATABASE} WITH (FORCE)`);
  if (!exists || !flags.reuse) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = `${flags.databaseUrl}/${DATABASE}`;
  const db = await PostgresDatabase.open(url, { poolSize: 4 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const results: Record<string, unknown> = { flags };
  try {
    const { directory, loadSeconds, indexes } = await prepare(flags, client, db);
    results.loadSeconds = loadSeconds;
    const rows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM linkage_entities')).rows[0]!.n);
    let relinkSeconds = Number.NaN;
    if (flags.parts.has('relink') || loadSeconds !== null) {
      log(`\nre-linking from scratch (${rows.toLocaleString('en')} entity rows): the indexes, then who is to be told…`);
      const relinkStarted = performance.now();
      const timings = await relink(client, indexes);
      relinkSeconds = seconds(relinkStarted);
      results.relink = { seconds: relinkSeconds, timings };
      log(`  re-link (indexes and exact groups): ${relinkSeconds} s`);
    }
    if (flags.parts.has('self-join')) {
      log('\nthe pairwise self-join baseline, materialised…');
      const baseline = await selfJoin(client);
      results.selfJoin = baseline;
      log(`  self-join: ${baseline.pairs.toLocaleString('en')} pairs, ${mib(baseline.bytes)}, in ${baseline.seconds} s; re-link / self-join = ${(relinkSeconds / baseline.seconds).toFixed(2)}×`);
    }
    const measuredSizes = await sizes(client);
    results.sizes = measuredSizes;
    log('\n| structure | size |\n|---|---:|');
    for (const size of measuredSizes) log(`| ${size.name} | ${mib(size.bytes)} |`);

    const platform: Platform = { db, config: loadConfig({}), mailer: { configured: false, send: () => Promise.reject(new Error('no mail in the benchmark')) } };
    if (flags.parts.has('matcher')) {
      log(`\nthe matcher's rate over stored rows (${flags.matcherRows.toLocaleString('en')} queued)…`);
      const rate = await matcherRate(flags, platform, rows);
      results.matcherRate = rate;
      log(`  ${rate.rows.toLocaleString('en')} rows in ${rate.seconds} s = ${rate.perSecond.toLocaleString('en')} rows/s; every row again would take ${rate.extrapolatedHours} h`);
    }
    if (flags.parts.has('writes')) {
      log(`\nwriting ${flags.samples} records of 20 entities, each matched before the next…`);
      const written = await writes(flags, platform, directory);
      results.writes = written;
      log(`  setRecordEntities: ${show(written.write)}\n  matcher for its 20 rows: ${show(written.match)}\n  both: ${show(written.total)} (goal p95 ≤ 10 ms: ${written.total.p95 <= 10 ? 'met' : 'NOT met'}); ${written.notices} notices`);
    }
    for (const person of flags.parts.has('hidden') ? [false, true] : []) {
      log(`\nan own record's links with 0 and ${flags.hidden.toLocaleString('en')} hidden holders of ${person ? 'its name' : 'each of its 20 values'}…`);
      const leak = await hiddenLeak(flags, platform, directory, person);
      results[person ? 'hiddenName' : 'hiddenExact'] = leak;
      log(`  hidden 0: ${show(leak.before)} (${leak.linksBefore} links)\n  hidden ${leak.hidden.toLocaleString('en')}: ${show(leak.after)} (${leak.linksAfter} links)`);
      if (person) log(`  name pairs stored for the hidden rows in ${leak.pairSeconds} s: ${leak.pairs.mine.toLocaleString('en')} of the read record's, ${leak.pairs.all.toLocaleString('en')} in all`);
    }
    if (flags.parts.has('http')) results.http = await measureHttp(url, flags.duration, flags.connections, flags.records);
  } finally {
    await client.end();
    await db.close();
  }
  results.runSeconds = seconds(runStarted);
  log(`\nthe run took ${seconds(runStarted)} s; load average ${loadavg()}`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}/linkage-latest.json`, JSON.stringify({ ...results, at: new Date().toISOString() }, null, 2));
  if (!flags.keep) {
    const drop = new pg.Client({ connectionString: `${flags.databaseUrl}/postgres` });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await drop.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
