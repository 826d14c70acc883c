import type { Route } from '../../router.js';
import { AuditPage } from './audit.js';

export const AUDIT_ROUTES: readonly Route[] = [{ pattern: '/audit', render: () => <AuditPage /> }];
