import { defineModule, migrationsFolder } from '../../platform/module.js';
import { startMatcher } from './matcher.js';
import { linkageRoutes } from './routes.js';
import { linkageSettings } from './settings.js';

const AUDIT_ACTIONS = [
  'linkage.lead-list', 'linkage.lead-read', 'linkage.links-read', 'linkage.lead-create', 'linkage.lead-update', 'linkage.lead-delete',
  'linkage.notice', 'linkage.notice-list', 'linkage.notice-read', 'linkage.value-decide', 'linkage.volume-read',
] as const;
const NOTIFICATION_KINDS = ['linkage.match', 'linkage.matched'] as const;

/**
 * Cross-member linkage: the same phone, vessel, document, account or person in different members'
 * records, shown where the viewer may see both records (README.md in this folder).
 */
export const linkage = defineModule({
  name: 'linkage',
  actions: {
    'linkage.read': 'signed-in',
    'linkage.write': ['officer', 'analyst', 'liaison', 'member-admin'],
    // Holders' approvers decide what a member told of a match may be shown (step two).
    'linkage.disclose': ['approver', 'member-admin'],
    // The over-linking guard's review, the warning lists and the notices' volume.
    'linkage.review': ['secretariat'],
  },
  settings: linkageSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: linkageRoutes,
  start({ platform, log, kickOutbox }) {
    return startMatcher(platform, kickOutbox, (error) => log.error({ err: error }, 'the linkage matcher failed; it runs again shortly'));
  },
  auditActions: AUDIT_ACTIONS,
  notificationKinds: NOTIFICATION_KINDS,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    linkage: keyof typeof linkage.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    linkage: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    linkage: (typeof NOTIFICATION_KINDS)[number];
  }
}
