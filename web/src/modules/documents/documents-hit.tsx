import { ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { useSession } from '../../session.js';
import { DocumentsTabs } from './documents-check.js';
import { HitCard, HitSideTabs, type Side } from './documents-hits.js';
import { DOCUMENT_TYPE_LABELS, type HitOne } from './api.js';
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
  useTitle(hit.data ? `Hit on ${DOCUMENT_TYPE_LABELS[hit.data.data.type]} ${hit.data.data.number}` : 'Document hit');

  if (!hit.data) {
    return (
      <>
        <PageHeader title={hit.error?.status === 404 ? 'Hit not found' : 'Travel documents'} />
        <DocumentsTabs />
        {hit.error ? <ErrorAlert error={hit.error} /> : <Loading />}
      </>
    );
  }
  const record = hit.data.data;
  const side: Side = record.owner === session.user.member ? 'issuer' : 'checker';

  return (
    <>
      <PageHeader title="Travel documents" />
      <DocumentsTabs />
      <HitSideTabs side={side} />
      <HitCard hit={record} side={side} names={names} onAnswered={(answered) => hit.set({ data: answered })} />
    </>
  );
}
