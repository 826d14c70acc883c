import { defineModule, migrationsFolder } from '../../platform/module.js';
import { linkageRoutes } from './routes.js';
import { linkageSettings } from './settings.js';

const AUDIT_ACTIONS = ['linkage.lead-list', 'linkage.lead-read', 'linkage.links-read', 'linkage.lead-create', 'linkage.lead-update', 'linkage.lead-delete'] as const;

/**
 * Cross-member linkage: the same phone, vessel, document, account or person in different members'
 * records, shown where the viewer may see both records (README.md in this folder).
 */
export const linkage = defineModule({
  name: 'linkage',
  actions: {
    'linkage.read': 'signed-in',
    'linkage.write': ['officer', 'analyst', 'liaison', 'member-admin'],
  },
  settings: linkageSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: linkageRoutes,
  auditActions: AUDIT_ACTIONS,
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
