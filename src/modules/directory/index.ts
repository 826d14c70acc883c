import { defineModule } from '../../platform/module.js';
import { memberCommands } from './cli.js';
import { directoryRoutes } from './routes.js';

const AUDIT_ACTIONS = ['member.create', 'member.update', 'member.focal-points', 'group.create', 'group.update', 'user.create', 'user.update', 'user.password-reset-issued', 'user.reset-link-disclosed', 'user.second-factor-reset'] as const;

/** Members, groups, users and focal points: who is in the process and who speaks for each member. */
export const directory = defineModule({
  name: 'directory',
  actions: {
    'directory.read': 'signed-in',
    'members.manage': ['secretariat'],
    'groups.manage': ['secretariat'],
    /** Changing a group: the secretariat; a member-admin only for a group its member chairs (service.ts). */
    'groups.update': ['member-admin', 'secretariat'],
    'members.settings': ['member-admin', 'secretariat'],
    'users.manage': ['member-admin', 'secretariat'],
    'focal-points.manage': ['member-admin', 'secretariat'],
  },
  routes: directoryRoutes,
  commands: [memberCommands],
  auditActions: AUDIT_ACTIONS,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    directory: keyof typeof directory.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    directory: (typeof AUDIT_ACTIONS)[number];
  }
}
