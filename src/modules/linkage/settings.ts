import { defineSettings } from '../../platform/settings.js';

export const linkageSettings = defineSettings({
  nameSimilarity: {
    env: 'LINTAS_LINKAGE_NAME_SIMILARITY',
    kind: 'count',
    default: 60,
    description: 'how similar two person names must be to link, in percent (trigram similarity of their Latin words or of their sound skeletons)',
  },
});
