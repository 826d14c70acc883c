import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { useT } from '../../i18n/index.js';
import { useSession } from '../../session.js';
import { DocumentsTabs } from './documents-check.js';
import { HitCard, HitSideTabs, type Side } from './documents-hits.js';
import { DOCUMENT_TYPE_LABEL, type HitOne } from './api.js';
import { useMembers } from '../directory/hooks.js';

/**
 * One hit record, where the inbox and the audit trail link to it: the issuer confirms or denies it
 * here, the checking member reads the outcome. A member that may not see it gets "not found".
 */
export function DocumentHitPage({ id }: { id: string }) {
  const hit = useResource<HitOne>(`/documents/hits/${encodeURIComponent(id)}`);
  const members = useMembers();
  const { session } = useSession();
  const names = members.names;
  const t = useT();
  useTitle(hit.data ? t('documents.hit.titleOn', { type: t(DOCUMENT_TYPE_LABEL[hit.data.data.type]), number: hit.data.data.number }) : t('documents.hit.title'));

  if (!hit.data) {
    return (
      <>
        <PageHeader title={hit.error?.status === 404 ? t('documents.hit.notFound') : t('documents.title')} />
        <DocumentsTabs />
        {hit.error ? <ErrorAlert error={hit.error} /> : <Loading />}
      </>
    );
  }
  const record = hit.data.data;
  const side: Side = record.owner === session.user.member ? 'issuer' : 'checker';

  return (
    <>
      <PageHeader title={t('documents.title')} />
      <DocumentsTabs />
      <HitSideTabs side={side} />
      <HitCard hit={record} side={side} names={names} onAnswered={(answered) => hit.set({ data: answered })} />
    </>
  );
}
