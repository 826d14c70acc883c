import { defineModule, migrationsFolder } from '../../platform/module.js';
import { stopFacePool } from './faces/index.js';
import { closeGalleryIndex, galleryIndexOf } from './gallery-index.js';
import { startRetention } from './retention.js';
import { biometricsRoutes } from './routes.js';
import { biometricsSettings } from './settings.js';

const AUDIT_ACTIONS = [
  'biometrics.agreement-propose', 'biometrics.agreement-list', 'biometrics.agreement-read', 'biometrics.agreement-accept',
  'biometrics.agreement-suspend', 'biometrics.agreement-resume', 'biometrics.agreement-terminate',
  'biometrics.enrol', 'biometrics.subject-read', 'biometrics.subject-image', 'biometrics.subject-list', 'biometrics.subject-delete',
  'biometrics.search', 'biometrics.search-read', 'biometrics.search-list', 'biometrics.subject-expire', 'biometrics.search-expire',
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
  },
  settings: biometricsSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: biometricsRoutes,
  async start({ platform, log }) {
    // The galleries are built from the database before the first search needs them.
    await galleryIndexOf(platform).start();
    const retention = startRetention(platform, (error) => log.error({ err: error }, 'the biometrics retention job failed; it runs again within the hour'));
    return {
      stop: async () => {
        await retention.stop();
        await closeGalleryIndex(platform.db);
        await stopFacePool();
      },
    };
  },
  auditActions: AUDIT_ACTIONS,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    biometrics: keyof typeof biometrics.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    biometrics: (typeof AUDIT_ACTIONS)[number];
  }
}
