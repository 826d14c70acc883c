import { defineSettings } from '../../platform/settings.js';

export const bulletinSettings = defineSettings({
  attachmentBytes: {
    env: 'LINTAS_BULLETINS_ATTACHMENT_BYTES',
    kind: 'count',
    default: 10 * 1024 * 1024,
    description: 'the largest attachment a bulletin takes, in bytes (PNG, JPEG, WebP or PDF); a larger one is refused with 413',
  },
  attachmentsPerBulletin: {
    env: 'LINTAS_BULLETINS_ATTACHMENTS',
    kind: 'count',
    default: 20,
    description: 'how many attachments one bulletin may hold',
  },
  stixBytes: {
    env: 'LINTAS_BULLETINS_STIX_BYTES',
    kind: 'count',
    default: 5 * 1024 * 1024,
    description: 'the largest STIX 2.1 bundle an import takes, in bytes; a larger one is refused with 413',
  },
});
