import type { Tx } from '../../platform/db/database.js';
import { enqueueEmail } from '../../platform/notify/outbox.js';

/** A change to how a user signs in, or a refused reuse of a second-factor code (ASVS 2.8.5), told to the user by e-mail (ASVS 2.2.3, 2.5.5). */
export type AccountChange = 'password-changed' | 'password-reset' | 'totp-enrolled' | 'totp-removed' | 'token-created' | 'totp-reused' | 'totp-reset';

const WHAT: Record<AccountChange, string> = {
  'password-changed': 'Your Lintas password was changed.',
  'password-reset': 'Your Lintas password was set with a reset link.',
  'totp-enrolled': 'An authenticator app was enrolled as your second factor for Lintas.',
  'totp-removed': 'The second factor was removed from your Lintas account.',
  'token-created': 'A new API token was created on your Lintas account.',
  'totp-reset':
    'An administrator of your member reset your second factor for Lintas, as asked when it was lost: your authenticator app and recovery codes no longer work, and your sessions were ended. At your next sign-in you set up a new authenticator app.',
  'totp-reused': 'A second-factor code that had already been used was tried again to sign in to your Lintas account, after your password was accepted. It was refused. Someone may know your password and have seen one of your codes.',
};

/**
 * Queues, in the transaction that makes the change, an e-mail telling the user what changed, when
 * and from which address. It names no secret (no password, code, token or link), so a reader of the
 * mailbox learns only that something changed.
 */
export async function tellAccountChange(tx: Tx, user: { email: string; name: string }, change: AccountChange, address: string): Promise<void> {
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await enqueueEmail(tx, {
    to: user.email,
    subject: change === 'totp-reused' ? 'Lintas: a used sign-in code was tried again' : 'Lintas: a change to how you sign in',
    text:
      `Hello ${user.name},\n\n${WHAT[change]}\n\nWhen: ${when} (UTC)\nFrom address: ${address}\n\n` +
      (change === 'totp-reused' ? 'If this was you (a code typed twice), there is nothing to do.' : 'If this was you, there is nothing to do.') +
      ' If it was not, tell your member-admin at once: they can disable the account and issue a new password link.\n',
  });
}
