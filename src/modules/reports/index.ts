import { defineModule, migrationsFolder } from '../../platform/module.js';
import { reportsCommand } from './cli.js';
import { seedReports } from './demo.js';
import { factStoreFor } from './analysis/fact-store.js';
import { startReleaseJob } from './release/job.js';
import { attention } from './records/service.js';
import { reportSource } from './records/entities.js';
import { reportReadable } from './records/queries.js';
import { reportsRoutes } from './routes.js';
import { applyReportSettings, reportSettings } from './settings.js';

const AUDIT_ACTIONS = [
  'report.create', 'report.read', 'report.update', 'report.submit', 'report.approve', 'report.return', 'report.withdraw', 'report.delete',
  'report.list', 'reports.bulk-submit', 'reports.bulk-approve', 'reports.import', 'reports.export', 'reports.mapping.create', 'reports.mapping.update', 'reports.mapping.delete', 'reports.defaults.update',
  'reports.analyse', 'reports.summary', 'reports.release', 'reports.release.read',
] as const;
const NOTIFICATION_KINDS = ['report.submitted', 'report.approved', 'report.returned'] as const;

/** Incident reports: records and their workflow, regional analysis and release, import and export. */
export const reports = defineModule({
  name: 'reports',
  actions: {
    'reports.read': 'signed-in',
    'reports.analyse': 'signed-in',
    'reports.write': ['officer', 'analyst', 'liaison', 'member-admin'],
    'reports.import': ['officer', 'analyst', 'liaison', 'member-admin'],
    'reports.approve': ['approver', 'member-admin'],
    'reports.defaults': ['member-admin'],
    'reports.export': ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat'],
  },
  settings: reportSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: reportsRoutes,
  prepare: (platform) => applyReportSettings(platform.db, reportSettings.of(platform.config).reciprocityMonths),
  start({ platform, log }) {
    // The analysis store loads in the background; a dashboard request made meanwhile waits for it.
    factStoreFor(platform.db)
      .catchUp()
      .catch((error: unknown) => log.error({ err: error }, 'the analysis store could not be loaded'));
    // The regional release is computed when a month closes and on a schedule, never on request.
    return startReleaseJob(platform, (error) => log.error({ err: error }, 'the regional release could not be computed'));
  },
  commands: [reportsCommand],
  auditActions: AUDIT_ACTIONS,
  notificationKinds: NOTIFICATION_KINDS,
  // Users subscribe to these kinds: what notify() tells this module's readers is matched against them.
  subscriptionKinds: NOTIFICATION_KINDS,
  readableObjects: { report: reportReadable },
  demo: seedReports,
  entitySources: [reportSource],
  attention,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    reports: keyof typeof reports.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    reports: (typeof AUDIT_ACTIONS)[number];
  }
}
declare module '../../platform/notify/inbox.js' {
  interface ModuleNotificationKinds {
    reports: (typeof NOTIFICATION_KINDS)[number];
  }
}
