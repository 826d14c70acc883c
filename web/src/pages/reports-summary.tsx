import './reports-summary.css';
import { useState, type SubmitEvent } from 'react';
import { ErrorAlert, Field, Loading, PageHeader } from '../components/ui.js';
import { useResource, useTitle } from '../hooks.js';
import { navigate, useLocation } from '../router.js';
import { KEY_FIGURES, SEX_AGE, shown, type Cell, type Figures, type Summary } from './reports-dashboard-data.js';

const thisYear = (): { from: string; to: string } => {
  const year = new Date().getUTCFullYear() - 1;
  return { from: `${year}-01-01`, to: `${year}-12-31` };
};

/** The regional summary of a period, laid out to print (the print style sheet hides the app's frame) and as a PDF. */
export function ReportsSummaryPage() {
  useTitle('Regional summary');
  const location = useLocation();
  const period = { from: location.search.get('from') ?? thisYear().from, to: location.search.get('to') ?? thisYear().to };
  const [form, setForm] = useState(period);
  const search = new URLSearchParams(period).toString();
  const result = useResource<Summary>(`/reports/summary?${search}`);
  const submit = (event: SubmitEvent): void => {
    event.preventDefault();
    navigate(`/reports/summary?${new URLSearchParams(form).toString()}`);
  };
  return (
    <div className="summary-page">
      <PageHeader title={`Regional summary, ${period.from} to ${period.to}`}>
        <span className="no-print actions">
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
          <a className="button" href={`/api/v1/reports/summary.pdf?${search}`}>
            Download PDF
          </a>
        </span>
      </PageHeader>
      <form aria-label="Period" onSubmit={submit} className="form-row no-print" noValidate>
        <Field label="From" error={result.error?.fieldError('/from')}>
          {(props) => <input {...props} type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />}
        </Field>
        <Field label="To" error={result.error?.fieldError('/to')}>
          {(props) => <input {...props} type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />}
        </Field>
        <button type="submit" className="button-primary">
          Show
        </button>
      </form>
      <ErrorAlert error={result.error} />
      {result.data ? <SummaryBody summary={result.data} /> : result.error ? null : <Loading />}
    </div>
  );
}

function Bars({ title, rows, k }: { title: string; rows: { label: string; cell: Cell | undefined; field: keyof Figures }[]; k: number }) {
  const values = rows.map((row) => (row.cell && !row.cell.suppressed ? row.cell[row.field] ?? 0 : 0));
  const max = Math.max(1, ...values);
  return (
    <section className="panel">
      <h2>{title}</h2>
      <table className="summary-bars">
        <tbody>
          {rows.map((row, index) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>
                {row.cell?.suppressed ? null : <span className="summary-bar" style={{ width: `${(100 * (values[index] ?? 0)) / max}%` }} aria-hidden="true" />}
                {shown(row.cell, row.field, k)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SummaryBody({ summary }: { summary: Summary }) {
  const k = summary.k;
  const label = (code: string): string => summary.labels[code] ?? code;
  return (
    <>
      <p className="muted">
        Meant to be published: cells that count reports you cannot see are shown only for at least k = {k} reports; smaller ones read “fewer than {k}”.
        Generated {summary.generatedAt}.
      </p>
      <section className="panel">
        <h2>Key figures</h2>
        <dl className="details">
          {KEY_FIGURES.map(([field, name]) => (
            <div key={field}><dt>{name}</dt><dd>{shown(summary.keyFigures, field, k)}</dd></div>
          ))}
        </dl>
      </section>
      <Bars title="Reports by incident type" k={k} rows={summary.byIncidentType.map((c) => ({ label: label(c.key), cell: c, field: 'reports' }))} />
      <Bars title="Reports by quarter" k={k} rows={summary.byQuarter.map((c) => ({ label: c.key, cell: c, field: 'reports' }))} />
      <Bars title="People by sex and age group" k={k} rows={SEX_AGE.map(([field, name]) => ({ label: name, cell: summary.keyFigures, field }))} />
      <section className="panel">
        <h2>Top routes</h2>
        {summary.topRoutes.length === 0 ? <p>No route with enough reports to publish.</p> : (
          <table>
            <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Reports</th><th scope="col">People</th></tr></thead>
            <tbody>
              {summary.topRoutes.map((r) => (
                <tr key={`${r.from}>${r.to}`}><td>{label(r.from)}</td><td>{label(r.to)}</td><td>{shown(r, 'reports', k)}</td><td>{shown(r, 'people', k)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Contributing members</h2>
        <p>{summary.contributors.length === 0 ? 'None in this period.' : summary.contributors.map((m) => m.name).join(', ')}</p>
      </section>
    </>
  );
}
