import { Type } from 'typebox';
import { grantActions } from '../auth/roles.js';
import type { LintasModule } from '../module.js';
import { Strict } from '../schema.js';
import type { App } from './app.js';
import { perform } from './pipeline.js';
import { problemResponses } from './schemas.js';

grantActions('home', { 'home.read': 'signed-in' });

declare module '../auth/roles.js' {
  interface ModuleActions {
    home: 'home.read';
  }
}

export const AttentionItem = Strict({
  module: Type.String({ description: 'the module that counted it, e.g. reports' }),
  key: Type.String({ description: 'what is counted, stable within the module, e.g. to-approve' }),
  label: Type.String(),
  count: Type.Integer({ minimum: 0 }),
  link: Type.String({ description: 'the web app’s page that lists exactly what is counted' }),
});
export const HomeAnswer = Strict({ attention: Type.Array(AttentionItem) });

/**
 * `GET /home`: what waits for the user, module by module (each module's optional `attention`, in the
 * modules' order), for the home page and the navigation's badges. The platform names no module: it
 * asks each one, in one read for the user's member, and each answers under the sharing rule about its
 * member's own records and the user's own notifications only, so no read of another member's is made.
 */
export function registerHome(api: App, modules: readonly LintasModule[]): void {
  api.get('/home', {
    config: { action: 'home.read' },
    schema: {
      tags: ['home'],
      summary: 'What waits for your action: counts by module, each with the page that lists exactly them',
      response: { 200: HomeAnswer, ...problemResponses },
    },
  }, async (request) =>
    perform(request, async (ctx) => {
      const attention = [];
      for (const module of modules) {
        if (!module.attention) continue;
        for (const item of await module.attention(ctx)) attention.push({ module: module.name, ...item });
      }
      return { attention };
    }, { read: true }));
}
