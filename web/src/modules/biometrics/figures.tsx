import { useCallback } from 'react';
import { CountRelease } from '../../components/count-release.js';
import { PageHeader } from '../../components/ui.js';
import { useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { PURPOSE_LABEL } from './api.js';
import { BiometricsTabs } from './tabs.js';
import './biometrics.css';

const TABLE_LABEL: Readonly<Record<string, MessageId>> = {
  searches: msg('biometrics.figures.table.searches'),
  searchesByPurpose: msg('biometrics.figures.table.searchesByPurpose'),
  hitsByPurpose: msg('biometrics.figures.table.hitsByPurpose'),
  stepTwoByOutcome: msg('biometrics.figures.table.stepTwoByOutcome'),
};
const DIMENSION_LABEL: Readonly<Record<string, MessageId>> = {
  purpose: msg('biometrics.figures.purpose'),
  outcome: msg('biometrics.figures.outcome'),
};
const OUTCOME_LABEL: Readonly<Record<string, MessageId>> = {
  confirmed: msg('biometrics.figures.confirmed'),
  rejected: msg('biometrics.figures.rejected'),
};

/** Searches, hits and step-two decisions across all members: only the biometrics release's fixed, perturbed tables (rule 6). */
export function FiguresPage() {
  const t = useT();
  useTitle(t('biometrics.figures.title'));
  const keyLabel = useCallback((value: string) => {
    const id = (PURPOSE_LABEL as Readonly<Record<string, MessageId>>)[value] ?? OUTCOME_LABEL[value];
    return id ? t(id) : value;
  }, [t]);
  return (
    <>
      <PageHeader title={t('biometrics.title')} />
      <BiometricsTabs />
      <h2>{t('biometrics.figures.title')}</h2>
      <p className="hint">{t('biometrics.figures.hint')}</p>
      <CountRelease
        path="/biometrics/release"
        tableLabels={TABLE_LABEL}
        dimensionLabels={DIMENSION_LABEL}
        keyLabel={keyLabel}
        counts={t('biometrics.figures.counts')}
        unit={t('biometrics.figures.unit')}
      />
    </>
  );
}
