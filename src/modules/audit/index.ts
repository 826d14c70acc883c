import { defineModule } from '../../platform/module.js';
import { auditCommand } from './cli.js';
import { auditRoutes } from './routes.js';

/** Who read my records: a member's view of the audit trail, and `lintas audit verify`. */
export const audit = defineModule({
  name: 'audit',
  actions: { 'audit.read': ['member-admin', 'approver', 'analyst', 'secretariat'] },
  routes: auditRoutes,
  commands: [auditCommand],
  auditActions: [],
});

export type AuditAction = keyof typeof audit.actions;
declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    audit: AuditAction;
  }
}
