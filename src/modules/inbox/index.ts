import { defineModule } from '../../platform/module.js';
import { inboxAttention, inboxRoutes } from './routes.js';

/** Each user's notifications, each under the sharing rule of the record it is about. */
export const inbox = defineModule({
  name: 'inbox',
  actions: { 'inbox.read': 'signed-in' },
  routes: inboxRoutes,
  auditActions: [],
  attention: inboxAttention,
});

declare module '../../platform/auth/roles.js' {
  interface ModuleActions {
    inbox: keyof typeof inbox.actions;
  }
}
