import type { Route } from '../../router.js';
import { AccountPage } from './account.js';

/** Sign-in, the second step and password reset are outside the signed-in app (app.tsx). */
export const ACCOUNT_ROUTES: readonly Route[] = [{ pattern: '/account', render: () => <AccountPage /> }];
