import { defineSettings } from '../../platform/settings.js';

export const biometricsSettings = defineSettings({
  candidates: {
    env: 'LINTAS_BIOMETRICS_CANDIDATES',
    kind: 'count',
    default: 5,
    description: 'candidates step one names at most per gallery searched',
  },
  retentionDays: {
    env: 'LINTAS_BIOMETRICS_RETENTION_DAYS',
    kind: 'count',
    default: 3650,
    description: 'days a subject is kept when its enrolment does not say (a job deletes subjects past their retention day)',
  },
  enrolmentRunDays: {
    env: 'LINTAS_BIOMETRICS_ENROLMENT_RUN_DAYS',
    kind: 'count',
    default: 90,
    description: 'days the record of a bulk enrolment (its counts and rejected rows) is kept after it ended',
  },
  approximateFrom: {
    env: 'LINTAS_BIOMETRICS_APPROXIMATE_FROM',
    kind: 'count',
    default: 50000,
    description: 'gallery size from which the approximate index (HNSW) answers searches instead of exact search',
  },
  releaseHours: {
    env: 'LINTAS_BIOMETRICS_RELEASE_HOURS',
    kind: 'count',
    default: 24,
    description: 'hours between scheduled runs of the biometrics release job, the only source of counts of searches, hits and step-two decisions over other members (it also runs when a month closes)',
  },
});
