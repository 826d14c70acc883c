/**
 * The linkage bench over HTTP: POST /api/v1/linkage/leads with 20 entities, beside the machine's
 * ceiling (a bare GET returning a constant) and the floor of an audited write (the same body, parsed
 * and validated against the lead's schema, authenticated, one transaction writing the lead's audit
 * row, a constant answer), in one run on one server. The server is this file in a child process, so
 * the load generator does not share its event loop. The matcher does not run in it: a lead's answer
 * never waits for it (it runs after commit, in the background).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from '../src/app.js';
import { preparePlatform } from '../src/server.js';
import { digest, newSecret } from '../src/platform/auth/secrets.js';
import { loadConfig } from '../src/platform/config.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { perform } from '../src/platform/http/pipeline.js';
import { LeadCreate } from '../src/modules/linkage/schemas.js';
import { FRESH_BASE, inputOf, pools, random, type Kind } from './linkage-data.js';
import { waitForQuiet } from './load.js';

const SELF = fileURLToPath(import.meta.url);
const CEILING = '/bench/constant';
const FLOOR = '/api/v1/bench/lead-floor';
const LEADS = '/api/v1/linkage/leads';
const WRITER = 'officer@mys.demo';

async function serve(url: string): Promise<void> {
  const db = await PostgresDatabase.open(url, { poolSize: 10 });
  const config = { ...loadConfig({}), rateLimitPerMinute: 1_000_000_000, logLevel: 'silent', databaseUrl: url };
  const platform = await preparePlatform(db, config, { mailer: { configured: false, send: () => Promise.reject(new Error('no mail in the benchmark')) } });
  const app = await build({ platform, logger: false, webRoot: '/nonexistent' });
  app.get(CEILING, { schema: { hide: true } }, () => ({ ok: true }));
  app.post(FLOOR, { schema: { hide: true, body: LeadCreate }, config: { action: 'linkage.write' } }, async (request) =>
    perform(request, async (ctx) => {
      await ctx.audit({ action: 'linkage.lead-create', objectType: 'linkage-lead', objectId: '00000000-0000-7000-8000-000000000000', objectOwner: ctx.actor.member, details: { title: request.body.title, entities: request.body.entities?.length ?? 0 } });
      return { ok: true };
    }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  process.on('message', () => void app.close().then(() => db.close()).then(() => process.exit(0)));
  process.on('disconnect', () => process.exit(0));
  process.send?.({ port: address.port });
}

async function tokenFor(url: string): Promise<string> {
  const db = await PostgresDatabase.open(url, { poolSize: 1 });
  try {
    const secret = newSecret();
    await db.ownerTransaction(async (tx) => {
      const user = await tx.one<{ id: string; roles: string[] }>(sql`SELECT id, roles FROM users WHERE email = ${WRITER}`);
      await tx.query(sql`INSERT INTO lintas_secrets.api_tokens (user_id, name, token_hash, roles, expires_at)
        VALUES (${user.id}, 'linkage bench', ${digest(secret)}, ${user.roles}, now() + interval '1 day')`);
    });
    return secret;
  } finally {
    await db.close();
  }
}

const KINDS: Kind[] = ['phone', 'email', 'handle', 'vehicle', 'iban', 'mmsi'];

/** Lead bodies of 20 entities each: 15 values nobody holds, 4 from the shared pool, a name; the writer's own audience. */
function bodies(records: number, count: number): string[] {
  const next = random(11);
  const { shared } = pools(records);
  return Array.from({ length: count }, (_, i) => {
    const entities = [
      ...Array.from({ length: 15 }, (_, j) => inputOf(KINDS[j % KINDS.length]!, FRESH_BASE + 10_000_000 + i * 20 + j)),
      ...Array.from({ length: 4 }, (_, j) => inputOf(KINDS[j]!, 500_000_000 + Math.floor(next() * shared))),
      inputOf('person', FRESH_BASE + 10_000_000 + i * 20 + 19),
    ];
    return JSON.stringify({ title: `Bench lead ${i}`, subject: 'network', country: 'IDN', entities, sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
  });
}

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  busyBefore: number;
}

async function drive(name: string, base: string, path: string, seconds: number, connections: number, headers: Record<string, string>, list?: string[]): Promise<Measured> {
  let next = 0;
  type CannonOptions = autocannon.Options & { requests?: { method: 'POST'; path: string; setupRequest: (request: { body?: string }) => { body?: string } }[] };
  const options = (duration: number): CannonOptions => ({
    url: base + path,
    connections,
    duration,
    timeout: 30,
    headers: list ? { ...headers, 'content-type': 'application/json' } : headers,
    ...(list
      ? {
          requests: [{
            method: 'POST' as const,
            path,
            setupRequest: (request: { body?: string }) => {
              request.body = list[next++ % list.length];
              return request;
            },
          }],
        }
      : {}),
  });
  await autocannon(options(2));
  const busyBefore = await waitForQuiet(20);
  const result = await autocannon(options(seconds));
  return { name, requestsPerSecond: Math.round(result['2xx'] / result.duration), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, busyBefore: Number(busyBefore.toFixed(2)) };
}

export async function measureHttp(url: string, seconds: number, connections: number, records: number): Promise<Measured[]> {
  const token = await tokenFor(url);
  const headers = { authorization: `Bearer ${token}` };
  const child = fork(SELF, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_LINKAGE_SERVER: url, NODE_ENV: 'production' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  const [ready] = (await Promise.race([once(child, 'message'), exited.then(() => Promise.reject(new Error('the bench server exited')))])) as [{ port: number }];
  const base = `http://127.0.0.1:${ready.port}`;
  try {
    const list = bodies(records, 20_000);
    const probe = await fetch(base + LEADS, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: list[list.length - 1] });
    if (probe.status !== 201) throw new Error(`the probe lead was refused: ${probe.status} ${(await probe.text()).slice(0, 400)}`);
    const rows = [
      await drive('ceiling (bare GET)', base, CEILING, seconds, connections, headers),
      await drive('floor (audited POST of the lead body)', base, FLOOR, seconds, connections, headers, list),
      await drive('POST /linkage/leads, 20 entities', base, LEADS, seconds, connections, headers, list),
    ];
    const ceiling = rows[0]!.requestsPerSecond;
    console.log('\n| measurement | requests/s | of ceiling | p50 ms | p99 ms | non-2xx | errors | machine busy before |\n|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) {
      console.log(`| ${row.name} | ${row.requestsPerSecond.toLocaleString('en')} | ${((row.requestsPerSecond / ceiling) * 100).toFixed(1)}% | ${row.p50} | ${row.p99} | ${row.non2xx} | ${row.errors} | ${row.busyBefore} |`);
    }
    return rows;
  } finally {
    child.send({ kind: 'stop' });
    await exited;
  }
}

if (process.env.BENCH_LINKAGE_SERVER) {
  serve(process.env.BENCH_LINKAGE_SERVER).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
