import './reports-summary.css';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { navigate, useLocation } from '../../router.js';
import { KEY_FIGURES, releaseLine, SEX_AGE, shown, type Figures, type Summary } from './reports-dashboard-data.js';
import { counted, WORDS, type Unit } from './words.js';

/**
 * The regional summary of a closed period, read from the regional release's cells that may be
 * published (k = 11), laid out to print (the print style sheet hides the app's frame) and as a PDF.
 * Without a chosen period it shows the latest year the release has figures for.
 */
export function ReportsSummaryPage() {
  useTitle('Regional summary');
  const location = useLocation();
  const chosen = location.search.get('period') ?? '';
  const result = useResource<Summary>(`/reports/summary${chosen ? `?period=${encodeURIComponent(chosen)}` : ''}`);
  const summary = result.data;
  const period = summary?.period ?? chosen;
  return (
    <div className="summary-page">
      <PageHeader title={period ? `Regional summary, ${period}` : 'Regional summary'}>
        {period ? (
          <span className="no-print actions">
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
            <a className="button" href={`/api/v1/reports/summary.pdf?period=${encodeURIComponent(period)}`}>
              Download PDF
            </a>
          </span>
        ) : null}
      </PageHeader>
      {summary && summary.periods.length > 0 ? (
        <form aria-label="Period" className="form-row no-print" onSubmit={(event) => event.preventDefault()}>
          <Field label="Period" hint="Years, quarters and months that have closed">
            {(props) => (
              <select {...props} value={period} onChange={(event) => navigate(`/reports/summary?period=${encodeURIComponent(event.target.value)}`)}>
                {[...summary.periods].reverse().map((p) => <option key={p} value={p}>{p}</option>)}
              </select>
            )}
          </Field>
        </form>
      ) : null}
      <ErrorAlert error={result.error} />
      {summary ? <SummaryBody summary={summary} /> : result.error ? null : <Loading />}
    </div>
  );
}

/** A bar chart drawn in a table: each bar's number with its unit ("1 report", "2 reports"); empty, it says why. */
function Bars({ title, rows, unit, empty }: { title: string; rows: { label: string; cell: Figures; field: keyof Figures }[]; unit: Unit; empty: string }) {
  const values = rows.map((row) => row.cell[row.field] ?? 0);
  const max = Math.max(1, ...values);
  return (
    <section className="panel">
      <h2>{title}</h2>
      {values.every((value) => value === 0) ? (
        <p className="empty">{empty}</p>
      ) : (
        <table className="summary-bars">
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td>
                  <span className="summary-bar" style={{ width: `${(100 * (values[index] ?? 0)) / max}%` }} aria-hidden="true" />
                  {counted(values[index] ?? 0, unit)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SummaryBody({ summary }: { summary: Summary }) {
  const label = (code: string): string => summary.labels[code] ?? code;
  if (!summary.release) return <p className="empty">{WORDS.noRelease}</p>;
  const period = summary.period ?? 'any closed period';
  if (!summary.keyFigures) return <p className="empty">{WORDS.noPublishedFigures(period, summary.k)}</p>;
  const figures = summary.keyFigures;
  return (
    <>
      <p className="muted">
        From the regional release. {releaseLine(summary.release)} Figures are perturbed; each counts at least {summary.k} reports from at least 3
        members, none dominant, and smaller cells are left out.
      </p>
      <section className="panel">
        <h2>Key figures</h2>
        <dl className="details">
          {KEY_FIGURES.map(([field, name]) => (
            <div key={field}><dt>{name}</dt><dd>{shown(figures, field)}</dd></div>
          ))}
        </dl>
      </section>
      <Bars
        title="Reports by incident type"
        unit="report"
        empty={WORDS.chartEmpty('incident type', period)}
        rows={summary.byIncidentType.map((c) => ({ label: label(c.key), cell: c, field: 'reports' }))}
      />
      {/^\d{4}(-Q[1-4])?$/.test(period) ? (
        <Bars
          title={period.includes('Q') ? 'Reports by month' : 'Reports by quarter'}
          unit="report"
          empty={WORDS.chartEmpty(period.includes('Q') ? 'month' : 'quarter', period)}
          rows={summary.breakdown.map((c) => ({ label: c.key, cell: c, field: 'reports' }))}
        />
      ) : null}
      <Bars title="People by sex and age group" unit="person" empty={WORDS.chartEmpty('sex or age group', period)} rows={SEX_AGE.map(([field, name]) => ({ label: name, cell: figures, field }))} />
      <section className="panel">
        <h2>Top routes</h2>
        {summary.topRoutes.length === 0 ? <p className="empty">{WORDS.chartEmpty('route leg', period)}</p> : (
          <table>
            <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Reports</th><th scope="col">People</th></tr></thead>
            <tbody>
              {summary.topRoutes.map((r) => (
                <tr key={`${r.from}>${r.to}`}><td>{label(r.from)}</td><td>{label(r.to)}</td><td>{shown(r, 'reports')}</td><td>{shown(r, 'people')}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
