import { useCallback } from 'react';
import { CountRelease } from '../../components/count-release.js';
import { PageHeader } from '../../components/ui.js';
import { useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { keyKindLabel } from './api.js';
import { LinkageTabs } from './linkage-tabs.js';

const TABLE_LABEL: Readonly<Record<string, MessageId>> = {
  entities: msg('linkage.figures.table.entities'),
  entitiesByKind: msg('linkage.figures.table.entitiesByKind'),
  entitiesBySource: msg('linkage.figures.table.entitiesBySource'),
  linkedByKind: msg('linkage.figures.table.linkedByKind'),
  noticesByKind: msg('linkage.figures.table.noticesByKind'),
};
const DIMENSION_LABEL: Readonly<Record<string, MessageId>> = {
  kind: msg('linkage.figures.kind'),
  source: msg('linkage.figures.source'),
};
const SOURCE_LABEL: Readonly<Record<string, MessageId>> = {
  'linkage/lead': msg('linkage.figures.source.lead'),
  'reports/report': msg('linkage.figures.source.report'),
  'documents/hit': msg('linkage.figures.source.hit'),
};

/** Entity values, links and hit notices across all members: only the linkage release's fixed, perturbed tables (rule 6). */
export function FiguresPage() {
  const t = useT();
  useTitle(t('linkage.figures.title'));
  const keyLabel = useCallback((value: string) => {
    const id = keyKindLabel(value) ?? SOURCE_LABEL[value];
    return id ? t(id) : value;
  }, [t]);
  return (
    <>
      <PageHeader title={t('linkage.title')} />
      <LinkageTabs />
      <h2>{t('linkage.figures.title')}</h2>
      <p className="hint">{t('linkage.figures.hint')}</p>
      <CountRelease
        path="/linkage/release"
        tableLabels={TABLE_LABEL}
        dimensionLabels={DIMENSION_LABEL}
        keyLabel={keyLabel}
        counts={t('linkage.figures.counts')}
        unit={t('linkage.figures.unit')}
      />
    </>
  );
}
