import { defineSettings } from '../../platform/settings.js';

export const linkageSettings = defineSettings({
  nameSimilarity: {
    env: 'LINTAS_LINKAGE_NAME_SIMILARITY',
    kind: 'count',
    default: 60,
    description: 'how similar two person names must be to link, in percent (trigram similarity of their Latin words or of their sound skeletons)',
  },
  commonValueRecords: {
    env: 'LINTAS_LINKAGE_COMMON_VALUE_RECORDS',
    kind: 'count',
    default: 20,
    description: 'a value held by more records than this makes no new hit notices and waits for the secretariat’s review (over-linking guard)',
  },
  disclosureHours: {
    env: 'LINTAS_LINKAGE_DISCLOSURE_HOURS',
    kind: 'count',
    default: 48,
    description: 'hours a holder has to answer a routine disclosure request (urgent: half of it, immediate: at most 4) before its approvers are reminded, and again every as many hours',
  },
  noticesPerDay: {
    env: 'LINTAS_LINKAGE_NOTICES_PER_DAY',
    kind: 'count',
    default: 200,
    description: 'hit notices one member may be given in a day (UTC); further matches wait for the next day, and the secretariat sees them waiting',
  },
  retentionDays: {
    env: 'LINTAS_LINKAGE_RETENTION_DAYS',
    kind: 'count',
    default: 1825,
    description: 'days a lead is kept after it was last changed, and what a holder disclosed after it was disclosed; an hourly job then deletes them (a lead with its entities and links), audited for the owner (0: kept until the owner deletes them)',
  },
  releaseHours: {
    env: 'LINTAS_LINKAGE_RELEASE_HOURS',
    kind: 'count',
    default: 24,
    description: 'hours between scheduled runs of the linkage release job, the only source of figures over records a viewer cannot see (it also runs when a month closes)',
  },
});
