import type { Database, Tx } from '../db/database.js';
import { listen, Reconnected, type Listener } from '../db/listen.js';
import { sql, type Sql } from '../db/sql.js';
import type { Actor } from './actor.js';
import type { Role } from './roles.js';
import { digest, newSecret } from './secrets.js';
import { groupColumns } from '../sharing/viewers.js';

export const SESSION_COOKIE = 'lintas_session';
/** ASVS 3.4.4: a Secure cookie takes the `__Host-` prefix, so it is host-only, for path /, and sent only over https. */
export const SECURE_SESSION_COOKIE = '__Host-lintas_session';

/** The session cookie's name: with the `__Host-` prefix when cookies are Secure (https), plain over http. */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
export type SessionStage = 'totp' | 'enrol' | 'full';

export interface SessionState {
  idHash: Buffer;
  userId: string;
  stage: SessionStage;
  actor: Actor;
}

interface ActorRow {
  id: string;
  member: string;
  name: string;
  email: string;
  roles: Role[];
  status: 'member' | 'observer';
  groups: string[];
  ended_groups: string[];
}

const actorColumns = sql`u.id, u.member, u.name, u.email, u.roles, m.status, ${groupColumns(sql`u.member`)}`;

function toActor(row: ActorRow, via: Actor['via'], roles: Role[], csrfToken?: string): Actor {
  return {
    userId: row.id,
    member: row.member,
    fullMember: row.status === 'member',
    groups: row.groups,
    endedGroups: row.ended_groups,
    name: row.name,
    email: row.email,
    roles,
    via,
    ...(csrfToken ? { csrfToken } : {}),
  };
}

/**
 * Sessions and tokens are looked up once and kept for a few seconds (LINTAS_SESSION_CACHE_SECONDS),
 * so a burst of requests does not each pay a query. A change to what a session or token stands for
 * (sign-out, revocation, password, roles, disabled, member standing, groups) calls
 * `sessionsChanged` in its transaction: this process forgets at once, and every server process on
 * the same PostgreSQL forgets once the change commits (`listenForSessionChanges`). PGlite has one
 * process, whose transactions take turns, so forgetting in the transaction is enough there.
 */
const DEFAULT_CACHE_SECONDS = 5;
const cache = new Map<string, { at: number; value: SessionState | Actor | null }>();
/** Bumped by every forgetting, so a lookup that raced with a change does not keep what it read. */
let generation = 0;
/** Listeners that lost their connection: while any has, a change elsewhere could go unheard, so nothing is kept. */
let deafListeners = 0;

export const SESSIONS_CHANNEL = 'lintas_sessions';

export function forgetCachedSessions(): void {
  generation++;
  cache.clear();
}

/**
 * Says, in the transaction that makes the change, that sessions ended or that what a session's or
 * token's actor is changed: every server process forgets its cached sessions and tokens.
 */
export async function sessionsChanged(tx: Tx): Promise<void> {
  await tx.query(sql`SELECT pg_notify(${SESSIONS_CHANNEL}, '')`);
  forgetCachedSessions();
}

/**
 * Hears the changes other processes announce (a PostgreSQL server only): each notification, sent
 * when the change commits, empties this process's cache. While the connection is lost nothing is
 * cached, and all is forgotten when it is back.
 */
export async function listenForSessionChanges(connectionString: string): Promise<Listener> {
  let deaf = false;
  const listener = await listen(connectionString, SESSIONS_CHANNEL, forgetCachedSessions, (reason) => {
    forgetCachedSessions();
    const nowDeaf = !(reason instanceof Reconnected);
    if (nowDeaf !== deaf) deafListeners += nowDeaf ? 1 : -1;
    deaf = nowDeaf;
  });
  return {
    async close() {
      await listener.close();
      if (deaf) deafListeners--;
      deaf = false;
    },
  };
}

async function cached<T extends SessionState | Actor>(key: string, seconds: number, load: () => Promise<T | null>): Promise<T | null> {
  const keep = seconds > 0 && deafListeners === 0;
  const hit = keep ? cache.get(key) : undefined;
  if (hit && Date.now() - hit.at < seconds * 1000) return hit.value as T | null;
  const started = generation;
  const value = await load();
  if (!keep || started !== generation) return value;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}

/**
 * Opens a session for a user, who must be the transaction's (its context's `user`): sessions live in
 * the schema the application role cannot read, reached only through the definer functions of 0044.
 */
export async function createSession(tx: Tx, userId: string, stage: SessionStage, address: string, hours: number): Promise<string> {
  const secret = newSecret();
  await tx.query(sql`SELECT auth_session_open(${userId}::uuid, ${digest(secret)}, ${newSecret(24)}, ${stage}, ${address}, ${hours}::int)`);
  return secret;
}

/**
 * Ends a session and opens a new one for its user at `stage`: a session that gains privilege gets
 * a new id, so a cookie planted or seen before the second factor is worth nothing after it.
 */
export async function replaceSession(tx: Tx, session: SessionState, stage: SessionStage, address: string, hours: number): Promise<string> {
  await endSession(tx, session.idHash);
  return createSession(tx, session.userId, stage, address, hours);
}

/** Ends a session of the transaction's user. */
export async function endSession(tx: Tx, idHash: Buffer): Promise<void> {
  await tx.query(sql`SELECT auth_session_end(${idHash})`);
  await sessionsChanged(tx);
}

/**
 * The session behind a cookie value, if it is live and its user is enabled. A session unused for more
 * than `idleMinutes` (0: no limit) is not live; its use is recorded at most once a minute (auth_session).
 */
export function loadSession(db: Database, secret: string, cacheSeconds = DEFAULT_CACHE_SECONDS, idleMinutes = 0): Promise<SessionState | null> {
  const idHash = digest(secret);
  return cached(`s:${idHash.toString('hex')}`, cacheSeconds, () =>
    db.transaction({ member: null }, async (tx) => {
      const row = await tx.maybeOne<ActorRow & { stage: SessionStage; csrf_token: string }>(sql`
        SELECT ${actorColumns}, s.stage, s.csrf_token
        FROM auth_session(${idHash}, ${idleMinutes}::int) s JOIN users u ON u.id = s.user_id JOIN members m ON m.code = u.member
        WHERE NOT u.disabled`);
      if (!row) return null;
      return { idHash, userId: row.id, stage: row.stage, actor: toActor(row, 'session', row.roles, row.csrf_token) };
    }),
  );
}

/** The actor behind an API token, if it is live: its roles are the token's scope within the user's. */
export function loadTokenActor(db: Database, secret: string, cacheSeconds = DEFAULT_CACHE_SECONDS): Promise<Actor | null> {
  const tokenHash = digest(secret);
  return cached(`t:${tokenHash.toString('hex')}`, cacheSeconds, () =>
    db.transaction({ member: null }, async (tx) => {
      // auth_token_actor marks the token used.
      const row = await tx.maybeOne<ActorRow & { token_roles: Role[] }>(sql`
        SELECT ${actorColumns}, t.roles AS token_roles
        FROM auth_token_actor(${tokenHash}) t JOIN users u ON u.id = t.user_id JOIN members m ON m.code = u.member
        WHERE NOT u.disabled`);
      if (!row) return null;
      return toActor(row, 'token', row.roles.filter((role) => row.token_roles.includes(role)));
    }),
  );
}

/** The actor for a user id, for commands run from the CLI and for tests. */
export async function loadUserActor(tx: Tx, where: Sql): Promise<Actor | null> {
  const row = await tx.maybeOne<ActorRow>(sql`SELECT ${actorColumns} FROM users u JOIN members m ON m.code = u.member WHERE ${where} AND NOT u.disabled`);
  return row ? toActor(row, 'session', row.roles) : null;
}
