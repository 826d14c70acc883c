import { defineModule, migrationsFolder } from '../../platform/module.js';
import { linkageAttention } from './attention.js';
import { linkageCommand } from './cli.js';
import { seedLinkage } from './demo.js';
import { startMatcher } from './matcher.js';
import { startLinkageRelease } from './release.js';
import { startLinkageRetention } from './retention.js';
import { noticeReadable, requestReadable, startRequestReminders } from './requests.js';
import { linkageRoutes } from './routes.js';
import { linkageSettings } from './settings.js';
import { leadSource, linkageConsumer, prepareSources, vesselNormalisers } from './sources.js';

const AUDIT_ACTIONS = [
  'linkage.lead-list', 'linkage.lead-read', 'linkage.links-read', 'linkage.lead-create', 'linkage.lead-update', 'linkage.lead-delete', 'linkage.lead-expire', 'linkage.disclosure-expire',
  'linkage.notice', 'linkage.notice-list', 'linkage.notice-read', 'linkage.value-decide', 'linkage.volume-read',
  'linkage.request', 'linkage.request-list', 'linkage.request-read', 'linkage.disclose', 'linkage.refuse', 'linkage.request-remind',
  'linkage.release', 'linkage.release-read',
  'linkage.graph-read', 'linkage.graph-export',
] as const;
const NOTIFICATION_KINDS = ['linkage.match', 'linkage.matched', 'linkage.request', 'linkage.decision', 'linkage.request-reminder'] as const;

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
  commands: [linkageCommand],
  prepare: prepareSources,
  start({ platform, log, kickOutbox }) {
    const matcher = startMatcher(platform, kickOutbox, (error) => log.error({ err: error }, 'the linkage matcher failed; it runs again shortly'));
    const reminders = startRequestReminders(platform, kickOutbox, (error) => log.error({ err: error }, 'the linkage request reminders failed; they run again shortly'));
    // Figures over records a viewer cannot see are computed when a month closes and on a schedule, never on request.
    const release = startLinkageRelease(platform, (error) => log.error({ err: error }, 'the linkage release could not be computed'));
    const retention = startLinkageRetention(platform, (error) => log.error({ err: error }, 'the linkage retention job failed; it runs again within the hour'));
    return {
      async stop() {
        await retention.stop();
        await release.stop();
        await reminders.stop();
        await matcher.stop();
      },
    };
  },
  demo: (db, config) => seedLinkage(db, config),
  attention: linkageAttention,
  readableObjects: { 'linkage-notice': noticeReadable, 'linkage-request': requestReadable },
  auditActions: AUDIT_ACTIONS,
  notificationKinds: NOTIFICATION_KINDS,
  // Users subscribe to these kinds: what notify() tells this module's readers is matched against them.
  subscriptionKinds: NOTIFICATION_KINDS,
  // Linkage owns the one form of a vessel's identifiers; other modules' records offer entities to it.
  entityNormalisers: vesselNormalisers,
  entitySources: [leadSource],
  entityConsumer: linkageConsumer,
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
