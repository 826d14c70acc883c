import type { Route } from '../../router.js';
import { InboxPage } from './inbox.js';

export const INBOX_ROUTES: readonly Route[] = [{ pattern: '/inbox', render: () => <InboxPage /> }];
