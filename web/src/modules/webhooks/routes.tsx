import type { Route } from '../../router.js';
import { WebhookPage } from './webhook.js';
import { WebhooksPage } from './webhooks.js';

export const WEBHOOKS_ROUTES: readonly Route[] = [
  { pattern: '/webhooks', render: () => <WebhooksPage /> },
  { pattern: '/webhooks/:id', render: ({ id }) => <WebhookPage id={id ?? ''} /> },
];
