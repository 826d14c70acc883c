import { defineModule } from '../../platform/module.js';
import { userCommands } from './cli.js';
import { DEMO_ADDRESS_FILE, DEMO_TOTP_PATH, DEMO_TOTP_SECRET, demoTotpCode } from './demo-code.js';
import { accountRoutes } from './routes.js';
import { startTokenExpiryNotices } from './token-expiry.js';

export { DEMO_ADDRESS_FILE, DEMO_TOTP_PATH, DEMO_TOTP_SECRET, demoTotpCode };
/** The e-mail telling a user how it signs in changed (directory's administrator's reset of a lost second factor uses it). */
export { tellAccountChange } from './notices.js';
/** The reset of a lost second factor, for directory's administrator route. */
export { PROOFING_LENGTH, resetLostSecondFactor } from './second-factor-reset.js';

const AUDIT_ACTIONS = [
  'auth.sign-in', 'auth.password-accepted', 'auth.sign-in-failed', 'auth.sign-out', 'auth.password-reset', 'auth.password-reset-requested',
  'account.password-changed', 'account.token-created', 'account.token-revoked', 'account.totp-enrolled', 'account.totp-removed', 'account.time-zone-changed',
  'account.session-ended', 'account.other-sessions-ended', 'account.token-expiry-notice', 'account.exported', 'account.reauthenticated',
  'user.create', 'user.password-reset-issued', 'user.second-factor-reset', 'subscription.create', 'subscription.update', 'subscription.delete', 'subscription.unsubscribe',
] as const;

/** Sign-in, sessions, second factors, API tokens (and the notice before one expires), password resets, and `lintas user`. */
export const account = defineModule({
  name: 'account',
  actions: { 'account.manage': 'signed-in' },
  routes: accountRoutes,
  commands: [userCommands],
  auditActions: AUDIT_ACTIONS,
  notificationKinds: ['account.token-expiring'],
  // A notice before an API token expires (token-expiry.ts), at start and every hour.
  start({ platform, log, kickOutbox }) {
    return startTokenExpiryNotices(platform, kickOutbox, (error) => log.error({ err: error }, 'the API token expiry notices failed; they run again within the hour'));
  },
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    account: keyof typeof account.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    account: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    account: 'account.token-expiring';
  }
}
