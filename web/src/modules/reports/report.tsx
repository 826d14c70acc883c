import './report.css';
import { useState } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { labelOf, type CodeLists, type ReportOne } from './api.js';
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
  const [done, setDone] = useState<string | null>(null);
  useTitle('Report');
  const names = members.names;

  if (!report.data) {
    return (
      <>
        <PageHeader title={report.error ? 'Report not found' : 'Report'} />
        <p>
          <Link to="/reports">← Reports</Link>
        </p>
        {report.error ? <ErrorAlert error={report.error} /> : <Loading />}
      </>
    );
  }

  const { data, abilities } = report.data;
  const codes = lists.data;
  const country = (code: string | undefined): string => (code ? (codes?.countries.find((c) => c.code === code)?.name ?? code) : '—');
  const path = `/reports/${encodeURIComponent(data.id)}`;

  const step = (verb: 'submit' | 'approve' | 'withdraw' | 'return', message: string, body?: unknown): void => {
    void action.run(async () => {
      await api.post<ReportOne>(`${path}/${verb}`, body);
      setDone(message);
      setReturning(false);
      setNote('');
      report.reload();
    });
  };
  const remove = (): void => {
    if (!window.confirm('Delete this draft? This cannot be undone.')) return;
    void action.run(async () => {
      await api.delete(path);
      navigate('/reports');
    });
  };

  return (
    <>
      <PageHeader title={`${labelOf(codes?.incidentTypes, data.incidentType)} — ${data.where.country ? country(data.where.country) : (data.where.seaArea ?? data.where.sourceRegion ?? 'at sea')}`}>
        {abilities.update ? (
          <Link className="button" to={`${path}/edit`}>
            Edit
          </Link>
        ) : null}
        {abilities.submit ? (
          <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('submit', 'Submitted for approval.')}>
            Submit for approval
          </button>
        ) : null}
        {abilities.approve ? (
          <button type="button" className="button-primary" disabled={action.busy} onClick={() => step('approve', 'Approved and shared.')}>
            Approve and share
          </button>
        ) : null}
        {abilities.return ? (
          <button type="button" className="button-secondary" disabled={action.busy} onClick={() => setReturning(true)}>
            Return to draft
          </button>
        ) : null}
        {abilities.withdraw ? (
          <button type="button" className="button-danger" disabled={action.busy} onClick={() => window.confirm('Withdraw this report? Others will no longer see it.') && step('withdraw', 'Withdrawn.')}>
            Withdraw
          </button>
        ) : null}
        {abilities.delete ? (
          <button type="button" className="button-danger" disabled={action.busy} onClick={remove}>
            Delete
          </button>
        ) : null}
      </PageHeader>
      <p>
        <StatusBadge status={data.status} /> <TlpBadge tlp={data.sharing.tlp} />
        {!abilities.passOn ? <span> Do not export, forward or re-share this report.</span> : null}
      </p>
      <p>
        <Link to="/reports">← Reports</Link>
      </p>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {data.returnNote ? (
        <Notice tone="warning">
          <strong>Returned to draft{data.returnNote.returnedAt ? <> on <DateText value={data.returnNote.returnedAt} withTime /></> : null}:</strong>{' '}
          <span className="return-note">{data.returnNote.note}</span> Correct the report and submit it again.
        </Notice>
      ) : null}
      {data.status === 'submitted' && data.abilities.return && !data.abilities.approve ? (
        <Notice tone="warning">You submitted this report: another approver of your member approves it (four eyes).</Notice>
      ) : null}
      {returning ? (
        <form
          className="panel"
          onSubmit={(event) => {
            event.preventDefault();
            step('return', 'Returned to draft.', { note: note.trim() });
          }}
        >
          <Field label="Note for the reporting officer" hint="What should change before it is submitted again." error={action.error?.fieldError('/note')}>
            {(props) => <textarea {...props} rows={3} maxLength={2000} required value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={action.busy || !note.trim()}>
              Return to draft
            </button>
            <button type="button" className="button-secondary" onClick={() => setReturning(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      <ErrorAlert error={action.error} shown={returning ? ['/note'] : []} />

      <div className="document-layout report-layout">
        <article className="document-body">
          <ReportDetails data={data} codes={codes} country={country} />
        </article>
        <aside className="document-meta" aria-label="About this report">
          <section className="panel" aria-labelledby="report-record">
            <h2 id="report-record">Record</h2>
            <dl className="details">
              <Row label="Owner">{names.get(data.owner) ?? data.owner}</Row>
              <Row label="Agency">{data.agency ?? '—'}</Row>
              <Row label="Created">
                <DateText value={data.createdAt} withTime />
              </Row>
              <Row label="Changed">
                <DateText value={data.updatedAt} withTime />
              </Row>
              <Row label="Submitted">
                <DateText value={data.submittedAt} withTime />
              </Row>
              <Row label="Approved">
                <DateText value={data.approvedAt} withTime />
              </Row>
              {data.withdrawnAt ? (
                <Row label="Withdrawn">
                  <DateText value={data.withdrawnAt} withTime />
                </Row>
              ) : null}
            </dl>
          </section>
          <section className="panel" aria-labelledby="report-sharing">
            <h2 id="report-sharing">Sharing</h2>
            <SharingView sharing={data.sharing} owner={data.owner} names={names} />
          </section>
        </aside>
      </div>
    </>
  );
}
