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
  kinds: Type.Array(Type.String(), { description: 'what a subscription’s kinds may name in it (e.g. bulletin types)' }),
});
export const TopicList = Strict({ data: Type.Array(Topic) });

/**
 * `GET /subscriptions/topics`: the modules one may subscribe to and their kinds, as each module
 * declares them (`subscriptionKinds`), so the web app names no module. Nothing of any member's.
 */
export function registerSubscriptionTopics(api: App, modules: readonly LintasModule[]): void {
  const topics = modules.flatMap((module) => (module.subscriptionKinds ? [{ module: module.name, kinds: [...module.subscriptionKinds] }] : []));
  api.get('/subscriptions/topics', {
    config: { action: 'notify.topics' },
    schema: { tags: ['sign-in and account'], summary: 'What you may subscribe to: modules and their kinds', response: { 200: TopicList, ...problemResponses } },
  // Authorised by the route's action (the pipeline's hook); the list reads nothing of the database.
  }, async () => ({ data: topics }));
}
