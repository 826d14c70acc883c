import type { Actor } from './auth/actor.js';
import type { AuditEvent } from './audit/writer.js';
import { appendAudit } from './audit/writer.js';
import type { Config } from './config.js';
import type { Database, Tx } from './db/database.js';
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
}

/** Runs `work` in one transaction for the actor's member, with the audit writer bound to it. */
export function runAs<T>(platform: Platform, actor: Actor, request: RequestInfo, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const context = { member: actor.member, ...(platform.unsafeWithoutRowLevelSecurity ? { unsafeWithoutRowLevelSecurity: true } : {}) };
  return platform.db.transaction(context, (tx) =>
    work({
      actor,
      tx,
      platform,
      request,
      audit: (...events) =>
        appendAudit(tx, { userId: actor.userId, member: actor.member, requestId: request.requestId, address: request.address }, events),
      visible: (alias) => (platform.unsafeWithoutSharingCondition ? sql`true` : visibleTo(actor, alias)),
    }),
  );
}
