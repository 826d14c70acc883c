import { defineModule, migrationsFolder } from '../../platform/module.js';
import { documentsCommand } from './cli.js';
import { seedDocuments } from './demo.js';
import { documentsAttention } from './attention.js';
import { startHitReminders } from './hits.js';
import { startHolderRetention } from './retention.js';
import { hitSource } from './hit-entities.js';
import { travelDocumentEntity } from './number.js';
import { closeRegister, registerOf } from './register.js';
import { documentsRoutes } from './routes.js';
import { sealPlainHolders, SEAL_HOLDER } from './holders.js';
import { documentSettings } from './settings.js';
import { shareableRow } from '../../platform/notify/audience.js';

const AUDIT_ACTIONS = [
  'documents.check', 'documents.import', 'documents.snapshot', 'document.list-reports',
  'document.create', 'document.read', 'document.update', 'document.cancel', 'document.bulk-cancel', 'document.report', 'document.confirm', 'document.reject', 'document.holder-read', 'document.holder-expire',
  'document-hit.list', 'document-hit.read', 'document-hit.answer', 'document-hit.remind',
] as const;
const NOTIFICATION_KINDS = ['document-hit.opened', 'document-hit.answered', 'document-hit.reminder', 'document.report-confirmed', 'document.report-rejected'] as const;

/** The register of lost, stolen, revoked and fraudulent travel documents, checked at border speed. */
export const documents = defineModule({
  name: 'documents',
  actions: {
    'documents.read': 'signed-in',
    // Checks are run by border, visa and liaison officers and by analysts; the register (adds,
    // changes, cancellations, imports, foreign reports) by officers; hits are answered by the
    // issuer's officers and approvers.
    'documents.check': ['officer', 'analyst', 'liaison', 'member-admin'],
    'documents.write': ['officer', 'liaison', 'member-admin'],
    'documents.answer': ['officer', 'liaison', 'approver', 'member-admin'],
  },
  settings: documentSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: documentsRoutes,
  async start({ platform, log, kickOutbox }) {
    // The index is built before the first check is taken; hits unanswered too long are reminded;
    // holder details kept past their retention are erased.
    await registerOf(platform).start();
    const reminders = startHitReminders(platform, kickOutbox);
    const retention = startHolderRetention(platform, (error) => log.error({ err: error }, 'the documents retention job failed; it runs again within the hour'));
    return {
      async stop() {
        await retention.stop();
        await reminders.stop();
        await closeRegister(platform.db);
      },
    };
  },
  commands: [documentsCommand],
  // A hit's e-mails leave only while their member may still see the hit.
  readableObjects: { 'document-hit': shareableRow('document_hits') },
  auditActions: AUDIT_ACTIONS,
  notificationKinds: NOTIFICATION_KINDS,
  // Users subscribe to these kinds: what notify() tells this module's readers is matched against them.
  subscriptionKinds: NOTIFICATION_KINDS,
  demo: (db) => seedDocuments(db),
  // Holder details written before migration 0047 (kept aside by 0050) are sealed before anything is served.
  async prepare(platform) {
    await sealPlainHolders(platform);
  },
  sealedColumns: [{ table: 'travel_documents', column: 'holder_sealed', use: SEAL_HOLDER, member: 'owner' }],
  entityNormalisers: { 'travel-document': travelDocumentEntity },
  entitySources: [hitSource],
  attention: documentsAttention,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    documents: keyof typeof documents.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    documents: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    documents: (typeof NOTIFICATION_KINDS)[number];
  }
}
