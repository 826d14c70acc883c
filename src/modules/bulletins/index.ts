import { defineModule, migrationsFolder } from '../../platform/module.js';
import { shareableRow } from '../../platform/notify/audience.js';
import { BULLETIN_TYPES } from './codes.js';
import { seedBulletins } from './demo.js';
import { bulletinSource } from './entities.js';
import { NOTIFICATION_KINDS } from './notify.js';
import { bulletinRoutes } from './routes.js';
import { bulletinSettings } from './settings.js';

const AUDIT_ACTIONS = [
  'bulletins.list', 'bulletins.read', 'bulletins.versions-read', 'bulletins.create', 'bulletins.correct', 'bulletins.attach',
  'bulletins.attachment-read', 'bulletins.acknowledge', 'bulletins.comments-read', 'bulletins.comment',
  'bulletins.draft-edit', 'bulletins.publish', 'bulletins.draft-delete', 'bulletins.export', 'bulletins.import',
] as const;

/** Bulletins: the liaison network's alerts and notes, with versions, attachments, acknowledgements and comments. */
export const bulletins = defineModule({
  name: 'bulletins',
  actions: {
    'bulletins.read': 'signed-in',
    'bulletins.write': ['officer', 'analyst', 'liaison', 'member-admin', 'secretariat'],
    'bulletins.respond': ['officer', 'analyst', 'liaison', 'member-admin', 'secretariat'],
  },
  settings: bulletinSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: bulletinRoutes,
  entitySources: [bulletinSource],
  auditActions: AUDIT_ACTIONS,
  demo: (db, config) => seedBulletins(db, config),
  notificationKinds: NOTIFICATION_KINDS,
  // Subscribers choose bulletin types (notify.ts matches a subscription's kinds against the type).
  subscriptionKinds: BULLETIN_TYPES,
  readableObjects: { bulletin: shareableRow('bulletins') },
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    bulletins: keyof typeof bulletins.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    bulletins: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    bulletins: (typeof NOTIFICATION_KINDS)[number];
  }
}
