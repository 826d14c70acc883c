import { defineSettings } from '../../platform/settings.js';

export const documentSettings = defineSettings({
  documentIndex: { env: 'LINTAS_DOCUMENT_INDEX', kind: 'on-off', default: true, description: 'document checks answer from the in-memory index (off: every check reads the database)' },
  holderRetentionDays: {
    env: 'LINTAS_DOCUMENT_HOLDER_RETENTION_DAYS',
    kind: 'count',
    default: 365,
    description: 'days the holder details of a cancelled document, or of a rejected report of one, are kept; a job then erases them, the record staying as history (0: kept for good)',
  },
  hitReminderHours: { env: 'LINTAS_HIT_REMINDER_HOURS', kind: 'count', default: 24, description: 'hours an issuer has to answer a document hit before it is reminded (0: never)' },
});
