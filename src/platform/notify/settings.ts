import { defineSettings } from '../settings.js';

/** The outbox's and the webhooks' settings (declared by the webhooks module, so a bad value stops the start). */
export const notifySettings = defineSettings({
  leaseSeconds: {
    env: 'LINTAS_OUTBOX_LEASE_SECONDS', kind: 'count', default: 120,
    description: 'how long a claimed message is left to the process sending it before another may send it again (longer than any one send may take)',
  },
  maxAttempts: { env: 'LINTAS_OUTBOX_MAX_ATTEMPTS', kind: 'count', default: 8, description: 'attempts at one message before it is marked failed' },
  webhookDisableAfter: {
    env: 'LINTAS_WEBHOOK_DISABLE_AFTER', kind: 'count', default: 15,
    description: 'consecutive failed deliveries after which a webhook endpoint is disabled and its member-admins told (0: never)',
  },
  webhookTimeoutSeconds: { env: 'LINTAS_WEBHOOK_TIMEOUT_SECONDS', kind: 'count', default: 10, description: 'how long one webhook delivery may take' },
  webhookAllowLoopbackHttp: {
    env: 'LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP', kind: 'on-off', default: false,
    description: 'accept http:// webhook addresses on the loopback interface (tests, local development); otherwise https only',
  },
});
