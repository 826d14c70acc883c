import { randomBytes } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/platform/http/app.js';
import { build } from '../../src/app.js';
import { MODULES } from '../../src/modules/index.js';
import type { LintasModule } from '../../src/platform/module.js';
import type { Role } from '../../src/platform/auth/roles.js';
import { digest, hashPassword, newSecret } from '../../src/platform/auth/secrets.js';
import { createSession, forgetCachedSessions } from '../../src/platform/auth/sessions.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import type { Platform } from '../../src/platform/context.js';
import type { Database, DatabaseOptions } from '../../src/platform/db/database.js';
import { sql } from '../../src/platform/db/sql.js';
import type { Mailer } from '../../src/platform/notify/mailer.js';
import type { AudienceKind, Tlp } from '../../src/platform/sharing/model.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { DEMO_DATA_KEY, openDemoDatabase } from './demo-template.js';
import { preparePlatform } from '../../src/server.js';
import { dataKeyOf } from '../../src/platform/crypto/keys.js';

export const TEST_PASSWORD = 'correct horse battery staple';
/** The test password's hash under each data key (the pepper is the key's), made once per worker and key. */
const passwordHashes = new Map<string, Promise<string>>();

export interface TestUser {
  id: string;
  email: string;
  member: string;
  roles: Role[];
}

/** A signed-in browser session: the cookie and the CSRF token writes must carry. */
export interface TestSession {
  user: TestUser;
  cookie: string;
  csrf: string;
}

export interface TestContext {
  app: App;
  db: Database;
  platform: Platform;
  database: TestDatabase;
  makeMember(code: string, options?: { status?: 'member' | 'observer'; kind?: 'state' | 'organisation'; name?: string }): Promise<string>;
  makeGroup(code: string, members: string[], options?: { endsOn?: string | null }): Promise<string>;
  makeUser(member: string, roles?: Role[], options?: { email?: string; password?: boolean }): Promise<TestUser>;
  sessionFor(user: TestUser): Promise<TestSession>;
  tokenFor(user: TestUser, roles?: Role[]): Promise<string>;
  makeDocument(owner: string, options?: { title?: string; body?: string; audience?: AudienceKind; members?: string[]; groups?: string[]; tlp?: Tlp; handling?: string[] }): Promise<string>;
  /** Another app on the same database, with one wall of the sharing rule removed (to prove the other alone). */
  variant(walls: { unsafeWithoutSharingCondition?: boolean; unsafeWithoutRowLevelSecurity?: boolean }): Promise<App>;
  /** app.inject with the session's cookie and CSRF header. */
  as(session: TestSession | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let counter = 0;
const unique = (): string => `${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

/** A Lintas app on a fresh database of its own, with factories for what a test needs. */
export async function makeTestApp(options: {
  database?: DatabaseOptions;
  config?: Partial<Config>;
  /** Environment variables the configuration and the modules' settings are read from. */
  env?: Record<string, string>;
  /** The modules the app serves (all of Lintas's by default). */
  modules?: readonly LintasModule[];
  mailer?: Mailer;
  unsafeWithoutSharingCondition?: boolean;
  /** Receives the app's JSON log lines (at level debug) instead of silence. */
  logStream?: { write(line: string): void };
  /** Start from the demo (the run's demo template, seeded once) instead of an empty database. */
  demo?: boolean;
} = {}): Promise<TestContext> {
  const database = options.demo ? await openDemoDatabase(options.database) : await openTestDatabase(options.database);
  const db = database.db;
  // A data key of the test's own, so nothing is written to a data folder (the demo's: it sealed the demo's data).
  const key = options.demo ? DEMO_DATA_KEY : randomBytes(32).toString('hex');
  // Sessions made in a file's beforeAll may be minutes old when a test creates a token or changes roles: an hour's grace (ASVS 3.7.1's own tests set it).
  const config: Config = { ...loadConfig({ LINTAS_DATA_KEY: key, LINTAS_REAUTH_MINUTES: '60', LINTAS_DECISION_MIN_SECONDS: '0', ...options.env }), rateLimitPerMinute: 100_000, ...options.config };
  const modules = options.modules ?? MODULES;
  const platform = await preparePlatform(db, config, {
    modules,
    mailer: options.mailer ?? { configured: false, send: () => Promise.reject(new Error('no mail in this test')) },
    ...(options.unsafeWithoutSharingCondition ? { unsafeWithoutSharingCondition: true } : {}),
  });
  const app = await build({ platform, logger: options.logStream ? { stream: options.logStream } : false, webRoot: '/nonexistent', modules });
  await app.ready();
  const variants: App[] = [];
  const owner = <T>(work: Parameters<Database['ownerTransaction']>[0]) => db.ownerTransaction(work) as Promise<T>;

  const context: TestContext = {
    app,
    db,
    platform,
    database,
    async makeMember(code, memberOptions = {}) {
      await owner(async (tx) =>
        tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${code}, ${memberOptions.name ?? `Member ${code}`},
          ${memberOptions.kind ?? 'state'}, ${memberOptions.status ?? 'member'})`),
      );
      return code;
    },
    async makeGroup(code, members, groupOptions = {}) {
      await owner(async (tx) => {
        await tx.query(sql`INSERT INTO sharing_groups (code, name, ends_on) VALUES (${code}, ${`Group ${code}`}, ${groupOptions.endsOn ?? null})`);
        if (members.length > 0) await tx.query(sql`INSERT INTO group_members (group_code, member_code) SELECT ${code}, unnest(${members}::text[])`);
      });
      forgetCachedSessions();
      return code;
    },
    async makeUser(member, roles = ['officer'], userOptions = {}) {
      // Keyed by a fingerprint of the first generation's key (the pepper): contexts on one database share it.
      const pepper = dataKeyOf(config).hash('test password', Buffer.alloc(0));
      let passwordHash = passwordHashes.get(pepper);
      if (!passwordHash) passwordHashes.set(pepper, (passwordHash = hashPassword(config, TEST_PASSWORD)));
      const email = userOptions.email ?? `user-${unique()}@${member.toLowerCase()}.test`;
      const hash = userOptions.password === false ? null : await passwordHash;
      const row = await owner<{ id: string }>(async (tx) => {
        const added = await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES (${member}, ${`User ${email}`}, ${email}, ${roles}) RETURNING id`);
        await tx.query(sql`UPDATE lintas_secrets.user_secrets SET password_hash = ${hash} WHERE user_id = ${added.id}`);
        return added;
      });
      return { id: row.id, email, member, roles };
    },
    async sessionFor(user) {
      const secret = await db.transaction({ member: user.member, user: user.id }, (tx) => createSession(tx, user.id, 'full', '127.0.0.1', 1));
      const row = await owner<{ csrf_token: string }>((tx) => tx.one(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE id_hash = ${digest(secret)}`));
      return { user, cookie: `lintas_session=${secret}`, csrf: row.csrf_token };
    },
    async tokenFor(user, roles) {
      const secret = newSecret();
      await owner((tx) =>
        tx.query(sql`INSERT INTO lintas_secrets.api_tokens (user_id, name, token_hash, roles, expires_at)
          VALUES (${user.id}, 'test', ${digest(secret)}, ${roles ?? user.roles}, now() + interval '1 day')`),
      );
      return secret;
    },
    async makeDocument(ownerCode, doc = {}) {
      const audience = doc.audience ?? 'owner';
      const row = await owner<{ id: string }>((tx) =>
        tx.one(sql`INSERT INTO library_documents (title, body, category, owner, audience_kind, audience_members, audience_groups, tlp, handling)
          VALUES (${doc.title ?? `Document ${unique()}`}, ${doc.body ?? 'text about smuggling of migrants by sea'}, 'other', ${ownerCode}, ${audience},
            ${audience === 'members' ? doc.members ?? [] : []}, ${audience === 'groups' ? doc.groups ?? [] : []}, ${doc.tlp ?? 'AMBER'}, ${doc.handling ?? []})
          RETURNING id`),
      );
      return row.id;
    },
    async variant(walls) {
      const other = await build({ platform: { ...platform, ...walls }, logger: false, webRoot: '/nonexistent' });
      await other.ready();
      variants.push(other);
      return other;
    },
    as(session, injectOptions) {
      const headers: Record<string, string> = { ...(injectOptions.headers as Record<string, string> | undefined) };
      if (session) {
        headers.cookie = session.cookie;
        headers['x-csrf-token'] = session.csrf;
      }
      return app.inject({ ...injectOptions, headers });
    },
    async close() {
      for (const other of variants) await other.close();
      await app.close();
      // A pooled SMTP mailer keeps its connections open for the next message (a local server waits for them when it stops).
      platform.mailer.close?.();
      await database.close();
    },
  };
  return context;
}

/**
 * Waits, when the clock's current minute has less than `needMs` left, until the next one begins. A test
 * that counts requests exactly against a per-minute limit then makes them within one fixed window, so the
 * sliding count (`SharedCounts`) weighs no earlier window, whose weight falls as the seconds pass.
 */
export async function withinOneMinute(needMs = 20_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 20));
}
