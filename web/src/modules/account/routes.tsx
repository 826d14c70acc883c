import type { Route } from '../../router.js';
import { AccountPage } from './account.js';
import { SubscriptionsPage } from './subscriptions.js';

/** Sign-in, the second step, password reset and the unsubscribe link are outside the signed-in app (app.tsx). */
export const ACCOUNT_ROUTES: readonly Route[] = [
  { pattern: '/account', render: () => <AccountPage /> },
  { pattern: '/account/subscriptions', render: () => <SubscriptionsPage /> },
];
