/**
 * Where one list request's time goes, measured in process without HTTP, one request at a time:
 * the session lookup (when not cached), each statement the library service sends (which documents, and those not kept read by id,
 * a read-only transaction of its own), the JavaScript around it, and the audit rows' group commit. The service runs unchanged; only the database handle is wrapped to time
 * it. Also EXPLAIN ANALYZE of the statements the service sent, as the app sends them.
 */
import { appendAudit } from '../src/platform/audit/writer.js';
import { forgetCachedSessions, loadSession } from '../src/platform/auth/sessions.js';
import type { Actor } from '../src/platform/auth/actor.js';
import { loadConfig } from '../src/platform/config.js';
import { readAs, runAs, type Platform } from '../src/platform/context.js';
import { NotFoundRow, type Database, type Tx } from '../src/platform/db/database.js';
import { sql, type Sql } from '../src/platform/db/sql.js';
import { list } from '../src/modules/library/service.js';
import type { ListQuery } from '../src/modules/library/schemas.js';

export interface StepTimes {
  median: number;
  p90: number;
}

export interface Breakdown {
  rowLevelSecurity: boolean;
  iterations: number;
  /** Milliseconds per step. */
  steps: Record<string, StepTimes>;
}

const REQUEST = { requestId: 'bench-breakdown', address: '127.0.0.1' };

/** What a statement is, by its text: the part of the request it stands for. */
function label(statement: Sql): string {
  const text = statement.compile().text;
  if (text.includes('audit_append')) return 'audit append';
  if (text.includes('d.id = ANY(')) return 'documents read by id (items not kept from earlier requests)';
  if (text.includes('AS version, d.owner')) return 'which documents (ids and row versions of the page)';
  if (text.includes('library_documents')) return 'list query (whole rows)';
  return `other: ${text.replace(/\s+/g, ' ').trim().slice(0, 40)}`;
}

/** A transaction handle that reports each statement and its time. */
function timedTx(tx: Tx, onStatement: (statement: Sql, ms: number) => void): Tx {
  const timed: Tx = {
    readOnly: tx.readOnly,
    async query<Row>(statement: Sql): Promise<Row[]> {
      const started = performance.now();
      try {
        return await tx.query<Row>(statement);
      } finally {
        onStatement(statement, performance.now() - started);
      }
    },
    async one<Row>(statement: Sql): Promise<Row> {
      const row = await timed.maybeOne<Row>(statement);
      if (row === undefined) throw new NotFoundRow();
      return row;
    },
    async maybeOne<Row>(statement: Sql): Promise<Row | undefined> {
      return (await timed.query<Row>(statement))[0];
    },
    execScript: (text) => tx.execScript(text),
    // Audit rows go out with the COMMIT, as in production: timed in "audit append + COMMIT".
    defer: (text) => tx.defer(text),
  };
  return timed;
}

interface Probe {
  begun: number;
  workDone: number;
  statements: { statement: Sql; ms: number }[];
}

/** The database with its application transactions timed: when work starts and ends, and each statement. */
function probed(db: Database, probe: Probe): Database {
  const timedWork =
    <T>(work: (tx: Tx) => Promise<T>) =>
    async (tx: Tx): Promise<T> => {
      probe.begun = performance.now();
      try {
        return await work(timedTx(tx, (statement, ms) => probe.statements.push({ statement, ms })));
      } finally {
        probe.workDone = performance.now();
      }
    };
  return {
    kind: db.kind,
    // The list is a read; transactions are the group commit's, timed as a whole below.
    transaction: (context, work) => db.transaction(context, work),
    read: (context, work) => db.read(context, timedWork(work)),
    ownerTransaction: (work) => db.ownerTransaction(work),
    waiting: () => db.waiting(),
    checkLogins: () => db.checkLogins(),
    close: () => db.close(),
  };
}

function platformFor(db: Database): Platform {
  return { db, config: loadConfig({}), mailer: { configured: false, send: () => Promise.reject(new Error('no mail')) } };
}

function summarise(samples: number[]): StepTimes {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(3));
  return { median: at(0.5), p90: at(0.9) };
}

/** Times the parts of GET /library/documents?limit=50, `iterations` times after a warm-up. */
export async function breakdown(db: Database, actor: Actor, sessionSecret: string, iterations: number, rowLevelSecurity: boolean): Promise<Breakdown> {
  const probe: Probe = { begun: 0, workDone: 0, statements: [] };
  const platform = platformFor(probed(db, probe));
  const samples = new Map<string, number[]>();
  const record = (name: string, ms: number): void => {
    const list = samples.get(name) ?? [];
    list.push(ms);
    samples.set(name, list);
  };
  for (let i = -20; i < iterations; i++) {
    const warm = i >= 0;
    forgetCachedSessions();
    let started = performance.now();
    await loadSession(db, sessionSecret);
    if (warm) record('session lookup (when not cached; cached 5 s)', performance.now() - started);

    started = performance.now();
    await db.read({ member: actor.member }, (tx) => tx.query(sql`SELECT 1`));
    if (warm) record('empty read (BEGIN READ ONLY + context, SELECT 1, COMMIT)', performance.now() - started);

    probe.statements = [];
    started = performance.now();
    await readAs(platform, actor, REQUEST, (ctx) => list(ctx, {}));
    const ended = performance.now();
    if (!warm) continue;
    record('taking a connection', probe.begun - started);
    let inStatements = 0;
    for (const { statement, ms } of probe.statements) {
      record(`${label(statement)} (with its BEGIN, context and COMMIT)`, ms);
      inStatements += ms;
    }
    record('service JavaScript (presenter, audit rows)', probe.workDone - probe.begun - inStatements);
    record('audit rows through the group commit (alone here: a transaction of their own)', ended - probe.workDone);
    record('list request in the service, total', ended - started);
  }
  return {
    rowLevelSecurity,
    iterations,
    steps: Object.fromEntries([...samples].map(([name, values]) => [name, summarise(values)])),
  };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements the library service sends for this query, run in
 * a transaction like the app's (member context set; RLS as the database was opened). With
 * `execute` the request runs first, so its audit append is explained too; without, only the
 * list query is captured and explained (for a search that takes seconds, once is enough).
 */
export async function explainRequest(db: Database, actor: Actor, query: ListQuery, execute: boolean): Promise<Record<string, string>> {
  const statements: Sql[] = [];
  return runAs(platformFor(db), actor, REQUEST, async (ctx) => {
    // Read-only, as a request's reads are: the list then sends what it sends in production.
    const capture: Tx = {
      readOnly: true,
      query: <Row>(statement: Sql): Promise<Row[]> => {
        statements.push(statement);
        return execute ? ctx.tx.query<Row>(statement) : Promise.resolve([]);
      },
      one: () => Promise.reject(new Error('not used by list')),
      maybeOne: () => Promise.reject(new Error('not used by list')),
      execScript: (text) => ctx.tx.execScript(text),
      // The audit append, deferred to the COMMIT in production, is explained like the others.
      defer: (text) => {
        statements.push(sql.raw(text));
      },
    };
    await list({ ...ctx, tx: capture, audit: (...events) => appendAudit(capture, { userId: actor.userId, member: actor.member }, events) }, query);
    const plans: Record<string, string> = {};
    for (const statement of statements) {
      const rows = await ctx.tx.query<{ 'QUERY PLAN': string }>(sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}`);
      plans[label(statement)] = rows.map((row) => row['QUERY PLAN']).join('\n');
    }
    return plans;
  });
}
