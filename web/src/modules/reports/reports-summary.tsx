import './reports-summary.css';
import { periodLabel } from '../../components/charts/periods.js';
import { ErrorAlert, Field, Loading, PageHeader } from '../../components/ui.js';
import { useResource, useTitle } from '../../hooks.js';
import { msg, useT, type MessageId } from '../../i18n/index.js';
import { navigate, useLocation } from '../../router.js';
import { labeller } from './dashboard-tables.js';
import { figureOf, KEY_FIGURES, SEX_AGE, type Figures, type Summary } from './reports-dashboard-data.js';
import { ReleaseLine } from './reports-release.js';

/** What a bar counts: a message with the number as `count` ("1 report", "2 reports"). */
const UNIT = { report: msg('reports.summary.reports'), person: msg('reports.summary.people') } as const satisfies Record<string, MessageId>;

/**
 * The regional summary of a closed period, read from the regional release's cells that may be
 * published (k = 11), laid out to print (the print style sheet hides the app's frame) and as a PDF.
 * Without a chosen period it shows the latest year the release has figures for.
 */
export function ReportsSummaryPage() {
  const t = useT();
  const location = useLocation();
  const chosen = location.search.get('period') ?? '';
  const result = useResource<Summary>(`/reports/summary${chosen ? `?period=${encodeURIComponent(chosen)}` : ''}`);
  const summary = result.data;
  const period = summary?.period ?? chosen;
  const title = period ? t('reports.summary.titleOf', { date: periodLabel(t, period) }) : t('reports.summary.title');
  useTitle(title);
  return (
    <div className="summary-page">
      <PageHeader title={title}>
        {period ? (
          <span className="no-print actions">
            <button type="button" onClick={() => window.print()}>
              {t('reports.summary.print')}
            </button>
            <a className="button" href={`/api/v1/reports/summary.pdf?period=${encodeURIComponent(period)}`}>
              {t('reports.summary.pdf')}
            </a>
          </span>
        ) : null}
      </PageHeader>
      {summary && summary.periods.length > 0 ? (
        <form aria-label={t('reports.summary.period')} className="form-row no-print" onSubmit={(event) => event.preventDefault()}>
          <Field label={t('reports.summary.period')} hint={t('reports.summary.periodHint')}>
            {(props) => (
              <select {...props} value={period} onChange={(event) => navigate(`/reports/summary?period=${encodeURIComponent(event.target.value)}`)}>
                {[...summary.periods].reverse().map((p) => <option key={p} value={p}>{periodLabel(t, p)}</option>)}
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

interface BarRow {
  key: string;
  label: string;
  /** The label is data (a name), not words of the app. */
  data: boolean;
  cell: Figures;
  field: keyof Figures;
}

/** A bar chart drawn in a table: each bar's number with its unit ("1 report", "2 reports"); empty, it says why. */
function Bars({ title, rows, unit, empty }: { title: string; rows: BarRow[]; unit: keyof typeof UNIT; empty: string }) {
  const t = useT();
  const values = rows.map((row) => figureOf(row.cell, row.field));
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
              <tr key={row.key}>
                <th scope="row">{row.data ? <span translate="no">{row.label}</span> : row.label}</th>
                <td>
                  <span className="summary-bar" style={{ width: `${(100 * (values[index] ?? 0)) / max}%` }} aria-hidden="true" />
                  {t(UNIT[unit], { count: values[index] ?? 0 })}
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
  const t = useT();
  const label = labeller(summary.labels, t);
  const name = (code: string) => {
    const cell = label.cell(code);
    return cell !== null && typeof cell === 'object' ? <span translate="no">{cell.data}</span> : label(code);
  };
  if (!summary.release) return <p className="empty">{t('reports.summary.noRelease')}</p>;
  const period = summary.period ? periodLabel(t, summary.period) : t('reports.summary.anyPeriod');
  if (!summary.keyFigures) return <p className="empty">{t('reports.summary.noPublished', { date: period, count: summary.k })}</p>;
  const figures = summary.keyFigures;
  const quarterly = summary.period?.includes('Q') ?? false;
  return (
    <>
      <p className="muted">
        {t('reports.summary.fromRelease')} <ReleaseLine release={summary.release} /> {t('reports.summary.perturbed', { count: summary.k })}
      </p>
      <section className="panel">
        <h2>{t('reports.summary.keyFigures')}</h2>
        <dl className="details">
          {KEY_FIGURES.map(([field, figure]) => (
            <div key={field}><dt>{t(figure)}</dt><dd>{t.number(figureOf(figures, field))}</dd></div>
          ))}
        </dl>
      </section>
      <Bars
        title={t('reports.summary.byIncidentType')}
        unit="report"
        empty={t('reports.summary.empty', { type: 'incidentType', date: period })}
        rows={summary.byIncidentType.map((c) => ({ key: c.key, label: label(c.key), data: typeof label.cell(c.key) === 'object', cell: c, field: 'reports' }))}
      />
      {/^\d{4}(-Q[1-4])?$/.test(summary.period ?? '') ? (
        <Bars
          title={quarterly ? t('reports.summary.byMonth') : t('reports.summary.byQuarter')}
          unit="report"
          empty={t('reports.summary.empty', { type: quarterly ? 'month' : 'quarter', date: period })}
          rows={summary.breakdown.map((c) => ({ key: c.key, label: periodLabel(t, c.key), data: false, cell: c, field: 'reports' }))}
        />
      ) : null}
      <Bars
        title={t('reports.summary.sexAge')}
        unit="person"
        empty={t('reports.summary.empty', { type: 'sexAge', date: period })}
        rows={SEX_AGE.map(([field, figure]) => ({ key: field, label: t(figure), data: false, cell: figures, field }))}
      />
      <section className="panel">
        <h2>{t('reports.summary.topRoutes')}</h2>
        {summary.topRoutes.length === 0 ? <p className="empty">{t('reports.summary.empty', { type: 'route', date: period })}</p> : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.table.from')}</th>
                <th scope="col">{t('dashboard.table.to')}</th>
                <th scope="col">{t('dashboard.table.reports')}</th>
                <th scope="col">{t('dashboard.chart.people')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.topRoutes.map((r) => (
                <tr key={`${r.from}>${r.to}`}><td>{name(r.from)}</td><td>{name(r.to)}</td><td>{t.number(figureOf(r, 'reports'))}</td><td>{t.number(figureOf(r, 'people'))}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
