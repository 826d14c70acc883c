import './report.css';
import { useState } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import type { CodeLists, ReportOne } from './api.js';
import { codeLabel } from './labels.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { ReportDetails, Row } from './report-details.js';
import { StatusBadge } from './reports.js';
import { useMembers } from '../directory/hooks.js';

/** One report with the workflow buttons its abilities allow. */
export function ReportPage({ id }: { id: string }) {
  const report = useResource<ReportOne>(`/reports/${encodeURIComponent(id)}`);
  const lists = useResource<CodeLists>('/reports/code-lists');
  const members = useMembers();
  const action = useSubmit();
  const [returning, setReturning] = useState(false);
  const [note, setNote] = useState('');
  const [done, setDone] = useState<MessageId | null>(null);
  const t = useT();
  useTitle(t('reports.report.title'));
  const names = members.names;

  if (!report.data) {
    return (
      <>
        <PageHeader title={report.error ? t('reports.report.notFound') : t('reports.report.title')} />
        <p>
          <Link to="/reports">{t('reports.report.back')}</Link>
        </p>
        {report.error ? <ErrorAlert error={report.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = report.data;
  const codes = lists.data;
  // Country names are data (the server's list), shown with translate="no" where they appear.
  const country = (code: string | undefined): string => (code ? (codes?.countries.find((c) => c.code === code)?.name ?? code) : '—');
  const path = `/reports/${encodeURIComponent(data.id)}`;

  const step = (verb: 'submit' | 'approve' | 'withdraw' | 'return', message: MessageId, body?: unknown): void => {
    void action.run(async () => {
      await api.post<ReportOne>(`${path}/${verb}`, body);
      setDone(message);
      setReturning(false);
      setNote('');
      report.reload();
    });
  };
  const remove = (): void => {
    if (!window.confirm(t('reports.report.confirmDelete'))) return;
    void action.run(async () => {
      await api.delete(path);
      navigate('/reports');
    });
  };

  return (
    <>
      <PageHeader
        title={
          data.where.country || data.where.seaArea || data.where.sourceRegion
            ? t.rich('reports.list.itemTitle', { type: codeLabel(t, 'incidentTypes', data.incidentType, codes?.incidentTypes), name: <span translate="no">{data.where.country ? country(data.where.country) : (data.where.seaArea ?? data.where.sourceRegion)}</span> })
            : t('reports.report.titleAtSea', { type: codeLabel(t, 'incidentTypes', data.incidentType, codes?.incidentTypes) })
        }
      >
        {abilities.update ? (
          <Link className="button" to={`${path}/edit`}>
            {t('common.edit')}
          </Link>
        ) : null}
        {abilities.submit ? (
          <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('submit', msg('reports.report.submitted'))}>
            {t('reports.report.submit')}
          </button>
        ) : null}
        {abilities.approve ? (
          <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('approve', msg('reports.report.approved'))}>
            {t('reports.report.approve')}
          </button>
        ) : null}
        {abilities.return ? (
          <button type="button" className="button-secondary" disabled={action.busy} onClick={() => setReturning(true)}>
            {t('reports.report.return')}
          </button>
        ) : null}
        {abilities.withdraw ? (
          <button type="button" className="button-danger" disabled={action.busy} onClick={() => window.confirm(t('reports.report.confirmWithdraw')) && step('withdraw', msg('reports.report.withdrawn'))}>
            {t('reports.report.withdraw')}
          </button>
        ) : null}
        {abilities.delete ? (
          <button type="button" className="button-danger" disabled={action.busy} onClick={remove}>
            {t('common.delete')}
          </button>
        ) : null}
      </PageHeader>
      <p>
        <StatusBadge status={data.status} /> <TlpBadge tlp={data.sharing.tlp} />
        {!abilities.passOn ? <span> {t('reports.report.noPassOn')}</span> : null}
      </p>
      <p>
        <Link to="/reports">{t('reports.report.back')}</Link>
      </p>
      {done ? <Notice tone="success">{t(done)}</Notice> : null}
      {data.returnNote ? (
        <Notice tone="warning">
          <strong>{data.returnNote.returnedAt ? t.rich('reports.report.returnedOn', { date: <DateText value={data.returnNote.returnedAt} withTime /> }) : t('reports.report.returnedNote')}</strong>{' '}
          <span className="return-note" translate="no">{data.returnNote.note}</span> {t('reports.report.correctIt')}
        </Notice>
      ) : null}
      {data.status === 'submitted' && data.abilities.return && !data.abilities.approve ? (
        <Notice tone="warning">{t('reports.report.fourEyes')}</Notice>
      ) : null}
      {returning ? (
        <form
          className="panel"
          onSubmit={(event) => {
            event.preventDefault();
            step('return', msg('reports.report.returned'), { note: note.trim() });
          }}
        >
          <Field label={t('reports.report.returnNote')} hint={t('reports.report.returnNoteHint')} error={action.error?.fieldError('/note')}>
            {(props) => <textarea {...props} rows={3} maxLength={2000} required value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={action.busy || !note.trim()}>
              {t('reports.report.return')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setReturning(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <ErrorAlert error={action.error} shown={returning ? ['/note'] : []} />

      <div className="document-layout report-layout">
        <article className="document-body">
          <ReportDetails data={data} codes={codes} country={country} />
        </article>
        <aside className="document-meta" aria-label={t('reports.report.about')}>
          <section className="panel" aria-labelledby="report-record">
            <h2 id="report-record">{t('reports.report.record')}</h2>
            <dl className="details">
              <Row label={t('reports.report.owner')}><span translate="no">{names.get(data.owner) ?? data.owner}</span></Row>
              <Row label={t('reports.report.agency')}>{data.agency ? <span translate="no">{data.agency}</span> : '—'}</Row>
              <Row label={t('reports.report.created')}>
                <DateText value={data.createdAt} withTime />
              </Row>
              <Row label={t('reports.report.changed')}>
                <DateText value={data.updatedAt} withTime />
              </Row>
              <Row label={t('reports.report.submittedAt')}>
                <DateText value={data.submittedAt} withTime />
              </Row>
              <Row label={t('reports.report.approvedAt')}>
                <DateText value={data.approvedAt} withTime />
              </Row>
              {data.withdrawnAt ? (
                <Row label={t('reports.report.withdrawnAt')}>
                  <DateText value={data.withdrawnAt} withTime />
                </Row>
              ) : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="report-sharing">
            <h2 id="report-sharing">{t('reports.report.sharing')}</h2>
            <SharingView sharing={data.sharing} owner={data.owner} names={names} />
          </section>
        </aside>
      </div>
    </>
  );
}
