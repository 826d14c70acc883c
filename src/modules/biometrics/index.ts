import { defineModule, migrationsFolder } from '../../platform/module.js';
import { biometricsAttention } from './attention.js';
import { stopFacePool } from './faces/index.js';
import { stopEnrolmentRuns } from './enrolment-runner.js';
import { closeGalleryIndex, galleryIndexOf } from './gallery-index.js';
import { startBiometricsRelease } from './release.js';
import { startRetention } from './retention.js';
import { biometricsRoutes } from './routes.js';
import { biometricsSettings } from './settings.js';
import { SEAL_DISCLOSED, SEAL_PROBE, stepTwoReadable } from './step-two.js';
import { SEAL_BIOGRAPHIC, SEAL_IMAGE } from './galleries.js';

const NOTIFICATION_KINDS = ['biometrics.step-two', 'biometrics.step-two-decision', 'biometrics.step-two-reminder'] as const;

const AUDIT_ACTIONS = [
  'biometrics.agreement-propose', 'biometrics.agreement-list', 'biometrics.agreement-read', 'biometrics.agreement-accept',
  'biometrics.agreement-suspend', 'biometrics.agreement-resume', 'biometrics.agreement-terminate',
  'biometrics.enrol', 'biometrics.subject-read', 'biometrics.subject-image', 'biometrics.subject-list', 'biometrics.subject-delete',
  'biometrics.search', 'biometrics.search-read', 'biometrics.search-list', 'biometrics.subject-expire', 'biometrics.search-expire',
  'biometrics.step-two-ask', 'biometrics.step-two-read', 'biometrics.step-two-list', 'biometrics.step-two-probe', 'biometrics.step-two-confirm',
  'biometrics.step-two-reject', 'biometrics.step-two-remind', 'biometrics.release', 'biometrics.release-read',
  'biometrics.enrolment-start', 'biometrics.enrolment-report', 'biometrics.enrolment-expire',
] as const;

/**
 * Biometric data exchange under agreements: each member's gallery, one-to-many search answered hit
 * or no hit per gallery, the probe never kept (README.md in this folder).
 */
export const biometrics = defineModule({
  name: 'biometrics',
  actions: {
    'biometrics.read': 'signed-in',
    // Agreements bind the member: its administrators propose, accept, suspend and terminate them.
    'biometrics.agree': ['member-admin'],
    'biometrics.enrol': ['officer', 'member-admin'],
    'biometrics.search': ['officer', 'analyst'],
    // Step two binds the holder: its approvers confirm a match and disclose.
    'biometrics.confirm': ['approver', 'member-admin'],
  },
  settings: biometricsSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: biometricsRoutes,
  async start({ platform, log, kickOutbox }) {
    // The galleries are built from the database before the first search needs them.
    await galleryIndexOf(platform).start();
    const retention = startRetention(platform, kickOutbox, (error) => log.error({ err: error }, 'the biometrics retention job failed; it runs again within the hour'));
    const release = startBiometricsRelease(platform, (error) => log.error({ err: error }, 'the biometrics release could not be computed'));
    return {
      stop: async () => {
        await release.stop();
        await retention.stop();
        await stopEnrolmentRuns(platform.db);
        await closeGalleryIndex(platform.db);
        await stopFacePool();
      },
    };
  },
  readableObjects: { 'biometric-step-two': stepTwoReadable },
  // Sealed with the member's data keys; those sealed before migration 0046 (the first generation's key) are sealed again by `lintas keys rotate --reencrypt`.
  sealedColumns: [
    { table: 'biometric_subjects', column: 'biographic', use: SEAL_BIOGRAPHIC, member: 'owner' },
    { table: 'biometric_subjects', column: 'image', use: SEAL_IMAGE, member: 'owner' },
    { table: 'biometric_step_two', column: 'probe_image', use: SEAL_PROBE, member: 'requester' },
    { table: 'biometric_step_two', column: 'disclosed', use: SEAL_DISCLOSED, member: 'holder' },
  ],
  auditActions: AUDIT_ACTIONS,
  notificationKinds: NOTIFICATION_KINDS,
  // Users subscribe to these kinds: what notify() tells this module's readers is matched against them.
  subscriptionKinds: NOTIFICATION_KINDS,
  attention: biometricsAttention,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    biometrics: keyof typeof biometrics.actions;
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    biometrics: (typeof NOTIFICATION_KINDS)[number];
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    biometrics: (typeof AUDIT_ACTIONS)[number];
  }
}
