/** The inbox as the web app sees it: the server's schemas (src/modules/inbox/routes.ts), type-only. */
import type { Static } from 'typebox';
import type { InboxPage as InboxPageSchema, Notification as NotificationSchema } from '../../../../src/modules/inbox/routes.js';

export type Notification = Static<typeof NotificationSchema>;

/** GET /inbox: a page of notifications and how many are unread. */
export type InboxPage = Static<typeof InboxPageSchema>;
