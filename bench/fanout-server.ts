/**
 * The server of the fan-out bench (bench/fanout.ts forks it): the real server (`startServer`: demo
 * directory, outbox worker, every module started) on a database of its own, e-mail to the parent's
 * SMTP server, webhooks allowed to loopback. It adds the audience (users with subscriptions to
 * bulletins, one webhook endpoint per full member), signs in a liaison officer and a reader, and tells
 * the parent its port, the two sessions and what the fan-out should deliver.
 */
import { randomBytes } from 'node:crypto';
import { createSession } from '../src/platform/auth/sessions.js';
import { loadConfig } from '../src/platform/config.js';
import { sql } from '../src/platform/db/sql.js';
import { startServer } from '../src/server.js';

export interface FanoutSpec {
  /** PostgreSQL URL, or absent for PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  smtpPort: number;
  subscribers: number;
}

export interface FanoutReady {
  port: number;
  liaison: { cookie: string; csrf: string };
  reader: { cookie: string };
  /** E-mails and webhook deliveries one bulletin to every full member makes. */
  emails: number;
  webhooks: number;
}

async function main(): Promise<void> {
  const raw = process.env.BENCH_FANOUT;
  if (!raw || !process.send) throw new Error('bench/fanout-server.ts is started by bench/fanout.ts');
  const spec = JSON.parse(raw) as FanoutSpec;
  const config = {
    ...loadConfig({
      LINTAS_DATA: spec.dataDir,
      ...(spec.databaseUrl ? { DATABASE_URL: spec.databaseUrl } : {}),
      LINTAS_DATA_KEY: randomBytes(32).toString('hex'),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(spec.smtpPort),
      // The bench only: the parent's receiver listens on loopback, which the SSRF guard refuses otherwise.
      LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on',
      PORT: '0',
      HOST: '127.0.0.1',
    }),
    rateLimitPerMinute: 1_000_000_000,
    logLevel: 'silent',
  };
  const running = await startServer(config, { demo: true, logger: false, quiet: true });
  const db = running.platform.db;
  const ready = await db.ownerTransaction(async (tx) => {
    const members = (await tx.query<{ code: string }>(sql`SELECT code FROM members WHERE status = 'member' ORDER BY code`)).map((row) => row.code);
    // The subscribers, spread over the full members: each subscribes to every bulletin, e-mail at once.
    await tx.query(sql`INSERT INTO users (member, name, email, roles)
      SELECT (${members}::text[])[1 + i % ${members.length}], 'Subscriber ' || i, 'subscriber' || i || '@fanout.bench', '{officer}'
      FROM generate_series(1, ${spec.subscribers}) AS i`);
    await tx.query(sql`INSERT INTO notification_subscriptions (user_id, module, email) SELECT id, 'bulletins', true FROM users WHERE email LIKE '%@fanout.bench'`);
    const liaison = await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES (${members[0] ?? ''}, 'Bench liaison', 'liaison@fanout.bench.issuer', '{liaison}') RETURNING id`);
    const reader = await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES (${members[1] ?? ''}, 'Bench reader', 'reader@fanout.bench.reader', '{officer}') RETURNING id`);
    const admins = await tx.query<{ id: string; member: string }>(sql`INSERT INTO users (member, name, email, roles)
      SELECT code, 'Bench admin ' || code, 'admin-' || lower(code) || '@fanout.bench.admin', '{member-admin}' FROM unnest(${members}::text[]) AS code RETURNING id, member`);
    const session = async (userId: string) => {
      const secret = await createSession(tx, userId, 'full', '127.0.0.1', 24);
      const row = await tx.one<{ csrf_token: string }>(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE user_id = ${userId} ORDER BY created_at DESC LIMIT 1`);
      return { cookie: `lintas_session=${secret}`, csrf: row.csrf_token };
    };
    return { members, liaison: await session(liaison.id), reader: await session(reader.id), admins: await Promise.all(admins.map(async (admin) => ({ member: admin.member, ...(await session(admin.id)) }))) };
  });
  // One endpoint per full member, through the API (the secret is sealed by the server), at the parent's receiver.
  const receiver = process.env.BENCH_RECEIVER ?? '';
  for (const admin of ready.admins) {
    const response = await running.app.inject({
      method: 'POST', url: '/api/v1/webhooks/endpoints', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { url: `${receiver}/${admin.member}`, kinds: ['bulletin.issued'] },
    });
    if (response.statusCode !== 201) throw new Error(`webhook endpoint for ${admin.member}: ${response.statusCode} ${response.body}`);
  }
  const address = running.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  const answer: FanoutReady = { port: address.port, liaison: ready.liaison, reader: ready.reader, emails: spec.subscribers, webhooks: ready.members.length };
  process.send(answer);
  process.on('disconnect', () => void running.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
