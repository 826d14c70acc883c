import type { Actor } from './auth/actor.js';
import type { AuditEvent, AuditSource } from './audit/writer.js';
import { appendAudit } from './audit/writer.js';
import { auditGroupFor } from './audit/group-commit.js';
import type { Config } from './config.js';
import type { Database, Tx, TxContext } from './db/database.js';
import { sql, type Sql } from './db/sql.js';
import type { Mailer } from './notify/mailer.js';
import { visibleTo } from './sharing/rule.js';

/** The parts of the platform a request or a command uses. */
export interface Platform {
  db: Database;
  config: Config;
  mailer: Mailer;
  /**
   * Tests only: drop the query layer's visibility condition to prove row-level security
   * holds alone. Never set in a running server.
   */
  unsafeWithoutSharingCondition?: boolean;
  /** Tests and benchmarks only: run requests without row-level security, to prove or measure the query layer alone. */
  unsafeWithoutRowLevelSecurity?: boolean;
}

export interface RequestInfo {
  requestId: string;
  address: string;
}

/** What a service function gets: the actor, its transaction and the audit writer. */
export interface Ctx {
  actor: Actor;
  tx: Tx;
  platform: Platform;
  request: RequestInfo;
  audit(...events: AuditEvent[]): Promise<void>;
  /** The sharing rule's condition for a table alias: the query layer's wall. */
  visible(alias: string): Sql;
  /** Work to do once the act is committed (its audit rows included), e.g. updating an in-memory index; not done if it rolls back. */
  afterCommit(work: () => void): void;
}

function memberContext(platform: Platform, actor: Actor): TxContext {
  return { member: actor.member, user: actor.userId || null, ...(platform.unsafeWithoutRowLevelSecurity ? { unsafeWithoutRowLevelSecurity: true } : {}) };
}

function contextFor(platform: Platform, actor: Actor, request: RequestInfo, tx: Tx, audit: Ctx['audit'], committed: (() => void)[]): Ctx {
  return {
    actor,
    tx,
    platform,
    request,
    audit,
    visible: (alias) => (platform.unsafeWithoutSharingCondition ? sql`true` : visibleTo(actor, alias)),
    afterCommit: (work) => committed.push(work),
  };
}

function auditSource(actor: Actor, request: RequestInfo): AuditSource {
  return { userId: actor.userId || undefined, member: actor.member, requestId: request.requestId, address: request.address };
}

/** Runs `work` in one transaction for the actor's member, with the audit writer bound to it. */
export async function runAs<T>(platform: Platform, actor: Actor, request: RequestInfo, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const committed: (() => void)[] = [];
  const result = await platform.db.transaction(memberContext(platform, actor), (tx) =>
    work(contextFor(platform, actor, request, tx, (...events) => appendAudit(tx, auditSource(actor, request), events), committed)),
  );
  for (const done of committed) done();
  return result;
}

/**
 * Runs a read (`work` writes nothing) for the actor's member: its statements go through
 * `Database.read`, each its own read-only transaction, and its audit rows through the group commit.
 * Resolves only once the audit rows are committed; if they cannot be, it rejects, so nothing read
 * leaves without its record.
 */
export async function readAs<T>(platform: Platform, actor: Actor, request: RequestInfo, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const events: AuditEvent[] = [];
  const committed: (() => void)[] = [];
  const result = await platform.db.read(memberContext(platform, actor), (tx) =>
    work(
      contextFor(
        platform,
        actor,
        request,
        tx,
        (...more) => {
          events.push(...more);
          return Promise.resolve();
        },
        committed,
      ),
    ),
  );
  await auditGroupFor(platform.db).append(auditSource(actor, request), events);
  for (const done of committed) done();
  return result;
}
