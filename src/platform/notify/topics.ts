import { Type } from 'typebox';
import { grantActions } from '../auth/roles.js';
import type { App } from '../http/app.js';
import { problemResponses } from '../http/schemas.js';
import type { LintasModule } from '../module.js';
import { Strict } from '../schema.js';

grantActions('notify', { 'notify.topics': 'signed-in' });

declare module '../auth/roles.js' {
  interface ModuleActions {
    notify: 'notify.topics';
  }
}

export const Topic = Strict({
  module: Type.String({ description: 'the module, e.g. bulletins' }),
  notificationKinds: Type.Array(Type.String(), { description: 'the kinds of notification it sends (inbox items, webhook events), e.g. bulletin.issued' }),
  subscribable: Type.Boolean({ description: 'whether users may subscribe to it (POST /account/subscriptions)' }),
  subscriptionKinds: Type.Array(Type.String(), { description: 'what a subscription’s kinds may name in it (e.g. bulletin types)' }),
});
export const TopicList = Strict({ data: Type.Array(Topic) });

/**
 * `GET /notifications/topics`: what each module notifies about, as it declares it (`notificationKinds`
 * for webhooks' kinds, `subscriptionKinds` for subscriptions), so the web app names no module's kinds.
 * Nothing of any member's.
 */
export function registerNotificationTopics(api: App, modules: readonly LintasModule[]): void {
  const topics = modules.flatMap((module) =>
    module.notificationKinds || module.subscriptionKinds
      ? [{ module: module.name, notificationKinds: [...(module.notificationKinds ?? [])], subscribable: module.subscriptionKinds !== undefined, subscriptionKinds: [...(module.subscriptionKinds ?? [])] }]
      : [],
  );
  api.get('/notifications/topics', {
    config: { action: 'notify.topics' },
    schema: { tags: ['inbox'], summary: 'What modules notify about: their notification kinds, and what you may subscribe to', response: { 200: TopicList, ...problemResponses } },
  // Authorised by the route's action (the pipeline's hook); the list reads nothing of the database.
  }, async () => ({ data: topics }));
}
