import { DateText, ErrorAlert, Loading, MoreButton, PageHeader } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { recordPath } from '../../records.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { AuditRead } from './api.js';
import { useMembers } from '../directory/hooks.js';
import type { ReactNode } from 'react';
import { msg, useT, type MessageId, type Translate } from '../../i18n/index.js';

const OBJECT_LABEL: Record<string, MessageId | undefined> = {
  'library-document': msg('audit.object.libraryDocuments'),
  report: msg('audit.object.reports'),
  'travel-document': msg('audit.object.travelDocuments'),
  'document-hit': msg('audit.object.documentHits'),
  'linkage-lead': msg('audit.object.linkageLeads'),
  'linkage-notice': msg('audit.object.linkageNotices'),
  'linkage-request': msg('audit.object.linkageRequests'),
  'linkage-record': msg('audit.object.linkageRecords'),
};

/** What the other member did with the records, by audit action; an action not here shows its raw name. */
const ACTION_LABEL: Record<string, MessageId | undefined> = {
  'library.read': msg('audit.action.opened'),
  'library.search': msg('audit.action.foundInSearch'),
  'library.list': msg('audit.action.listed'),
  'library.file-read': msg('audit.action.downloadedFile'),
  'library.count': msg('audit.action.countedInSearch'),
  'bulletins.read': msg('audit.action.opened'),
  'bulletins.versions-read': msg('audit.action.opened'),
  'bulletins.comments-read': msg('audit.action.opened'),
  'bulletins.list': msg('audit.action.listed'),
  'bulletins.attachment-read': msg('audit.action.downloadedFile'),
  'report.read': msg('audit.action.opened'),
  'report.list': msg('audit.action.listed'),
  'reports.export': msg('audit.action.exported'),
  'document.read': msg('audit.action.opened'),
  'document.list-reports': msg('audit.action.listedReportedToYou'),
  'document.report': msg('audit.action.reportedToYou'),
  'documents.check': msg('audit.action.foundInCheck'),
  'document.holder-read': msg('audit.action.openedHolder'),
  'document-hit.read': msg('audit.action.opened'),
  'document-hit.list': msg('audit.action.listed'),
  'linkage.lead-read': msg('audit.action.opened'),
  'linkage.lead-list': msg('audit.action.listed'),
  'linkage.links-read': msg('audit.action.seenInLinks'),
  'linkage.graph-read': msg('audit.action.seenInGraph'),
  'linkage.graph-export': msg('audit.action.exported'),
  'linkage.notice-read': msg('audit.action.opened'),
  'linkage.notice-list': msg('audit.action.listed'),
  'linkage.request': msg('audit.action.askedDisclosure'),
  'linkage.request-read': msg('audit.action.opened'),
  'linkage.request-list': msg('audit.action.listed'),
  'linkage.disclose': msg('audit.action.disclosed'),
  'linkage.refuse': msg('audit.action.refusedDisclosure'),
  'linkage.request-remind': msg('audit.action.remindedOfRequest'),
};


/** A label from a table, or the raw name (marked as data) when the table lacks it. */
function labelOr(t: Translate, id: MessageId | undefined, raw: string): ReactNode {
  return id ? t(id) : <code>{raw}</code>;
}

export function AuditPage() {
  const t = useT();
  useTitle(t('audit.title'));
  const { session } = useSession();
  if (!can(session, 'audit.read')) {
    return (
      <>
        <PageHeader title={t('audit.title')} />
        <p>{t('audit.notAllowed')}</p>
      </>
    );
  }
  return <AuditReads memberName={session.user.memberName} />;
}

function AuditReads({ memberName }: { memberName: string }) {
  const reads = usePaged<AuditRead>('/audit/reads');
  const members = useMembers();
  const { names } = members;
  const t = useT();

  return (
    <>
      <PageHeader title={t('audit.title')} />
      <p>{t('audit.intro', { member: memberName })}</p>
      <ErrorAlert error={reads.error} />
      {reads.loading === 'first' ? (
        <Loading />
      ) : reads.items.length === 0 && !reads.error ? (
        <p>{t('audit.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.member')}</th>
                <th scope="col">{t('audit.user')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.records')}</th>
                <th scope="col">{t('audit.purpose')}</th>
              </tr>
            </thead>
            <tbody>
              {reads.items.map((read) => (
                <tr key={read.id}>
                  <td className="nowrap">
                    <DateText value={read.at} withTime />
                  </td>
                  <td translate="no">{names.get(read.readerMember) ?? read.readerMember}</td>
                  <td>{read.readerName ? <span translate="no">{read.readerName}</span> : <span className="muted">{t('audit.notShown')}</span>}</td>
                  <td>{labelOr(t, ACTION_LABEL[read.action], read.action)}</td>
                  <td>
                    {read.objectType ? <span className="muted">{t.rich('audit.objectType', { type: labelOr(t, OBJECT_LABEL[read.objectType], read.objectType) })} </span> : null}
                    <ul className="inline-list ids">
                      {read.ids.map((id) => {
                        const path = recordPath(read.objectType, id);
                        return (
                          <li key={id}>
                            {path ? (
                              <Link to={path}>
                                <code title={id}>{id.slice(0, 8)}</code>
                                <span className="visually-hidden"> {t('audit.recordId', { id })}</span>
                              </Link>
                            ) : (
                              <code>{id}</code>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                  <td translate="no">{read.purpose ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton paged={reads} />
    </>
  );
}
