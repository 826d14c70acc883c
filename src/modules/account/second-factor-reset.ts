import type { AuditEvent } from '../../platform/audit/writer.js';
import { sessionsChanged } from '../../platform/auth/sessions.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { tellAccountChange } from './notices.js';

/** How long the account of the person's proofing must be, at the least and the most. */
export const PROOFING_LENGTH = { min: 10, max: 500 } as const;

/**
 * Resets the second factor of a user who lost it (ASVS 2.5.7), once the caller has proofed the
 * person and checked that it may: the authenticator, the recovery codes and every session go
 * (`auth_totp_reset`, which refuses whom the transaction may not reset), other processes drop their
 * cached sessions, the audit row keeps how the person was proofed, and the user is told by e-mail.
 * The administrator's route (directory) and the operator's command (`lintas user
 * second-factor-reset`) both come here.
 */
export async function resetLostSecondFactor(
  tx: Tx,
  user: { id: string; email: string; name: string; member: string },
  proofing: string,
  by: { audit(event: AuditEvent): Promise<void>; address: string; via?: 'cli' },
): Promise<void> {
  await tx.query(sql`SELECT auth_totp_reset(${user.id}::uuid)`);
  await sessionsChanged(tx);
  await by.audit({ action: 'user.second-factor-reset', objectType: 'user', objectId: user.id, objectOwner: user.member, details: { ...(by.via ? { via: by.via } : {}), proofing: proofing.trim() } });
  await tellAccountChange(tx, user, 'totp-reset', by.address);
}
