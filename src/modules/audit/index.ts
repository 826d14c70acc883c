import { defineModule, migrationsFolder } from '../../platform/module.js';
import { startAlerts } from './alerts.js';
import { auditCommand } from './cli.js';
import { auditRoutes } from './routes.js';
import { alertSettings } from './settings.js';

const AUDIT_ACTIONS = ['audit.alert'] as const;

/** Who read my records: a member's view of the audit trail, `lintas audit verify`, and alerts on unusual activity. */
export const audit = defineModule({
  name: 'audit',
  actions: { 'audit.read': ['member-admin', 'approver', 'analyst', 'secretariat'] },
  routes: auditRoutes,
  commands: [auditCommand],
  auditActions: AUDIT_ACTIONS,
  notificationKinds: ['audit.alert'],
  settings: alertSettings,
  migrations: migrationsFolder(import.meta.url),
  // Unusual activity (alerts.ts), counted every minute.
  start({ platform, log, kickOutbox }) {
    return startAlerts(platform, log, kickOutbox);
  },
});

export type AuditAction = keyof typeof audit.actions;
declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    audit: AuditAction;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    audit: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    audit: 'audit.alert';
  }
}
