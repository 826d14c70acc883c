import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link } from '../../router.js';
import { DocumentsTabs } from './documents-check.js';
import { StateBadge } from './documents-register.js';
import { DOCUMENT_STATUS_LABELS, DOCUMENT_TYPE_LABELS, type DocumentOne } from './api.js';
import { useMembers } from '../directory/hooks.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const text = (value: string | null | undefined): ReactNode => (value ? value : <span className="muted">—</span>);

/** One register record, with what the issuer may do to it: cancel it, or confirm or reject another member's report of it. */
export function TravelDocumentPage({ id }: { id: string }) {
  const path = `/documents/${encodeURIComponent(id)}`;
  const record = useResource<DocumentOne>(path);
  const members = useMembers();
  const { names } = members;
  const action = useSubmit();
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  useTitle(record.data ? `Travel document ${record.data.data.number}` : 'Travel document');

  if (!record.data) {
    return (
      <>
        <PageHeader title={record.error ? 'Travel document not found' : 'Travel document'} />
        <DocumentsTabs />
        {record.error ? <ErrorAlert error={record.error} /> : <Loading />}
      </>
    );
  }
  const doc = record.data.data;
  const step = (verb: 'cancel' | 'confirm' | 'reject', message: string): void => {
    void action.run(async () => {
      const body = verb === 'cancel' ? (note.trim() ? { reason: note.trim() } : {}) : note.trim() ? { note: note.trim() } : {};
      const updated = await api.post<DocumentOne>(`${path}/${verb}`, body);
      record.set(updated);
      setNote('');
      setDone(message);
    });
  };
  const decides = doc.abilities.cancel || doc.abilities.confirm || doc.abilities.reject;

  return (
    <>
      <PageHeader title={`${DOCUMENT_TYPE_LABELS[doc.type]} ${doc.number}`} />
      <DocumentsTabs />
      <p>
        <Link to="/documents/register">← Our register</Link>
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      <dl className="details">
        <Row label="Issuer">
          {doc.issuerName} ({doc.issuer})
        </Row>
        <Row label="Status">{DOCUMENT_STATUS_LABELS[doc.status]}</Row>
        <Row label="State">
          <StateBadge state={doc.state} />
        </Row>
        <Row label="Reported on">
          <DateText value={doc.reportedOn} />
        </Row>
        <Row label="Lost or stolen on">
          <DateText value={doc.lostOn} />
        </Row>
        <Row label="Issued on">
          <DateText value={doc.issuedOn} />
        </Row>
        <Row label="Expires on">
          <DateText value={doc.expiresOn} />
        </Row>
        <Row label="Place">{text(doc.place)}</Row>
        <Row label="Remarks">{text(doc.remarks)}</Row>
        {doc.reportedBy ? (
          <Row label="Reported by">
            {names.get(doc.reportedBy) ?? doc.reportedBy}
            {doc.reportNote ? ` — ${doc.reportNote}` : ''}
          </Row>
        ) : null}
        {doc.decisionNote ? <Row label="Decision">{doc.decisionNote}</Row> : null}
        {doc.cancelledAt ? (
          <Row label="Cancelled">
            <DateText value={doc.cancelledAt} withTime />
            {doc.cancelReason ? ` — ${doc.cancelReason}` : ''}
          </Row>
        ) : null}
        {doc.holder !== undefined ? (
          <Row label="Holder">
            {doc.holder
              ? [doc.holder.surname, doc.holder.givenNames, doc.holder.nationality, doc.holder.birthDate, doc.holder.sex].filter(Boolean).join(', ')
              : text(null)}
          </Row>
        ) : null}
      </dl>
      <h2>Sharing</h2>
      <SharingView sharing={doc.sharing} owner={doc.owner} names={names} />

      {decides ? (
        <section aria-labelledby="document-actions" className="hit-answer">
          <h2 id="document-actions">{doc.abilities.cancel ? 'Cancel' : 'Confirm or reject the report'}</h2>
          <Field
            label={doc.abilities.cancel ? 'Reason' : 'Note for the reporting member'}
            hint={doc.abilities.cancel ? 'Found, returned, entered in error… The document stops hitting at once.' : undefined}
            error={action.error?.fieldError(doc.abilities.cancel ? '/reason' : '/note')}
          >
            {(props) => <textarea {...props} rows={2} maxLength={doc.abilities.cancel ? 500 : 2000} value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
          <ErrorAlert error={action.error} shown={['/reason', '/note']} />
          <div className="form-actions">
            {doc.abilities.cancel ? (
              <button type="button" className="button-danger" disabled={action.busy} onClick={() => step('cancel', 'Cancelled: the document no longer hits.')}>
                Cancel the document
              </button>
            ) : null}
            {doc.abilities.confirm ? (
              <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('confirm', 'Confirmed: the document is in your register and hits.')}>
                Confirm
              </button>
            ) : null}
            {doc.abilities.reject ? (
              <button type="button" className="button-secondary" disabled={action.busy} onClick={() => step('reject', 'Rejected; the reporting member is told.')}>
                Reject
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  );
}
