import type { Static } from 'typebox';
import type { Read } from '../../../../src/modules/audit/routes.js';
/** "Who read my records" as the web app sees it: the server's schema of a read. */
export type AuditRead = Static<typeof Read>;
