import { seedDemo } from '../src/demo/seed.js';
import type { Database, Tx } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { MODULES } from '../src/modules/index.js';
import { migrationsOf } from '../src/platform/module.js';
import { sql } from '../src/platform/db/sql.js';
import { CATEGORIES } from '../src/modules/library/schemas.js';
import {
  CATEGORY_WEIGHTS, CLAUSES, FOLLOW_UPS, PLACES, SUBJECTS, SUMMARY_LINKS, SUMMARY_OPENINGS, TAGS, THEME_NAMES, THEMES,
  TITLE_OPENINGS, TITLE_PLACES, TOPICS, VERBS,
} from './vocabulary.js';

/** Distinct bodies; each document takes one, so a body's search vector is computed once, not per row. */
const BODY_POOL = 4096;
/** Distinct texts (title, summary, tags, body and their search vector); each document copies one. */
const TEXT_POOL = 65_536;
/** Rows per INSERT … SELECT statement. */
const BATCH = 100_000;
/** Documents are owned by this many members, most of them in at least one sharing group. */
const OWNERS = 50;

export interface LoadReport {
  /** Documents in the library after loading. */
  documents: number;
  /** Documents this run added (0 when the database already held the size asked for). */
  added: number;
  seconds: number;
  phases: Record<string, number>;
  audienceMix: Record<string, number>;
  /** Sampled rows whose search vector differs from what the table's trigger computes (should be 0). */
  searchMismatches: number;
}

type Log = (line: string) => void;

/** Thrown when a kept database (--reuse) already holds more documents than the size asked for. */
export class TooManyDocuments extends Error {
  constructor(held: number, size: number) {
    super(`the database already holds ${held} documents, more than ${size}`);
  }
}

/** Thrown when loading would take longer than the budget; the load is rolled back. */
export class LoadBudgetExceeded extends Error {
  constructor(
    readonly done: number,
    readonly wanted: number,
    readonly elapsedSeconds: number,
    readonly projectedSeconds: number,
  ) {
    super(`loading ${wanted} documents would take about ${Math.round(projectedSeconds)} s (${done} in ${Math.round(elapsedSeconds)} s), over the budget`);
  }
}

/** A small seeded generator (mulberry32), so every run writes the same bodies. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickFrom = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** A body of roughly 150 to 450 words about one main theme, in paragraphs. */
function makeBody(random: () => number): string {
  const theme = pickFrom(random, THEME_NAMES);
  const object = (): string => pickFrom(random, THEMES[random() < 0.97 ? theme : pickFrom(random, THEME_NAMES)]);
  const sentences = 12 + Math.floor(random() * 24);
  const paragraphs: string[] = [];
  let paragraph: string[] = [];
  for (let i = 0; i < sentences; i++) {
    if (random() < 0.2) {
      paragraph.push(pickFrom(random, FOLLOW_UPS).replace('{object}', object()).replace('{place}', pickFrom(random, PLACES)));
    } else {
      const clause = random() < 0.5 ? ` ${pickFrom(random, CLAUSES)}` : '';
      paragraph.push(`${pickFrom(random, SUBJECTS)} ${pickFrom(random, VERBS)} ${object()} ${pickFrom(random, PLACES)}${clause}.`);
    }
    if (paragraph.length >= 4 && random() < 0.3) {
      paragraphs.push(paragraph.join(' '));
      paragraph = [];
    }
  }
  if (paragraph.length > 0) paragraphs.push(paragraph.join(' '));
  return paragraphs.join('\n\n');
}

async function timed<T>(phases: Record<string, number>, name: string, log: Log, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  phases[name] = Number(((performance.now() - started) / 1000).toFixed(2));
  log(`  ${name}: ${phases[name]} s`);
  return result;
}

async function countDocuments(db: Database): Promise<number> {
  const row = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM library_documents`));
  return row.n;
}

/** One author per member that has no user yet, so documents have a plausible created_by. */
async function ensureAuthors(tx: Tx): Promise<void> {
  await tx.query(sql`INSERT INTO users (member, name, email, roles)
    SELECT m.code, 'Bench author ' || m.code, 'author@' || lower(m.code) || '.bench', ARRAY['officer']
    FROM members m WHERE NOT EXISTS (SELECT FROM users u WHERE u.member = m.code)
    ON CONFLICT (email) DO NOTHING`);
}

/** The owners: members in sharing groups first (they write most), then others, up to OWNERS. */
async function makeOwnersTable(tx: Tx): Promise<{ grouped: number; other: number }> {
  await tx.execScript(`
    CREATE TEMP TABLE bench_owners ON COMMIT DROP AS
    WITH m AS (
      SELECT m.code, ARRAY(SELECT gm.group_code FROM group_members gm WHERE gm.member_code = m.code ORDER BY 1) AS groups FROM members m
    ), chosen AS (
      SELECT code, groups, cardinality(groups) > 0 AS grouped FROM m ORDER BY cardinality(groups) > 0 DESC, code LIMIT ${OWNERS}
    )
    SELECT (row_number() OVER (ORDER BY grouped DESC, code) - 1)::int AS i, code, groups, grouped,
      ARRAY(SELECT x.code FROM members x WHERE x.code <> c.code ORDER BY 1) AS others,
      (SELECT u.id FROM users u WHERE u.member = c.code ORDER BY u.email LIMIT 1) AS user_id
    FROM chosen c;
    CREATE UNIQUE INDEX ON bench_owners (i);`);
  const row = await tx.one<{ grouped: number; other: number }>(
    sql`SELECT count(*) FILTER (WHERE grouped)::int AS grouped, count(*) FILTER (WHERE NOT grouped)::int AS other FROM bench_owners`,
  );
  return row;
}

/** The body pool with each body's search vector, weighted as the table's trigger weights the body. */
async function makeBodiesTable(tx: Tx): Promise<void> {
  await tx.execScript('CREATE TEMP TABLE bench_bodies (i int PRIMARY KEY, body text NOT NULL, search tsvector) ON COMMIT DROP');
  const random = generator(20_240_611);
  for (let start = 0; start < BODY_POOL; start += 512) {
    const ids: number[] = [];
    const bodies: string[] = [];
    for (let i = start; i < Math.min(BODY_POOL, start + 512); i++) {
      ids.push(i);
      bodies.push(makeBody(random));
    }
    await tx.query(sql`INSERT INTO bench_bodies (i, body) SELECT * FROM unnest(${ids}::int[], ${bodies}::text[])`);
  }
  await tx.execScript(`UPDATE bench_bodies SET search = setweight(to_tsvector('english', left(body, 900000)), 'C')`);
}

/** A CASE expression choosing by cumulative weights (trusted constants, never input). */
function weighted(draw: string, choices: readonly (readonly [string, number])[]): string {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let cumulative = 0;
  const branches = choices.map(([value, weight]) => {
    cumulative += weight;
    return `WHEN ${draw} < ${(cumulative / total).toFixed(6)} THEN ${value}`;
  });
  return `CASE ${branches.join(' ')} ELSE ${choices[choices.length - 1]?.[0] ?? 'NULL'} END`;
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * The pool of document texts: category, title, summary, tags and body, with the search vector
 * the table's trigger would compute for them. Documents copy a pool entry, so the costly work
 * (the vector, its compression) is done once per entry rather than once per row.
 */
async function makeTextsTable(tx: Tx, entries: number): Promise<void> {
  const categoryIndex = weighted('category_draw', CATEGORY_WEIGHTS.map(([name, weight]) => [String(CATEGORIES.indexOf(name as (typeof CATEGORIES)[number])), weight]));
  const openings = CATEGORIES.flatMap((category) => TITLE_OPENINGS[category] ?? []);
  await tx.query(sql`
    CREATE TEMP TABLE bench_texts ON COMMIT DROP AS
    WITH draws AS MATERIALIZED (
      SELECT i, random() AS category_draw, random() AS count_draw, floor(random() * 2147483647)::int AS pick,
        floor(random() * 2147483647)::int AS pick2, floor(random() * ${BODY_POOL})::int AS body
      FROM generate_series(0, ${entries - 1}::int) AS i
    ), parts AS MATERIALIZED (
      SELECT d.*, ${sql.raw(categoryIndex)} AS category_index FROM draws d
    ), texts AS MATERIALIZED (
      SELECT p.i, p.body, (${[...CATEGORIES]}::text[])[1 + p.category_index] AS category,
        (${openings}::text[])[1 + p.category_index * 4 + p.pick % 4] || ' ' || (${TOPICS}::text[])[1 + (p.pick / 4) % ${TOPICS.length}]
          || ', ' || (${TITLE_PLACES}::text[])[1 + (p.pick / 128) % ${TITLE_PLACES.length}] AS title,
        (${SUMMARY_OPENINGS}::text[])[1 + (p.pick2 % ${SUMMARY_OPENINGS.length})] || ' '
          || (${TOPICS}::text[])[1 + (p.pick2 / 8) % ${TOPICS.length}] || ' '
          || (${SUMMARY_LINKS}::text[])[1 + (p.pick2 / 256) % ${SUMMARY_LINKS.length}] || ' '
          || (${TOPICS}::text[])[1 + (p.pick2 / 2048) % ${TOPICS.length}] || ' ' || (${PLACES}::text[])[1 + (p.pick / 4096) % ${PLACES.length}] || '.' AS summary,
        (ARRAY[t[1 + p.pick2 % ${TAGS.length}], t[1 + (p.pick2 + 3) % ${TAGS.length}], t[1 + (p.pick2 + 8) % ${TAGS.length}],
          t[1 + (p.pick2 + 17) % ${TAGS.length}]])[1 : 1 + floor(p.count_draw * 4)::int] AS tags
      FROM parts p, (SELECT ${TAGS}::text[] AS t) tags_list
    )
    SELECT x.i, x.category, x.title, x.summary, x.tags, b.body,
      setweight(to_tsvector('english', x.title), 'A')
        || setweight(to_tsvector('english', x.summary || ' ' || array_to_string(x.tags, ' ')), 'B') || b.search AS search
    FROM texts x JOIN bench_bodies b ON b.i = x.body`);
  await tx.execScript('CREATE UNIQUE INDEX ON bench_texts (i); ANALYZE bench_texts;');
}

/**
 * Appends documents first…last (1-based) in one set-based statement. Audiences: about 40% all,
 * 30% groups, 20% named members, 10% owner only; groups and named members follow the sharing
 * rule's validation (the owner's own groups; named members other than the owner).
 */
export function insertStatement(first: number, last: number, owners: { grouped: number; other: number }, texts: number) {
  const sharedTlp = weighted('tlp_draw', [[literal('CLEAR'), 15], [literal('GREEN'), 35], [literal('AMBER'), 40], [literal('AMBER+STRICT'), 10]]);
  const namedTlp = weighted('tlp_draw', [[literal('CLEAR'), 5], [literal('GREEN'), 20], [literal('AMBER'), 35], [literal('AMBER+STRICT'), 20], [literal('RED'), 20]]);
  const languages = weighted('language_draw', [["'{en}'", 70], ["'{en,id}'", 10], ["'{th}'", 5], ["'{ms}'", 5], ["'{en,fr}'", 5], ["'{id}'", 5]]);
  const handling = weighted('handling_draw', [["'{}'", 75], ["'{H1}'", 10], ["'{H2}'", 10], ["'{H1,H2}'", 5]]);
  return sql`
    WITH draws AS MATERIALIZED (
      SELECT g, random() AS owner_draw, random() AS audience_draw, random() AS count_draw, random() AS tlp_draw,
        random() AS handling_draw, random() AS evaluation_draw, random() AS language_draw,
        floor(random() * 2147483647)::int AS pick, floor(random() * 7305)::int AS day, floor(random() * ${texts})::int AS text
      FROM generate_series(${first}::int, ${last}::int) AS g
    ), docs AS MATERIALIZED (
      SELECT d.*, o.code AS owner, o.user_id, o.groups, o.others,
        CASE WHEN o.grouped THEN
          CASE WHEN d.audience_draw < 0.30 THEN 'all' WHEN d.audience_draw < 0.73 THEN 'groups' WHEN d.audience_draw < 0.91 THEN 'members' ELSE 'owner' END
        ELSE
          CASE WHEN d.audience_draw < 0.63 THEN 'all' WHEN d.audience_draw < 0.88 THEN 'members' ELSE 'owner' END
        END AS audience_kind,
        CASE WHEN d.g % 50 = 0 THEN NULL ELSE DATE '2005-01-01' + d.day END AS doc_date
      FROM draws d JOIN bench_owners o ON o.i = CASE WHEN d.owner_draw < 0.7 THEN floor(d.owner_draw / 0.7 * ${owners.grouped})::int
        ELSE ${owners.grouped} + floor((d.owner_draw - 0.7) / 0.3 * ${owners.other})::int END
    )
    INSERT INTO library_documents (title, summary, body, category, tags, languages, doc_date, created_by, created_at, updated_at,
      owner, audience_kind, audience_members, audience_groups, tlp, handling, evaluation_source, evaluation_information, search)
    SELECT x.title, x.summary, x.body, x.category, x.tags, ${sql.raw(languages)}::text[], d.doc_date, d.user_id,
      (coalesce(d.doc_date, DATE '2015-06-01') + d.pick % 20)::timestamptz, (coalesce(d.doc_date, DATE '2015-06-01') + d.pick % 20)::timestamptz,
      d.owner, d.audience_kind,
      CASE WHEN d.audience_kind = 'members' THEN ARRAY(SELECT m FROM unnest((ARRAY[
        d.others[1 + d.pick % cardinality(d.others)], d.others[1 + (d.pick + 5) % cardinality(d.others)],
        d.others[1 + (d.pick + 11) % cardinality(d.others)], d.others[1 + (d.pick + 23) % cardinality(d.others)]
      ])[1 : 1 + floor(d.count_draw * 4)::int]) AS m ORDER BY m) ELSE '{}' END,
      CASE WHEN d.audience_kind = 'groups' THEN ARRAY(SELECT DISTINCT m FROM unnest((ARRAY[
        d.groups[1 + d.pick % cardinality(d.groups)], d.groups[1 + (d.pick + 1) % cardinality(d.groups)]
      ])[1 : CASE WHEN d.count_draw < 0.3 THEN 2 ELSE 1 END]) AS m ORDER BY m) ELSE '{}' END,
      CASE WHEN d.audience_kind IN ('all', 'groups') THEN ${sql.raw(sharedTlp)} ELSE ${sql.raw(namedTlp)} END,
      ${sql.raw(handling)}::text[],
      CASE WHEN d.evaluation_draw < 0.3 THEN (ARRAY['A', 'B', 'C', 'X'])[1 + floor(d.evaluation_draw / 0.3 * 4)::int] END,
      CASE WHEN d.evaluation_draw < 0.3 THEN (ARRAY['1', '2', '3', '4'])[1 + (d.pick / 7) % 4] END,
      x.search
    FROM docs d JOIN bench_texts x ON x.i = d.text`;
}

/**
 * Brings the database to `size` library documents: migrates, loads the demo directory and users
 * once, then appends generated documents with set-based SQL in one owner transaction. The
 * secondary indexes are dropped for the load and rebuilt after it (their definitions are read
 * from the catalogue, so they are exactly the migrations'); the search trigger is off for the
 * load because the statement computes the same vector itself (checked on a sample afterwards).
 */
export async function loadLibrary(db: Database, size: number, log: Log, budgetSeconds = Number.POSITIVE_INFINITY): Promise<LoadReport> {
  const phases: Record<string, number> = {};
  const started = performance.now();
  await timed(phases, 'migrate and seed the directory', log, async () => {
    await migrate(db, migrationsOf(MODULES));
    const members = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM members`));
    if (members.n === 0) await seedDemo(db);
  });
  const before = await countDocuments(db);
  if (before > size) throw new TooManyDocuments(before, size);
  const wanted = size - before;
  if (wanted > 0) {
    await db.ownerTransaction(async (tx) => {
      await tx.execScript(`SET LOCAL maintenance_work_mem = '${db.kind === 'postgres' ? '1GB' : '256MB'}'; SELECT setseed(0.4242);`);
      await ensureAuthors(tx);
      const texts = Math.min(TEXT_POOL, Math.max(BODY_POOL, wanted));
      const owners = await timed(phases, `owners and ${texts} texts`, log, async () => {
        const result = await makeOwnersTable(tx);
        await makeBodiesTable(tx);
        await makeTextsTable(tx, texts);
        return result;
      });
      const indexes = await tx.query<{ name: string; definition: string }>(sql`
        SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
        FROM pg_index WHERE indrelid = 'library_documents'::regclass AND NOT indisprimary AND NOT indisunique`);
      // Replica mode turns off the table's triggers for the load: the search trigger (the statement
      // copies the same vector) and the foreign-key checks (owners and authors exist by construction).
      await tx.execScript(`${indexes.map((index) => `DROP INDEX ${index.name};`).join('\n')}
        SET LOCAL session_replication_role = replica;`);
      await timed(phases, `insert ${wanted} documents`, log, async () => {
        const insertStarted = performance.now();
        for (let first = before + 1; first <= size; first += BATCH) {
          const last = Math.min(size, first + BATCH - 1);
          const batchStarted = performance.now();
          await tx.query(insertStatement(first, last, owners, texts));
          const now = performance.now();
          log(`    documents ${first}–${last} in ${((now - batchStarted) / 1000).toFixed(1)} s`);
          const elapsed = (now - started) / 1000;
          const done = last - before;
          // Rebuilding the indexes takes about half as long as inserting the rows; stop early rather than overrun the budget.
          const perRow = (now - insertStarted) / 1000 / done;
          const projected = elapsed + perRow * (wanted - done) + 0.5 * perRow * wanted;
          if (last < size && projected > budgetSeconds) throw new LoadBudgetExceeded(done, wanted, elapsed, projected);
        }
      });
      await tx.execScript('SET LOCAL session_replication_role = DEFAULT;');
      await timed(phases, `rebuild ${indexes.length} indexes`, log, async () => {
        for (const index of indexes) {
          const indexStarted = performance.now();
          await tx.execScript(index.definition);
          log(`    ${index.name} in ${((performance.now() - indexStarted) / 1000).toFixed(1)} s`);
        }
      });
    });
  }
  await timed(phases, 'analyze', log, () => db.ownerTransaction((tx) => tx.execScript('ANALYZE')));
  const audienceMix = await db.ownerTransaction(async (tx) => {
    const rows = await tx.query<{ audience_kind: string; share: number }>(sql`
      SELECT audience_kind, round(100.0 * count(*) / sum(count(*)) OVER (), 1)::float8 AS share FROM library_documents GROUP BY 1 ORDER BY 1`);
    return Object.fromEntries(rows.map((row) => [row.audience_kind, row.share]));
  });
  const searchMismatches = await db.ownerTransaction(async (tx) => {
    const row = await tx.one<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM (SELECT * FROM library_documents ORDER BY id LIMIT 200) d
      WHERE d.search IS DISTINCT FROM setweight(to_tsvector('english', d.title), 'A')
        || setweight(to_tsvector('english', d.summary || ' ' || array_to_string(d.tags, ' ')), 'B')
        || setweight(to_tsvector('english', left(d.body, 900000)), 'C')`);
    return row.n;
  });
  return {
    documents: await countDocuments(db),
    added: wanted,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    phases,
    audienceMix,
    searchMismatches,
  };
}
