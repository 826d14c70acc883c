import { defineSettings } from '../../platform/settings.js';

export const documentSettings = defineSettings({
  documentIndex: { env: 'LINTAS_DOCUMENT_INDEX', kind: 'on-off', default: true, description: 'document checks answer from the in-memory index (off: every check reads the database)' },
  hitReminderHours: { env: 'LINTAS_HIT_REMINDER_HOURS', kind: 'count', default: 24, description: 'hours an issuer has to answer a document hit before it is reminded (0: never)' },
});
