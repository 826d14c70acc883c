/**
 * The server of the soak bench (bench/soak.ts forks it): the real server (`startServer`: migrations,
 * the demo data, the outbox worker, every module's background work) on a database of its own, the
 * rate limit out of the way, load shedding as configured by the environment. It signs in one demo
 * user holding every role the routes need, and answers the parent's requests for its figures (memory,
 * open HTTP connections, the database's queue, what load shedding refused) over IPC.
 */
import { randomBytes } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { createSession } from '../src/platform/auth/sessions.js';
import { loadConfig } from '../src/platform/config.js';
import { sql } from '../src/platform/db/sql.js';
import type { SheddingStats } from '../src/platform/http/shedding.js';
import { startServer } from '../src/server.js';

export interface SoakSpec {
  /** PostgreSQL URL, or absent for PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Extra environment for the configuration (LINTAS_SHED_QUEUE and the like). */
  env: Record<string, string>;
}

export interface SoakReady {
  port: number;
  /** The session of the bench's user and its CSRF token. */
  cookie: string;
  csrf: string;
  member: string;
  pid: number;
}

export interface SoakFigures {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  httpConnections: number;
  shedding: SheddingStats;
  /** Since the figures before: the most transactions seen waiting as a request arrived, the worst second's mean event-loop delay, the longest single stall. */
  peaks: { waiting: number; eventLoopDelayMs: number; eventLoopStallMs: number };
  /** Garbage collections of 50 ms or more since the figures before (a stall that is not one of them is the server's own code). */
  longCollections: { kind: string; ms: number }[];
}

/** V8's garbage-collection kinds (perf_hooks' constants). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/** A demo user with the officer, analyst and liaison roles of a full member (writes reports and leads, checks documents, reads all). */
export const SOAK_USER = 'admin@idn.demo';

async function main(): Promise<void> {
  const raw = process.env.BENCH_SOAK;
  if (!raw || !process.send) throw new Error('bench/soak-server.ts is started by bench/soak.ts');
  const spec = JSON.parse(raw) as SoakSpec;
  const config = {
    ...loadConfig({
      ...spec.env,
      LINTAS_DATA: spec.dataDir,
      ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}),
      LINTAS_DATA_KEY: randomBytes(32).toString('hex'),
      PORT: '0',
      HOST: '127.0.0.1',
    }),
    rateLimitPerMinute: 1_000_000_000,
    logLevel: 'silent',
  };
  const running = await startServer(config, { demo: true, logger: false, quiet: true });
  const signedIn = await running.platform.db.ownerTransaction(async (tx) => {
    const user = await tx.one<{ id: string; member: string }>(sql`SELECT id, member FROM users WHERE email = ${SOAK_USER}`);
    const secret = await createSession(tx, user.id, 'full', '127.0.0.1', 24);
    const row = await tx.one<{ csrf_token: string }>(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE user_id = ${user.id} ORDER BY created_at DESC LIMIT 1`);
    return { cookie: `lintas_session=${secret}`, csrf: row.csrf_token, member: user.member };
  });
  let longCollections: { kind: string; ms: number }[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.duration < 50) continue;
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      longCollections.push({ kind: GC_KINDS[detail?.kind ?? 0] ?? String(detail?.kind), ms: Math.round(entry.duration) });
    }
  }).observe({ entryTypes: ['gc'] });
  const address = running.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const figures = async (): Promise<SoakFigures> => {
    const memory = process.memoryUsage();
    const httpConnections = await new Promise<number>((resolve) => running.app.server.getConnections((error, count) => resolve(error ? -1 : count)));
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    const collections = longCollections;
    longCollections = [];
    return { rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), externalMb: mb(memory.external), httpConnections, shedding: running.app.shedding.stats(), peaks: running.app.shedding.takePeaks(), longCollections: collections };
  };
  process.on('message', (message) => {
    if ((message as { kind?: string }).kind === 'figures') void figures().then((answer) => process.send?.({ kind: 'figures', figures: answer }));
  });
  process.on('disconnect', () => void running.close().then(() => process.exit(0)));
  const ready: SoakReady = { port: address.port, ...signedIn, pid: process.pid };
  process.send(ready);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
