import { defineModule } from '../../platform/module.js';
import { notifySettings } from '../../platform/notify/settings.js';
import { webhookRoutes } from './routes.js';

const AUDIT_ACTIONS = ['webhook.create', 'webhook.update', 'webhook.delete', 'webhook.replay', 'webhook.test'] as const;

/**
 * Webhooks for member systems: a member's admins register endpoints that receive its notifications,
 * signed per Standard Webhooks; the delivery itself is the platform's outbox (platform/notify).
 */
export const webhooks = defineModule({
  name: 'webhooks',
  actions: { 'webhooks.manage': ['member-admin'] },
  // The outbox's and webhooks' settings, read at start so a bad value stops it.
  settings: notifySettings,
  routes: webhookRoutes,
  auditActions: AUDIT_ACTIONS,
  notificationKinds: ['webhook.endpoint-disabled'],
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    webhooks: keyof typeof webhooks.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    webhooks: (typeof AUDIT_ACTIONS)[number];
  }
}
