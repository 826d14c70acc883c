import { defineModule } from '../../platform/module.js';
import { userCommands } from './cli.js';
import { DEMO_ADDRESS_FILE, DEMO_TOTP_PATH, DEMO_TOTP_SECRET, demoTotpCode } from './demo-code.js';
import { accountRoutes } from './routes.js';

export { DEMO_ADDRESS_FILE, DEMO_TOTP_PATH, DEMO_TOTP_SECRET, demoTotpCode };

const AUDIT_ACTIONS = [
  'auth.sign-in', 'auth.password-accepted', 'auth.sign-in-failed', 'auth.sign-out', 'auth.password-reset', 'auth.password-reset-requested',
  'account.password-changed', 'account.token-created', 'account.token-revoked', 'account.totp-enrolled', 'account.totp-removed', 'account.time-zone-changed',
  'account.session-ended', 'account.other-sessions-ended', 'account.reauthenticated',
  'user.create', 'user.password-reset-issued', 'subscription.create', 'subscription.update', 'subscription.delete', 'subscription.unsubscribe',
] as const;

/** Sign-in, sessions, second factors, API tokens, password resets, and `lintas user`. */
export const account = defineModule({
  name: 'account',
  actions: { 'account.manage': 'signed-in' },
  routes: accountRoutes,
  commands: [userCommands],
  auditActions: AUDIT_ACTIONS,
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
