import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { Link } from '../../router.js';
import { DocumentsTabs } from './documents-check.js';
import { StateBadge } from './documents-register.js';
import { DOCUMENT_STATUS_LABEL, DOCUMENT_TYPE_LABEL, type DocumentOne } from './api.js';
import { useMembers } from '../directory/hooks.js';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Text a user wrote, or a dash. */
const text = (value: string | null | undefined): ReactNode => (value ? <span translate="no">{value}</span> : <span className="muted">—</span>);

type Step = 'cancel' | 'confirm' | 'reject';

const DONE: Readonly<Record<Step, MessageId>> = {
  cancel: msg('documents.document.cancelled'),
  confirm: msg('documents.document.confirmed'),
  reject: msg('documents.document.rejected'),
};

/** One register record, with what the issuer may do to it: cancel it, or confirm or reject another member's report of it. */
export function TravelDocumentPage({ id }: { id: string }) {
  const path = `/documents/${encodeURIComponent(id)}`;
  const record = useResource<DocumentOne>(path);
  const members = useMembers();
  const { names } = members;
  const action = useSubmit();
  const [note, setNote] = useState('');
  const [done, setDone] = useState<Step | null>(null);
  const t = useT();
  useTitle(record.data ? t('documents.document.titleNumber', { number: record.data.data.number }) : t('documents.document.title'));

  if (!record.data) {
    return (
      <>
        <PageHeader title={record.error ? t('documents.document.notFound') : t('documents.document.title')} />
        <DocumentsTabs />
        {record.error ? <ErrorAlert error={record.error} /> : <Loading />}
      </>
    );
  }
  const doc = record.data.data;
  const step = (verb: Step): void => {
    void action.run(async () => {
      const body = verb === 'cancel' ? (note.trim() ? { reason: note.trim() } : {}) : note.trim() ? { note: note.trim() } : {};
      const updated = await api.post<DocumentOne>(`${path}/${verb}`, body);
      record.set(updated);
      setNote('');
      setDone(verb);
    });
  };
  const decides = doc.abilities.cancel || doc.abilities.confirm || doc.abilities.reject;

  return (
    <>
      <PageHeader
        title={
          <>
            {t(DOCUMENT_TYPE_LABEL[doc.type])} <span translate="no">{doc.number}</span>
          </>
        }
      />
      <DocumentsTabs />
      <p>
        <Link to="/documents/register">{t('documents.register.back')}</Link>
      </p>
      {done ? <Notice tone="success">{t(DONE[done])}</Notice> : null}
      <dl className="details">
        <Row label={t('documents.field.issuer')}>
          <span translate="no">
            {doc.issuerName} ({doc.issuer})
          </span>
        </Row>
        <Row label={t('documents.field.status')}>{t(DOCUMENT_STATUS_LABEL[doc.status])}</Row>
        <Row label={t('documents.field.state')}>
          <StateBadge state={doc.state} />
        </Row>
        <Row label={t('documents.field.reportedOn')}>
          <DateText value={doc.reportedOn} />
        </Row>
        <Row label={t('documents.field.lostOn')}>
          <DateText value={doc.lostOn} />
        </Row>
        <Row label={t('documents.field.issuedOn')}>
          <DateText value={doc.issuedOn} />
        </Row>
        <Row label={t('documents.field.expiresOn')}>
          <DateText value={doc.expiresOn} />
        </Row>
        <Row label={t('documents.field.place')}>{text(doc.place)}</Row>
        <Row label={t('documents.field.remarks')}>{text(doc.remarks)}</Row>
        {doc.reportedBy ? (
          <Row label={t('documents.field.reportedBy')}>
            <span translate="no">{names.get(doc.reportedBy) ?? doc.reportedBy}</span>
            {doc.reportNote ? <> — {text(doc.reportNote)}</> : null}
          </Row>
        ) : null}
        {doc.decisionNote ? <Row label={t('documents.field.decision')}>{text(doc.decisionNote)}</Row> : null}
        {doc.cancelledAt ? (
          <Row label={t('documents.field.cancelled')}>
            <DateText value={doc.cancelledAt} withTime />
            {doc.cancelReason ? <> — {text(doc.cancelReason)}</> : null}
          </Row>
        ) : null}
        {doc.holder !== undefined ? (
          <Row label={t('documents.field.holder')}>
            {text(doc.holder ? [doc.holder.surname, doc.holder.givenNames, doc.holder.nationality, doc.holder.birthDate, doc.holder.sex].filter(Boolean).join(', ') : null)}
            {doc.holderKeptUntil ? <span className="muted"> {t.rich('documents.field.holderKeptUntil', { date: <DateText value={doc.holderKeptUntil} /> })}</span> : null}
          </Row>
        ) : null}
      </dl>
      <h2>{t('documents.document.sharing')}</h2>
      <SharingView sharing={doc.sharing} owner={doc.owner} names={names} />

      {decides ? (
        <section aria-labelledby="document-actions" className="hit-answer">
          <h2 id="document-actions">{doc.abilities.cancel ? t('documents.document.cancelTitle') : t('documents.document.decideTitle')}</h2>
          <Field
            label={doc.abilities.cancel ? t('documents.document.reason') : t('documents.document.note')}
            hint={doc.abilities.cancel ? t('documents.document.reasonHint') : undefined}
            error={action.error?.fieldError(doc.abilities.cancel ? '/reason' : '/note')}
          >
            {(props) => <textarea {...props} rows={2} maxLength={doc.abilities.cancel ? 500 : 2000} value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
          <ErrorAlert error={action.error} shown={['/reason', '/note']} />
          <div className="form-actions">
            {doc.abilities.cancel ? (
              <button type="button" className="button-danger" disabled={action.busy} onClick={() => step('cancel')}>
                {t('documents.document.cancel')}
              </button>
            ) : null}
            {doc.abilities.confirm ? (
              <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('confirm')}>
                {t('documents.document.confirm')}
              </button>
            ) : null}
            {doc.abilities.reject ? (
              <button type="button" className="button-secondary" disabled={action.busy} onClick={() => step('reject')}>
                {t('documents.document.reject')}
              </button>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  );
}
