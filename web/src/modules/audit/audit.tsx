import { DateText, ErrorAlert, Loading, PageHeader } from '../../components/ui.js';
import { usePaged, useTitle } from '../../hooks.js';
import { recordPath } from '../../records.js';
import { Link } from '../../router.js';
import { can, useSession } from '../../session.js';
import type { AuditRead } from './api.js';
import { useMembers } from '../directory/hooks.js';

const OBJECT_LABEL: Record<string, string> = {
  'library-document': 'Library documents',
  report: 'Reports',
  'travel-document': 'Travel documents',
  'document-hit': 'Document hits',
};

/** What the other member did with the records, by audit action; an action not here shows its raw name. */
const ACTION_LABEL: Record<string, string> = {
  'library.read': 'Opened',
  'library.search': 'Found in a search',
  'library.list': 'Listed',
  'library.file-read': 'Downloaded the file',
  'library.count': 'Counted in a search',
  'report.read': 'Opened',
  'report.list': 'Listed',
  'reports.export': 'Exported to a file',
  'document.read': 'Opened',
  'document.list-reports': 'Listed among the documents it reported to you',
  'document.report': 'Reported to you',
  'documents.check': 'Found in a document check',
  'document.holder-read': 'Opened the holder details after a hit',
  'document-hit.read': 'Opened',
  'document-hit.list': 'Listed',
};

function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action;
}

export function AuditPage() {
  useTitle('Who read my records');
  const { session } = useSession();
  if (!can(session, 'audit.read')) {
    return (
      <>
        <PageHeader title="Who read my records" />
        <p>Your role does not include the audit trail.</p>
      </>
    );
  }
  return <AuditReads memberName={session.user.memberName} />;
}

function AuditReads({ memberName }: { memberName: string }) {
  const reads = usePaged<AuditRead>('/audit/reads');
  const members = useMembers();
  const { names } = members;

  return (
    <>
      <PageHeader title="Who read my records" />
      <p>Every time another member opens, lists, searches or downloads a record of {memberName}, it is written in the audit trail. The newest come first.</p>
      <ErrorAlert error={reads.error} />
      {reads.loading === 'first' ? (
        <Loading />
      ) : reads.items.length === 0 && !reads.error ? (
        <p>No other member has read your member’s records yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Reads of your member’s records by other members</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Member</th>
                <th scope="col">User</th>
                <th scope="col">Action</th>
                <th scope="col">Records</th>
                <th scope="col">Purpose</th>
              </tr>
            </thead>
            <tbody>
              {reads.items.map((read) => (
                <tr key={read.id}>
                  <td className="nowrap">
                    <DateText value={read.at} withTime />
                  </td>
                  <td>{names.get(read.readerMember) ?? read.readerMember}</td>
                  <td>{read.readerName ?? <span className="muted">Not shown</span>}</td>
                  <td>{actionLabel(read.action)}</td>
                  <td>
                    {read.objectType ? <span className="muted">{OBJECT_LABEL[read.objectType] ?? read.objectType}: </span> : null}
                    <ul className="inline-list ids">
                      {read.ids.map((id) => {
                        const path = recordPath(read.objectType, id);
                        return (
                          <li key={id}>
                            {path ? (
                              <Link to={path} title={id}>
                                <code>{id.slice(0, 8)}</code>
                                <span className="visually-hidden"> (record {id})</span>
                              </Link>
                            ) : (
                              <code>{id}</code>
                            )}
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                  <td>{read.purpose ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {reads.next ? (
        <button type="button" className="button-secondary more" onClick={reads.more} disabled={reads.loading !== null}>
          {reads.loading === 'more' ? 'Loading…' : 'More'}
        </button>
      ) : null}
    </>
  );
}
