import { defineModule, migrationsFolder } from '../../platform/module.js';
import { libraryRoutes } from './routes.js';
import { shareableRow } from '../../platform/notify/audience.js';

const AUDIT_ACTIONS = ['library.list', 'library.search', 'library.count', 'library.read', 'library.file-read', 'library.create', 'library.update', 'library.delete'] as const;

/** The library: documents with full-text search, shareable like every record. */
export const library = defineModule({
  name: 'library',
  actions: {
    'library.read': 'signed-in',
    'library.write': ['officer', 'analyst', 'liaison', 'member-admin', 'secretariat'],
  },
  migrations: migrationsFolder(import.meta.url),
  routes: libraryRoutes,
  readableObjects: { 'library-document': shareableRow('library_documents') },
  auditActions: AUDIT_ACTIONS,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    library: keyof typeof library.actions;
  }
}
declare module '../../platform/audit/writer.js' {
  interface ModuleAuditActions {
    library: (typeof AUDIT_ACTIONS)[number];
  }
}
