/**
 * The inbox as the web app sees it. Hand-written: the server keeps its schemas (`Notification`,
 * `InboxPage`) in src/modules/inbox/routes.ts and does not export them; once it does, these become
 * `Static<typeof …>` like every other module's types.
 */
import type { Page } from '../../api.js';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  objectType: string | null;
  objectId: string | null;
  createdAt: string;
  read: boolean;
}

/** GET /inbox: a page of notifications and how many are unread. */
export type InboxPage = Page<Notification> & { unread: number };
