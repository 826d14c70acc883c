/**
 * A user's export of their own account data (ASVS 8.3.2): profile, roles, member, subscriptions,
 * sessions and API tokens (opaque ids, never a secret or a hash), and the newest rows of the audit
 * trail that name the user as the one who acted. Nothing of any other user; the export is audited.
 */
import { Type, type Static } from 'typebox';
import type { SessionState } from '../../platform/auth/sessions.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { RoleSchema } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import { listSessions, listTokens } from './account.js';
import { AccountSession, Token } from './schemas.js';
import { listSubscriptions, Subscription } from './subscriptions.js';

/** The audit rows an export holds at most: the newest; `audit.truncated` says when there are older ones. */
export const EXPORT_AUDIT_ROWS = 1000;

const Time = Type.String({ format: 'date-time' });
const OrNull = Type.Union([Type.String(), Type.Null()]);

export const AccountExport = Strict({
  exportedAt: Time,
  profile: Strict({ id: Type.String(), name: Type.String(), email: Type.String(), timeZone: Type.String(), totpEnabled: Type.Boolean(), createdAt: Time }),
  roles: Type.Array(RoleSchema),
  member: Strict({ code: Type.String(), name: Type.String(), kind: Type.String(), status: Type.String() }),
  subscriptions: Type.Array(Subscription),
  sessions: Type.Array(AccountSession),
  tokens: Type.Array(Token),
  audit: Strict({
    rows: Type.Array(Strict({ at: Time, action: Type.String(), objectType: OrNull, objectId: OrNull, purpose: OrNull, requestId: OrNull, address: OrNull }), {
      description: `the acts the audit trail records you did, newest first, at most ${EXPORT_AUDIT_ROWS}`,
    }),
    limit: Type.Integer(),
    truncated: Type.Boolean({ description: 'older rows exist beyond the limit' }),
  }),
});
export type AccountExport = Static<typeof AccountExport>;

interface ProfileRow {
  id: string;
  name: string;
  email: string;
  time_zone: string;
  totp_enabled: boolean;
  created_at: Date;
  member_code: string;
  member_name: string;
  member_kind: string;
  member_status: string;
}

interface AuditRow {
  at: Date;
  action: string;
  object_type: string | null;
  object_id: string | null;
  purpose: string | null;
  request_id: string | null;
  address: string | null;
}

/** The caller's own account data, read in one transaction for their member, and the export on the audit trail. */
export async function exportAccount(ctx: Ctx, session: SessionState, idleMinutes: number): Promise<AccountExport> {
  const me = ctx.actor.userId;
  const profile = await ctx.tx.one<ProfileRow>(sql`SELECT u.id, u.name, u.email, u.time_zone, u.totp_enabled, u.created_at,
      m.code AS member_code, m.name AS member_name, m.kind AS member_kind, m.status AS member_status
    FROM users u JOIN members m ON m.code = u.member WHERE u.id = ${me}`);
  // The trail's columns that say what was done, by this user only. Whose records they were (the
  // owner columns) and `details` are left out: the trail may name a member the user was never told
  // of (the holder of a linkage notice that did not name it, asked for disclosure; the owners of a
  // check's hits), and the records are governed by their owners' rules.
  const audit = await ctx.tx.query<AuditRow>(sql`SELECT at, action, object_type, object_id, purpose, request_id, address
    FROM audit_log WHERE user_id = ${me} AND member = ${ctx.actor.member} ORDER BY seq DESC LIMIT ${EXPORT_AUDIT_ROWS + 1}`);
  const rows = audit.slice(0, EXPORT_AUDIT_ROWS);
  await ctx.audit({ action: 'account.exported', objectType: 'user', objectId: me, objectOwner: ctx.actor.member, details: { auditRows: rows.length } });
  return {
    exportedAt: new Date().toISOString(),
    profile: { id: profile.id, name: profile.name, email: profile.email, timeZone: profile.time_zone, totpEnabled: profile.totp_enabled, createdAt: profile.created_at.toISOString() },
    roles: ctx.actor.roles,
    member: { code: profile.member_code, name: profile.member_name, kind: profile.member_kind, status: profile.member_status },
    subscriptions: await listSubscriptions(ctx),
    sessions: await listSessions(ctx, session, idleMinutes),
    tokens: await listTokens(ctx),
    audit: {
      rows: rows.map((row) => ({
        at: row.at.toISOString(), action: row.action, objectType: row.object_type, objectId: row.object_id,
        purpose: row.purpose, requestId: row.request_id, address: row.address,
      })),
      limit: EXPORT_AUDIT_ROWS,
      truncated: audit.length > EXPORT_AUDIT_ROWS,
    },
  };
}
