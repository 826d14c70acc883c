import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import { SharingView } from '../../components/sharing.js';
import { DateText, ErrorAlert, Field, Loading, Notice, PageHeader, TlpBadge } from '../../components/ui.js';
import { useResource, useSubmit, useTitle } from '../../hooks.js';
import { Link, navigate } from '../../router.js';
import { labelOf, type CodeLists, type Report, type ReportOne } from './api.js';
import { StatusBadge } from './reports.js';
import { useMembers } from '../directory/hooks.js';

const listOf = (labels: Record<string, string> | undefined, codes: readonly string[] | undefined): string =>
  codes && codes.length > 0 ? codes.map((code) => labelOf(labels, code)).join(', ') : '—';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** The source's links: each http(s) address a link, anything else as text. */
function SourceLinks({ text }: { text: string }) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return (
    <>
      {parts.map((part, index) => (
        <span key={index}>
          {index > 0 ? ', ' : ''}
          {/^https?:\/\//i.test(part) ? (
            <a href={part} target="_blank" rel="noopener noreferrer">
              {part}
            </a>
          ) : (
            part
          )}
        </span>
      ))}
    </>
  );
}

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

      <div className="document-layout">
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

function ReportDetails({ data, codes, country }: { data: Report; codes: CodeLists | undefined; country: (code: string | undefined) => string }) {
  return (
    <>
      <h2>When and where</h2>
      <dl className="details">
        <Row label="Date">
          <DateText value={data.when?.from ?? null} />
          {data.when?.to ? (
            <>
              {' – '}
              <DateText value={data.when.to} />
            </>
          ) : null}
        </Row>
        <Row label="Country">{data.where.country ? country(data.where.country) : 'None: far at sea'}</Row>
        {data.where.seaArea ? <Row label="Sea area">{data.where.seaArea}</Row> : null}
        {data.where.sourceRegion ? <Row label="Source's region">{data.where.sourceRegion}</Row> : null}
        {data.where.namedCountry ? <Row label="Country the place's words name">{country(data.where.namedCountry)} (the point is not there: check it)</Row> : null}
        <Row label="Place">{data.where.place ?? '—'}</Row>
        <Row label="Kind of place">{labelOf(codes?.placeKinds, data.where.kind) || '—'}</Row>
        <Row label="Coordinates">{data.where.latitude !== undefined && data.where.longitude !== undefined ? `${data.where.latitude}, ${data.where.longitude}` : '—'}</Row>
        <Row label="Origin → destination">
          {country(data.origin)} → {country(data.destination)}
        </Row>
      </dl>
      <h2>Route</h2>
      {data.route && data.route.length > 0 ? (
        <ol>
          {data.route.map((leg, index) => (
            <li key={index}>
              {country(leg.from)} → {country(leg.to)}
              {leg.transit && leg.transit.length > 0 ? ` via ${leg.transit.join(', ')}` : ''}
              {leg.mode ? ` · ${labelOf(codes?.transportModes, leg.mode)}` : ''}
              {leg.conveyance ? ` · ${labelOf(codes?.conveyances, leg.conveyance)}` : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No route recorded.</p>
      )}
      <h2>People moved ({data.peopleTotal})</h2>
      {data.people && data.people.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Citizenship</th>
              <th scope="col">Men</th>
              <th scope="col">Women</th>
              <th scope="col">Boys</th>
              <th scope="col">Girls</th>
              <th scope="col">Unknown</th>
              <th scope="col">Unaccompanied children</th>
            </tr>
          </thead>
          <tbody>
            {data.people.map((group) => (
              <tr key={group.citizenship}>
                <th scope="row">{group.citizenship === 'XXX' ? 'Stateless or unknown' : country(group.citizenship)}</th>
                <td>{group.adultMen ?? 0}</td>
                <td>{group.adultWomen ?? 0}</td>
                <td>{group.boys ?? 0}</td>
                <td>{group.girls ?? 0}</td>
                <td>{group.unknownSexOrAge ?? 0}</td>
                <td>{group.unaccompaniedChildren ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No people counted.</p>
      )}
      <dl className="details">
        <Row label="Vulnerabilities">{listOf(codes?.vulnerabilities, data.vulnerabilities)}</Row>
        <Row label="Outcomes">
          {Object.entries(data.outcomes ?? {})
            .filter(([, value]) => value)
            .map(([key, value]) => `${key.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${value}`)
            .join(', ') || '—'}
        </Row>
        <Row label="Fee">
          {data.fee ? `${data.fee.amount} ${data.fee.currency} ${labelOf(codes?.feeBases, data.fee.basis).toLowerCase()} · ${listOf(codes?.paymentMethods, data.fee.paymentMethods)}` : '—'}
        </Row>
        <Row label="Smugglers">
          {data.smugglers?.count ?? '—'} · {(data.smugglers?.citizenships ?? []).map(country).join(', ') || '—'} · {listOf(codes?.smugglerRoles, data.smugglers?.roles)}
        </Row>
        <Row label="Methods">{listOf(codes?.methods, data.smugglers?.methods)}</Row>
        <Row label="Documents">
          {listOf(codes?.documentUse, data.documents?.kinds)} · {(data.documents?.issuingCountries ?? []).map(country).join(', ') || '—'}
        </Row>
        <Row label="Law enforcement">
          {Object.entries(data.lawEnforcement ?? {})
            .map(([key, value]) => `${key}: ${value}`)
            .join(', ')}
        </Row>
        <Row label="Source">{data.source ?? '—'}</Row>
        {data.sourceDetails?.recordId ? <Row label="Source's record">{data.sourceDetails.recordId}</Row> : null}
        {data.sourceDetails?.url ? <Row label="Source links"><SourceLinks text={data.sourceDetails.url} /></Row> : null}
        {data.sourceDetails?.quality ? <Row label="Source's quality grade">{data.sourceDetails.quality}</Row> : null}
        <Row label="Evaluation">{data.sharing.evaluation ? `${data.sharing.evaluation.source}${data.sharing.evaluation.information}` : '—'}</Row>
      </dl>
      <h2>Narrative</h2>
      {data.narrative ? <div className="body-text">{data.narrative}</div> : <p className="muted">No narrative.</p>}
    </>
  );
}
